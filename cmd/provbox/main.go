// Command provbox is the provisioning appliance for SIP desk phones: one
// binary that runs the daemon (DHCP, TFTP, HTTP and the admin API) and is
// the CLI admins use to manage accounts and devices through it.
//
// Run `provbox help` for the verbs and exit codes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// Exit codes: scripts and systemd rely on them.
const (
	exitOK      = 0 // done
	exitFailure = 1 // a runtime error, refused input, or an invalid config in `check`
	exitUsage   = 2 // bad command line, or a config serve cannot start with
)

// exitCode prints err (if any) and maps it to the process status.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	var ce *configError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "provbox: %v\n", err)
		return exitUsage
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "provbox: invalid configuration:\n%v\n", err)
		return exitUsage
	case errors.Is(err, errReported):
		return exitFailure
	}
	fmt.Fprintf(stderr, "provbox: %v\n", err)
	return exitFailure
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("reported")

// usageError is a command line provbox cannot make sense of.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// command is one verb of the CLI.
type command struct {
	summary string // one line for `provbox help`
	run     func(ctx context.Context, c *cli, args []string) error
}

// commands is the dispatch table. To add a verb, add one entry here
// (e.g. "status": {summary: ..., run: cmdStatus} with cmdStatus in its own file).
func commands() map[string]command {
	return map[string]command{
		"serve":      {"run the daemon (DHCP, TFTP, HTTP, admin API) in the foreground", cmdServe},
		"check":      {"validate the configuration and templates; exit 0 if valid, 1 if not", cmdCheck},
		"account":    {"add|list|show|set|rm|rekey accounts", cmdAccount},
		"device":     {"add|list|show|set|replace|rm|lock|unlock|rekey|import|pending|adopt|preview devices", cmdDevice},
		"ban":        {"list|add|rm bans", cmdBan},
		"lease":      {"list DHCP leases", cmdLease},
		"events":     {"show the audit trail [--mac MAC] [--ip IP] [--outcome O] [--reason PREFIX] [--since DURATION] [--until TIME] [--limit N] [--offset N] [--before ID] [--csv]", cmdEvents},
		"explain":    {"fetch|dhcp: dry-run a decision and show every check (no side effect)", cmdExplain},
		"rogue":      {"list foreign DHCP servers seen on the phones' segments", cmdRogue},
		"status":     {"show what the daemon holds", cmdStatus},
		"reload":     {"re-read the configuration file in the running daemon and wait for the outcome", cmdReload},
		"store":      {"copy the state between SQLite and PostgreSQL (daemon stopped)", cmdStore},
		"version":    {"print the version", cmdVersion},
		"completion": {"print a shell completion script: bash|zsh|fish", cmdCompletion},
	}
}

// run is the whole program: main only adds the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := &cli{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	fs := c.flags("provbox")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.usage(stdout)
		}
		return usageOrHelp(err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		c.usage(stderr)
		return usagef("no command given")
	}
	if rest[0] == "help" {
		// `provbox help device` is `provbox device --help`.
		if len(rest) > 1 {
			if cmd, ok := commands()[rest[1]]; ok {
				return cmd.run(ctx, c, []string{"--help"})
			}
			return usagef("no help topic %q (topics: %s)", rest[1], commandNames())
		}
		c.usage(stdout)
		return nil
	}
	cmd, ok := commands()[rest[0]]
	if !ok {
		return usagef("unknown command %q (see provbox help)", rest[0])
	}
	return cmd.run(ctx, c, rest[1:])
}

// usageOrHelp turns a flag package error into one line and a hint.
func usageOrHelp(err error) error { return flagError(err, "help") }

// flagError is err as one line, with a hint where help is: "provbox
// HINT". flag.ErrHelp passes through.
func flagError(err error, hint string) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		msg = "unknown flag --" + strings.TrimPrefix(name, "-")
	}
	return &usageError{msg + " (see provbox " + hint + ")"}
}

var badFlagValue = regexp.MustCompile(`^invalid value "(.*)" for flag -(\S+): (.*)$`)

func commandNames() string {
	var names []string
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

const usageHead = `provbox - zero-touch provisioning for SIP desk phones

Usage:
  provbox [-c FILE] [--socket PATH] [--json] COMMAND [ARGS]

Commands:
`

const usageTail = `
Common flags (before or after the command):
  -c, --config FILE   config file (default $PROVBOX_CONFIG, else /etc/provbox/provbox.toml)
  --socket PATH       admin socket (default: admin.socket from the config)
  --json              print JSON for scripts instead of tables

Device verbs:
  device add MAC --account NAME --vendor VENDOR [--model MODEL] [--ip IP]
             [--line EXT:PASSWORD[:DISPLAY NAME]]...   (repeat --line; \: escapes a colon)
  device list [--account NAME] | show MAC | rm MAC | lock MAC
  device unlock MAC [--for DURATION] | rekey [--no-grace] MAC
  device import FILE.csv   header: mac,account,vendor[,model,ip,extension,password,
                           auth_user,display_name,label]; repeat a MAC's row for more
                           lines; all rows are added or none
  device set MAC [--account NAME] [--model MODEL] [--ip IP]
             [--line EXT[:PASSWORD[:DISPLAY NAME]]]...   (the lines replace the device's;
                           a line without a password keeps its extension's)
  device replace OLD_MAC NEW_MAC   a new phone takes the old one's lines (new secret URL,
                           open for provisioning)
  device pending           unknown phones that asked (DHCP vendor class, vendor UA)
  device adopt MAC --account NAME [--vendor VENDOR] [--model MODEL] [--ip IP]
             [--line EXT:PASSWORD[:DISPLAY NAME]]...   add a pending phone; it provisions
                           at its next retry
  device preview MAC       the config the phone would get now, passwords masked
Account verbs:
  account add NAME --sip-server HOST[:PORT] [--sip-transport udp|tcp|tls]
              [--ntp HOST] [--timezone ZONE] [--language LANG]
  account list | show NAME | rekey [--no-grace] NAME
  account set NAME [--sip-server HOST[:PORT]] [--sip-transport udp|tcp|tls]
              [--ntp HOST] [--timezone ZONE] [--language LANG]
  account rm [--force] NAME   refused while devices use it, unless --force
Ban verbs:
  ban list | add IP [--for DURATION] [--reason TEXT] | rm IP
Explain verbs (a dry run: no strike, lock, audit line or lease):
  explain fetch --ip IP [--ua UA] [--proto http|tftp] PATH
  explain dhcp MAC [--opt60 TEXT] [--relay IP]
Rogue verbs:
  rogue list

Exit status:
  0  success
  1  runtime error: the daemon refused the request (bad MAC, duplicate,
     unknown account or vendor...), is not running, or failed; and
     'provbox check' on an invalid configuration
  2  usage error (bad command line), or 'provbox serve' with a
     configuration it cannot start with
`

func (c *cli) usage(w io.Writer) {
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(usageHead)
	for _, n := range names {
		fmt.Fprintf(&b, "  %-8s  %s\n", n, cmds[n].summary)
	}
	b.WriteString(usageTail)
	io.WriteString(w, b.String())
}
