// Command scanbench measures provbox's ban engine under a scan, over real
// loopback sockets: it starts the real core (SQLite state database in a
// temporary directory, built-in vendor registry) with the real HTTP and
// TFTP servers on 127.0.0.1, provisions a genuine phone from 127.0.0.3,
// gets a scanner on 127.0.0.2 banned, and reports the refusals per second
// for the banned address over HTTP and TFTP and the phone's fetch
// latency alone and during a concurrent scan, in one run.
//
// Linux only (it binds client sockets to 127.0.0.2 and 127.0.0.3).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func main() {
	o := benchOptions{}
	flag.IntVar(&o.Workers, "workers", 8, "attacker connections and concurrent TFTP requests")
	flag.IntVar(&o.Refusals, "refusals", 20000, "requests per protocol from the banned attacker")
	flag.IntVar(&o.Fetches, "fetches", 500, "phone fetches per latency sample")
	flag.IntVar(&o.ScanMax, "scan-max", 1_000_000, "upper bound of the concurrent scan's requests")
	timeout := flag.Duration("timeout", 5*time.Minute, "bound of the whole run")
	verbose := flag.Bool("v", false, "log the servers' warnings to stderr")
	flag.Parse()
	if err := run(o, *timeout, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "scanbench:", err)
		os.Exit(1)
	}
}

func run(o benchOptions, timeout time.Duration, verbose bool) error {
	if o.Workers < 1 || o.Refusals < 1 || o.Fetches < 1 || o.ScanMax < 1 {
		return fmt.Errorf("-workers, -refusals, -fetches and -scan-max must be positive")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "scanbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	log := slog.New(slog.DiscardHandler)
	if verbose {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	l, err := startLab(ctx, dir, labBans(), log)
	if err != nil {
		return err
	}
	r, err := measure(ctx, l, o)
	if cerr := l.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	r.print(os.Stdout, o)
	return nil
}

// labBans is the shipped policy, with the box's own address exempt.
func labBans() provisioning.BanConfig {
	return provisioning.BanConfig{MaxRetry: 15, FindTime: 10 * time.Minute, BanTime: time.Hour,
		MaxBanTime: 168 * time.Hour, Factor: 2, ScanMACs: 8}
}
