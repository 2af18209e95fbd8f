package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// plainDecodeMessage rewrites the decoder's and the standard library's
// wording into the admin's: what the key wants, with an example, and no
// Go function or type names (netip.ParsePrefix, "destination has type
// slice").
func plainDecodeMessage(msg string) string {
	if m := incompatible.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("want %s, not %s", wantedKind(m[2]), tomlKind(m[1]))
	}
	if m := goParse.FindStringSubmatch(msg); m != nil {
		what, example := "an IP address", `"10.20.0.2"`
		if m[1] == "Prefix" {
			what, example = "a network (ADDRESS/BITS)", `"10.20.0.0/24"`
		}
		return fmt.Sprintf("%q is not %s: %s; e.g. %s", m[2], what, m[3], example)
	}
	if m := badDuration.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf(`%q is not a duration: want a number and a unit, e.g. "24h", "30m" or "90s" (units h, m, s, ms; no days: a week is "168h")`, m[1])
	}
	if m := outOfRange.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s is out of range: want a whole number from %s", m[1], intRange(m[2], m[3]))
	}
	if m := definedTwice.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s is set twice; keep one", m[1])
	}
	if msg == "strings cannot contain newlines" {
		return `a string is not closed: missing " at the end of the line?`
	}
	return msg
}

var (
	badDuration  = regexp.MustCompile(`^invalid duration: "(.*)"$`)
	outOfRange   = regexp.MustCompile(`^(\S+) is out of range for (u?int)(\d*)$`)
	definedTwice = regexp.MustCompile(`^Key '(.*)' has already been defined\.$`)
	incompatible = regexp.MustCompile(`^incompatible types: TOML value has type (.+); destination has type (.+)$`)
	goParse      = regexp.MustCompile(`^(?:netip\.)?Parse(Prefix|Addr)\("([^"]*)"\): (.*)$`)
)

// intRange is "MIN to MAX" of a Go integer type (int8, uint16…).
func intRange(kind, bits string) string {
	n, err := strconv.Atoi(bits)
	if err != nil || n == 0 {
		n = 64
	}
	if kind == "uint" {
		return fmt.Sprintf("0 to %d", uint64(1)<<n-1)
	}
	return fmt.Sprintf("%d to %d", -(int64(1) << (n - 1)), int64(1)<<(n-1)-1)
}

// tomlKind names a TOML value's type as the file shows it.
func tomlKind(t string) string {
	switch {
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "a number"
	case strings.HasPrefix(t, "float"):
		return "a decimal number"
	case t == "bool":
		return "true/false"
	case strings.HasPrefix(t, "[]map"):
		return "a list of tables"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map"):
		return "a table"
	}
	return t
}

// wantedKind names what the schema's Go type accepts, with an example.
func wantedKind(t string) string {
	switch {
	case t == "slice":
		return `a list, e.g. ["a", "b"]`
	case t == "boolean":
		return "true or false (no quotes)"
	case t == "integer":
		return "a number (no quotes)"
	case t == "float":
		return "a number"
	case t == "string" || strings.HasPrefix(t, "primitive"):
		return `a single quoted value, e.g. "x"`
	case t == "struct" || t == "map":
		return "a table"
	}
	return t
}
