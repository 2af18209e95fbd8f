package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/provbox/provbox/cmd/internal/lab"
)

// stormFlagSet is the boot storm's flags (--phones N turns the storm on).
type stormFlagSet struct {
	phones, perNS         *int
	goal                  *time.Duration
	daemonProf, phoneProf *string
}

func stormFlags(fs *flag.FlagSet) stormFlagSet {
	return stormFlagSet{
		phones: fs.Int("phones", 0, "boot storm: power this many phones (vendors in turn) on at once instead of the lab; exit 1 unless all are provisioned within --goal"),
		perNS:  fs.Int("per-namespace", 250, "boot storm: phones per namespace (each on a macvlan of its own)"),
		goal:   fs.Duration("goal", 3*time.Second, "boot storm: every phone provisioned within this wall time of power-on"),
		daemonProf: fs.String("daemon-profile", "", "boot storm: write the daemon's CPU profile of the storm to `FILE` "+
			"(needs a provbox built with -tags provbox_pprof)"),
		phoneProf: fs.String("phone-profiles", "", "boot storm: write each namespace's phone emulator CPU profile into `DIR`"),
	}
}

// check names a bad storm flag before anything is built.
func (f stormFlagSet) check(sab lab.Sabotage) error {
	switch {
	case *f.phones < 0:
		return fmt.Errorf("--phones %d: want a positive count", *f.phones)
	case *f.perNS < 1:
		return fmt.Errorf("--per-namespace %d: want at least 1", *f.perNS)
	case *f.goal <= 0:
		return fmt.Errorf("--goal %s: want a positive duration", *f.goal)
	case sab != lab.NoSabotage:
		return errors.New("--break and --phones: the storm runs with every safeguard on")
	}
	return nil
}

func (f stormFlagSet) options(provbox, self, vendors, bootstrap string, timeout time.Duration) *lab.StormOptions {
	so := &lab.StormOptions{Provbox: provbox, Emulator: []string{self, emulateStormFlag}, Phones: *f.phones,
		PerNamespace: *f.perNS, Bootstrap: bootstrap, Goal: *f.goal, Timeout: timeout,
		DaemonProfile: *f.daemonProf, PhoneProfiles: *f.phoneProf}
	if vendors != "" {
		so.Vendors = strings.Split(vendors, ",")
	}
	return so
}

// runStorm runs a boot storm and returns the exit code: 0 every phone was
// provisioned within the goal, 1 not (or the storm could not run).
func runStorm(ctx context.Context, so lab.StormOptions, asJSON bool, stdout, stderr io.Writer) int {
	if !asJSON {
		so.Out = stdout
	}
	res, err := lab.RunStorm(ctx, so)
	return report(res, err, asJSON, stdout, stderr)
}
