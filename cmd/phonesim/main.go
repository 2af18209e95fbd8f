// Command phonesim is one emulated SIP phone, or attacker, of the provbox
// lab. Run it inside a network namespace (the lab does, with ip netns
// exec); it boots on -iface with that interface's MAC and prints a JSON
// report of its journey.
//
//	phonesim -vendor yealink -reboot
//	phonesim -role ua-replay -target yealink=80:5e:c0:00:00:07 -http http://10.9.0.1/
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/provbox/provbox/cmd/internal/phone"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := phone.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
