package main

import (
	"fmt"
	"regexp"
	"strings"
)

// keyIndex knows on which line each key of a TOML file sits. The toml
// decoder gives no position for unknown keys or for values that pass
// decoding but fail our checks, so we scan the text ourselves. The scan
// understands what provbox.toml uses (tables, arrays of tables, key =
// value lines, comments); a key it cannot place is reported without a
// line rather than with a wrong one.
type keyIndex struct {
	entries []keyEntry
}

type keyEntry struct {
	path  string // with array indexes: dhcp.subnet[1].range
	plain string // without: dhcp.subnet.range (toml's Key.String())
	line  int    // 1-based
	col   int    // 1-based column of the value, or of the header
	value string // the raw text after "=", comments included
}

var arrayIndex = regexp.MustCompile(`\[\d+\]`)

func indexKeys(text string) *keyIndex {
	ix := &keyIndex{}
	current := ""
	arrays := map[string]int{} // resolved array path -> index of its last element
	for n, raw := range strings.Split(text, "\n") {
		line := strings.TrimLeft(raw, " \t")
		indent := len(raw) - len(line)
		switch {
		case line == "" || line[0] == '#':
			continue
		case strings.HasPrefix(line, "[["):
			comps, ok := parseKey(strings.TrimPrefix(line, "[["), ']')
			if !ok {
				continue
			}
			full := resolveKey(comps, arrays)
			arrays[full] = arrays[full] + 1
			current = fmt.Sprintf("%s[%d]", full, arrays[full]-1)
			ix.add(current, n+1, indent+1, "")
		case line[0] == '[':
			comps, ok := parseKey(line[1:], ']')
			if !ok {
				continue
			}
			current = resolveKey(comps, arrays)
			ix.add(current, n+1, indent+1, "")
		default:
			comps, ok := parseKey(line, '=')
			if !ok {
				continue
			}
			eq := strings.IndexByte(line, '=') // parseKey stopped at the first '=' outside quotes
			path := strings.Join(comps, ".")
			if current != "" {
				path = current + "." + path
			}
			value := line[eq+1:]
			ix.add(path, n+1, indent+eq+2+(len(value)-len(strings.TrimLeft(value, " \t"))), value)
		}
	}
	return ix
}

func (ix *keyIndex) add(path string, line, col int, value string) {
	ix.entries = append(ix.entries, keyEntry{path: path, plain: arrayIndex.ReplaceAllString(path, ""),
		line: line, col: col, value: value})
}

// resolveKey turns the components of a table header into a path with the
// index of the current element of every enclosing array of tables.
func resolveKey(comps []string, arrays map[string]int) string {
	path := ""
	for i, c := range comps {
		if i > 0 {
			path += "."
		}
		path += c
		if i < len(comps)-1 {
			if n, ok := arrays[path]; ok {
				path = fmt.Sprintf("%s[%d]", path, n-1)
			}
		}
	}
	return path
}

// parseKey reads a dotted key (bare or quoted components) up to the
// terminator byte.
func parseKey(s string, term byte) ([]string, bool) {
	var comps []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return nil, false
		}
		var comp string
		switch s[0] {
		case '"', '\'':
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return nil, false
			}
			comp, s = s[1:1+end], s[end+2:]
		default:
			end := strings.IndexFunc(s, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
			})
			if end <= 0 {
				return nil, false
			}
			comp, s = s[:end], s[end:]
		}
		comps = append(comps, comp)
		s = strings.TrimLeft(s, " \t")
		switch {
		case s == "":
			return nil, false
		case s[0] == '.':
			s = s[1:]
		case s[0] == term:
			return comps, true
		default:
			return nil, false
		}
	}
}

// lineOf returns the line of the n-th (0-based) occurrence of the plain
// dotted key, as toml's Undecoded lists them in document order.
func (ix *keyIndex) lineOf(plain string, n int) (int, bool) {
	e, ok := ix.entry(plain, n)
	return e.line, ok
}

// entry returns the n-th (0-based) occurrence of the plain dotted key.
func (ix *keyIndex) entry(plain string, n int) (keyEntry, bool) {
	for _, e := range ix.entries {
		if e.plain == plain {
			if n == 0 {
				return e, true
			}
			n--
		}
	}
	return keyEntry{}, false
}

// lineOfPath returns the line of an indexed key path (dhcp.subnet[1].range).
func (ix *keyIndex) lineOfPath(path string) (int, bool) {
	for _, e := range ix.entries {
		if e.path == path {
			return e.line, true
		}
	}
	return 0, false
}

// entryAt returns the entry of an indexed key path (dhcp.subnet[1].range).
func (ix *keyIndex) entryAt(path string) (keyEntry, bool) {
	for _, e := range ix.entries {
		if e.path == path {
			return e, true
		}
	}
	return keyEntry{}, false
}

// colOf is the column of the quoted val in the entry's value.
func (e keyEntry) colOf(val string) (int, bool) {
	if val == "" {
		return 0, false
	}
	v := strings.TrimLeft(e.value, " \t")
	i := strings.Index(v, `"`+val+`"`)
	if i < 0 {
		return 0, false
	}
	return e.col + i, true
}

// lineOfValue finds the key whose value holds val (the bad value quoted in
// a decode error) and returns its line and the column of val.
func (ix *keyIndex) lineOfValue(plain, val string) (line, col int, ok bool) {
	var match *keyEntry
	for i := range ix.entries {
		e := &ix.entries[i]
		if e.plain != plain {
			continue
		}
		if val != "" && strings.Contains(e.value, `"`+val+`"`) {
			if match == nil {
				c := e.col + strings.Index(strings.TrimLeft(e.value, " \t"), `"`+val+`"`)
				match, col = e, c
			}
		}
	}
	if match != nil {
		return match.line, col, true
	}
	return 0, 0, false
}

// pathAt is the indexed path (dhcp.subnet[1].cidr) of the plain key on
// line, or plain itself when the scan did not place it there.
func (ix *keyIndex) pathAt(plain string, line int) string {
	for _, e := range ix.entries {
		if e.plain == plain && e.line == line {
			return e.path
		}
	}
	return plain
}
