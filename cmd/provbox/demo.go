package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/provbox/provbox/cmd/internal/lab"
	"github.com/provbox/provbox/cmd/internal/phone"
)

// cmdDemo builds a throw-away LAN of network namespaces, runs this
// binary's daemon on it with one emulated phone of every vendor and a few
// attackers, prints what happened and removes everything. It exits 0 only
// if every phone provisioned and followed its rekeys, and every attacker
// was refused or banned without a credential. Root only.
//
// `provbox demo --emulate ...` is the emulated host itself, which the lab
// runs inside each namespace.
func cmdDemo(ctx context.Context, c *cli, args []string) error {
	if len(args) > 0 && (args[0] == "--emulate" || args[0] == "-emulate") {
		switch phone.Main(ctx, args[1:], c.stdout, c.stderr) {
		case 0:
			return nil
		case 2:
			return usagef("demo --emulate: bad arguments")
		}
		return errReported
	}
	fs := c.flags("demo")
	vendors := fs.String("vendors", "", "comma-separated phone vendors (default: all: "+strings.Join(phone.Names(), ",")+")")
	bootstrap := fs.String("bootstrap", "http", "[dhcp] bootstrap of the lab daemon: http or tftp")
	breakFlag := fs.String("break", "", "turn one safeguard off to watch the lab catch it: "+strings.Join(lab.SabotageNames(), ", "))
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	verbose := fs.Bool("v", false, "log what the lab does")
	if _, err := c.parse(fs, args, 0, 0, "[--vendors V,...] [--bootstrap http|tftp] [--break SAFEGUARD] [--json]"); err != nil {
		return err
	}
	sab, err := lab.ParseSabotage(*breakFlag)
	if err != nil {
		return usagef("--break: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	o := lab.Options{Provbox: exe, Emulator: []string{exe, "demo", "--emulate"}, Bootstrap: *bootstrap,
		Sabotage: sab, Timeout: *timeout}
	if *vendors != "" {
		o.Vendors = strings.Split(*vendors, ",")
	}
	if !c.json {
		o.Out = c.stdout
	}
	if *verbose {
		o.Log = slog.New(slog.NewTextHandler(c.stderr, nil))
	}
	return runDemo(ctx, c, o)
}

func runDemo(ctx context.Context, c *cli, o lab.Options) error {
	// Ctrl-C or SIGTERM still removes every namespace the lab made.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := lab.Run(ctx, o)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if c.json {
		if err := c.printJSON(res); err != nil {
			return err
		}
	}
	if !res.OK() {
		return errReported
	}
	return nil
}
