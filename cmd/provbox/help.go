package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/provbox/provbox/provisioning/profile"
)

// Help for verbs and verb families. It is built from the flag sets the
// verbs define, so a verb added to a family's table shows up in
// `provbox FAMILY --help` and `provbox help FAMILY` without more work.

// isHelpArg reports whether arg asks for help rather than naming a verb.
func isHelpArg(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// commonFlags are the flags every verb takes; the global usage lists them
// once, so a verb's help shows only its own.
var commonFlags = []string{"c", "config", "socket", "json"}

// printVerbHelp prints `usage: provbox VERB ARGS` and the verb's own
// flags, the way they are typed (--account NAME).
func printVerbHelp(w io.Writer, fs *flag.FlagSet, what string) {
	fmt.Fprintf(w, "%s\n", strings.TrimSpace("usage: provbox "+fs.Name()+" "+what))
	var lines [][2]string
	fs.VisitAll(func(f *flag.Flag) {
		if slices.Contains(commonFlags, f.Name) {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		switch {
		case isBoolFlag(f):
			arg = ""
		case arg == "value" || arg == "string":
			arg = "VALUE"
		case arg == "duration":
			arg = "DURATION"
			if !strings.Contains(usage, "e.g.") {
				usage += ` (e.g. "24h", "30m")`
			}
		case arg == "int":
			arg = "N"
		}
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		lines = append(lines, [2]string{name, usage})
	})
	width := 0
	for _, l := range lines {
		width = max(width, len(l[0]))
	}
	for _, l := range lines {
		fmt.Fprintf(w, "  %-*s  %s\n", width, l[0], l[1])
	}
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// familyHelp prints every verb of a family, each with its own flags, by
// asking each verb for its help.
func familyHelp(ctx context.Context, c *cli, group string, verbs map[string]func(context.Context, *cli, []string) error) error {
	names := make([]string, 0, len(verbs))
	for n := range verbs {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	fmt.Fprintf(&b, "usage: provbox %s VERB [ARGS]   (%s)\n", group, strings.Join(names, "|"))
	for _, n := range names {
		var buf bytes.Buffer
		sub := *c
		sub.stdout, sub.stderr = &buf, io.Discard
		verbs[n](ctx, &sub, []string{"--help"}) //nolint:errcheck // flag.ErrHelp: the help is in buf
		b.WriteString("\n")
		b.WriteString(strings.TrimPrefix(buf.String(), "usage: "))
	}
	_, err := io.WriteString(c.stdout, b.String())
	if err != nil {
		return err
	}
	return flag.ErrHelp
}

// durationHint rewrites the flag package's "parse error" for a duration
// flag into one that shows a valid value.
func durationHint(fs *flag.FlagSet, err error) error {
	m := badFlagValue.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	f := fs.Lookup(m[2])
	if g, ok := f.Value.(flag.Getter); ok {
		if _, ok := g.Get().(time.Duration); ok {
			return fmt.Errorf(`--%s %q is not a duration: write e.g. "24h", "30m" or "90s"`, m[2], m[1])
		}
	}
	return err
}

// builtinVendors names the vendor profiles provbox ships, for --vendor's
// help (a templates_dir override cannot add new ones).
func builtinVendors() string {
	reg, err := profile.New("")
	if err != nil {
		return "see provbox check"
	}
	return vendorNames(reg)
}

// requireFlags names each required flag left out, in flag order.
func requireFlags(values map[string]string, verb string) error {
	var missing []string
	for name, v := range values {
		if v == "" {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return usagef("provbox %s: missing %s (see provbox %s --help)", verb, strings.Join(missing, " and "), verb)
}
