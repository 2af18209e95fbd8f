package httpd

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/setting"
)

// A host rotating through 20 addresses of one IPv6 /64 holds at most
// MaxConnsPerPrefix connections; a host in another /64 is still served.
func TestConnHogOnePrefix(t *testing.T) {
	setup := [][]string{{"-6", "addr", "add", "2001:db8::1/128", "dev", "lo", "nodad"},
		{"-6", "addr", "add", "2001:db8:0:1::5/128", "dev", "lo", "nodad"}}
	for i := range 21 {
		setup = append(setup, []string{"-6", "addr", "add", fmt.Sprintf("2001:db8::%x/128", 0x100+i), "dev", "lo", "nodad"})
	}
	if !provtest.InNetns(t, setup...) {
		return
	}
	s := newServer(t, Config{MaxConnsPerPrefix: 12, IdleTimeout: time.Minute, StrangerIdleTimeout: setting.Timeout(time.Minute)}, connCore())
	ln, err := net.Listen("tcp", "[2001:db8::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	addr := ln.Addr().String()
	held := 0
	for i := range 20 {
		for range 4 {
			c := connFrom(t, fmt.Sprintf("2001:db8::%x", 0x100+i), addr)
			if keepAlive(t, c, bufio.NewReader(c), "/common.cfg") {
				held++
			}
		}
	}
	if held != 12 {
		t.Fatalf("20 addresses of one /64 hold %d connections, want MaxConnsPerPrefix 12", held)
	}
	c := connFrom(t, "2001:db8::114", addr)
	if keepAlive(t, c, bufio.NewReader(c), "/common.cfg") {
		t.Fatal("a 21st address of the /64 got a connection")
	}
	c = connFrom(t, "2001:db8:0:1::5", addr)
	if !keepAlive(t, c, bufio.NewReader(c), "/common.cfg") {
		t.Fatal("a host in another /64 was refused")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
