// Command provbox-lab is the emulated phone lab: it builds a throw-away
// LAN of network namespaces, runs a provbox daemon on it with one emulated
// phone of every vendor and a few attackers, prints what happened and
// removes everything. It exits 0 only if every phone provisioned and
// followed its rekeys, and every attacker was refused or banned without a
// credential. Root only. `make demo` builds provbox and provbox-lab and
// runs it.
//
// It is its own command so that the daemon binary ships no emulator, no
// attacker and no raw-socket code (DESIGN.md, rules of the house).
//
//	provbox-lab [--provbox PATH] [--vendors V,...] [--bootstrap http|tftp] [--break SAFEGUARD] [--json]
//	provbox-lab --emulate [phonesim flags]
//
// The second form is one emulated host, which the lab runs inside each
// namespace by re-executing this binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Ctrl-C or SIGTERM still removes every namespace the lab made.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
