package tftp

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/setting"
)

// hog6Setup puts the server's address, 20 addresses of one /64 and one of
// another /64 on the namespace's loopback.
func hog6Setup() [][]string {
	cmds := [][]string{{"-6", "addr", "add", "2001:db8::1/128", "dev", "lo", "nodad"},
		{"-6", "addr", "add", "2001:db8:0:1::5/128", "dev", "lo", "nodad"}}
	for i := range 21 {
		cmds = append(cmds, []string{"-6", "addr", "add", fmt.Sprintf("2001:db8::%x/128", 0x100+i), "dev", "lo", "nodad"})
	}
	return cmds
}

// A hog rotating through 20 addresses of one IPv6 /64 holds at most
// MaxPerPrefix transfers; a host in another /64 is still served.
func TestTFTPHogOnePrefix(t *testing.T) {
	if !provtest.InNetns(t, hog6Setup()...) {
		return
	}
	core := newFakeCore()
	core.files["common.cfg"] = payload(3000)
	s := newServer(t, Config{Addr: "[2001:db8::1]:0", MaxTransfers: 100, MaxPerSource: 4, MaxPerPrefix: 12,
		FirstACKTimeout: setting.OffTimeout, Timeout: 5 * time.Second}, core)
	conn, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, conn) }()
	addr := conn.LocalAddr().String()
	var hog []*rawClient
	held := 0
	for i := range 20 {
		for range 2 {
			c := dialFrom(t, fmt.Sprintf("2001:db8::%x", 0x100+i))
			c.send(addr, request(1, "common.cfg", "octet"))
			if c.recv()[1] == 3 {
				held++
			}
			hog = append(hog, c)
		}
	}
	if held != 12 {
		t.Fatalf("20 addresses of one /64 hold %d transfers, want MaxPerPrefix 12", held)
	}
	if dialFrom(t, "2001:db8::114").tryOnce(addr, "common.cfg") {
		t.Fatal("a 21st address of the /64 got a transfer")
	}
	if !dialFrom(t, "2001:db8:0:1::5").tryOnce(addr, "common.cfg") {
		t.Fatal("a host in another /64 was refused")
	}
	for _, c := range hog {
		c.abort()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
