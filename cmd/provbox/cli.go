package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/provbox/provbox/httpd/admin"
)

// cli holds what every verb shares: output streams, the environment and
// the common flags.
type cli struct {
	stdout, stderr io.Writer
	getenv         func(string) string

	config string // -c: config file
	socket string // --socket: admin socket, overriding the config
	json   bool   // --json: machine-readable output
}

// flags returns a flag set with the common flags; verbs add their own.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// Errors are printed once, by main; the flag list only on -h.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&c.config, "c", c.config, "config `FILE`")
	fs.StringVar(&c.config, "config", c.config, "config `FILE`")
	fs.StringVar(&c.socket, "socket", c.socket, "admin socket `PATH`")
	fs.BoolVar(&c.json, "json", c.json, "print JSON")
	return fs
}

// parse parses flags and positional arguments in any order (flag stops at
// the first positional one) and checks the positional count.
func (c *cli) parse(fs *flag.FlagSet, args []string, minArgs, maxArgs int, what string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printVerbHelp(c.stdout, fs, what)
			}
			return nil, flagError(durationHint(fs, err), fs.Name()+" --help")
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < minArgs || len(pos) > maxArgs {
		return nil, usagef("%s (see provbox %s --help)", strings.TrimSpace("usage: provbox "+fs.Name()+" "+what), fs.Name())
	}
	return pos, nil
}

// configFile is the config path the flags and environment select.
func (c *cli) configFile() string { return configPath(c.config, c.getenv) }

// client connects to the daemon's admin socket: --socket, or admin.socket
// from the config (decoded strictly, but without the checks that need the
// daemon's privileges).
func (c *cli) client() (*admin.Client, error) { return c.dial(true) }

// dial is client; warn says whether to print what the daemon would
// refuse in the file (reload does not: the daemon's answer says it).
func (c *cli) dial(warn bool) (*admin.Client, error) {
	if c.socket != "" {
		return admin.Dial(c.socket), nil
	}
	cfg, err := decodeConfig(c.configFile())
	if cfg == nil {
		return nil, fmt.Errorf("finding the admin socket: %w", err)
	}
	if err != nil && warn {
		// Only unknown or unit-less keys: the socket is known, and the
		// daemon serves the file it loaded. Say what it will refuse.
		fmt.Fprintf(c.stderr, "provbox: warning: the daemon will refuse this file at its next reload or start:\n%v\n", err)
	}
	return admin.Dial(cfg.resolve(cfg.Admin.Socket)), nil
}

// printJSON writes v indented.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table writes aligned columns; the first row is the header.
func (c *cli) table(rows [][]string) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// fields writes "key: value" lines, aligned.
func (c *cli) fields(kv [][2]string) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 1, ' ', 0)
	for _, f := range kv {
		fmt.Fprintf(tw, "%s:\t%s\n", f[0], f[1])
	}
	return tw.Flush()
}

// show prints v as JSON with --json, else runs human.
func (c *cli) show(v any, human func() error) error {
	if c.json {
		return c.printJSON(v)
	}
	return human()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return fmtTime(*t)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// flagSetter adds a verb's own flags to a flag set.
type flagSetter func(*flag.FlagSet) *flag.FlagSet

func noFlags(fs *flag.FlagSet) *flag.FlagSet { return fs }
