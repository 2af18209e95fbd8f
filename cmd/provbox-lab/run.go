package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/provbox/provbox/cmd/internal/lab"
	"github.com/provbox/provbox/cmd/internal/phone"
)

// emulateFlag as the first argument makes this process one emulated host.
const emulateFlag = "--emulate"

// emulateStormFlag as the first argument makes this process the phones of
// one storm namespace (phone.StormMain).
const emulateStormFlag = "--emulate-storm"

// errFlagsReported is a flag error the flag package already printed.
var errFlagsReported = errors.New("bad flags")

// run is the whole program and returns the exit code: 0 the lab passed, 1
// it failed or could not run, 2 bad arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == emulateFlag || args[0] == "-emulate") {
		return phone.Main(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == emulateStormFlag {
		return phone.StormMain(ctx, args[1:], os.Stdin, stdout, stderr)
	}
	o, so, asJSON, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if errors.Is(err, errFlagsReported) {
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "provbox-lab:", err)
		return 2
	}
	if so != nil {
		return runStorm(ctx, *so, asJSON, stdout, stderr)
	}
	if !asJSON {
		o.Out = stdout
	}
	res, err := lab.Run(ctx, o)
	return report(res, err, asJSON, stdout, stderr)
}

// report turns a run's result into the exit code: 0 when it is OK, 1 when
// not or when it could not run; with --json the result is printed.
func report[R interface{ OK() bool }](res R, err error, asJSON bool, stdout, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintln(stderr, "provbox-lab:", err)
		return 1
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "provbox-lab:", err)
			return 1
		}
	}
	if !res.OK() {
		return 1
	}
	return 0
}

// parse reads the lab's flags into lab.Options, or with --phones into
// lab.StormOptions (so non-nil); the emulator is this binary with
// emulateFlag (emulateStormFlag).
func parse(args []string, stderr io.Writer) (o lab.Options, so *lab.StormOptions, asJSON bool, err error) {
	fs := flag.NewFlagSet("provbox-lab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	provbox := fs.String("provbox", "", "the provbox binary to run as the lab's daemon (default: provbox next to this binary, else on $PATH)")
	vendors := fs.String("vendors", "", "comma-separated phone vendors (default: all: "+strings.Join(phone.Names(), ",")+")")
	bootstrap := fs.String("bootstrap", "http", "[dhcp] bootstrap of the lab daemon: http or tftp")
	breakFlag := fs.String("break", "", "turn one safeguard off to watch the lab catch it: "+strings.Join(lab.SabotageNames(), ", "))
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	verbose := fs.Bool("v", false, "log what the lab does")
	jsonFlag := fs.Bool("json", false, "print the result as JSON instead of the tables")
	sf := stormFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, nil, false, err
		}
		return o, nil, false, errFlagsReported // the flag package printed it
	}
	if fs.NArg() > 0 {
		return o, nil, false, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	sab, err := lab.ParseSabotage(*breakFlag)
	if err != nil {
		return o, nil, false, fmt.Errorf("--break: %w", err)
	}
	if *sf.phones != 0 {
		if err := sf.check(sab); err != nil {
			return o, nil, false, err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return o, nil, false, err
	}
	pb, err := findProvbox(*provbox, self)
	if err != nil {
		return o, nil, false, err
	}
	if *sf.phones != 0 {
		so := sf.options(pb, self, *vendors, *bootstrap, *timeout)
		if *verbose {
			so.Log = slog.New(slog.NewTextHandler(stderr, nil))
		}
		return o, so, *jsonFlag, nil
	}
	o = lab.Options{Provbox: pb, Emulator: []string{self, emulateFlag}, Bootstrap: *bootstrap,
		Sabotage: sab, Timeout: *timeout}
	if *vendors != "" {
		o.Vendors = strings.Split(*vendors, ",")
	}
	if *verbose {
		o.Log = slog.New(slog.NewTextHandler(stderr, nil))
	}
	return o, nil, *jsonFlag, nil
}

// findProvbox is the daemon binary: the one given, else provbox beside
// this binary (as `make demo` builds them), else on $PATH.
func findProvbox(given, self string) (string, error) {
	if given != "" {
		if _, err := os.Stat(given); err != nil {
			return "", fmt.Errorf("--provbox: %w", err)
		}
		return given, nil
	}
	beside := filepath.Join(filepath.Dir(self), "provbox")
	if fi, err := os.Stat(beside); err == nil && !fi.IsDir() {
		return beside, nil
	}
	if p, err := exec.LookPath("provbox"); err == nil {
		return p, nil
	}
	return "", errors.New("no provbox binary beside provbox-lab or on $PATH: build it (go build ./cmd/provbox) and pass --provbox PATH")
}
