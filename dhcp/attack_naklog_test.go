package dhcp

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestForgedRequestsLogBounded: DHCP is unauthenticated and a REQUEST
// costs one datagram, so anyone on the segment can have provbox NAK (or
// ACK a renewal) at the rate it likes; each decision was an INFO line:
// 1,000 forged REQUESTs, 1,000 lines. Past journald's rate limit that
// silences every line of provbox. The decision lines at info level keep a
// budget per window and then say how many were left out; every packet is
// still answered and counted.
func TestForgedRequestsLogBounded(t *testing.T) {
	var buf provtest.LogBuffer
	conn, err := loopConn()
	if err != nil {
		t.Fatal(err)
	}
	core := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5", Classes: testClasses}, func() time.Time { return t0 })
	s, err := New(loopConfig(), core, slog.New(slog.NewTextHandler(&buf, nil)), WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	handled := make(chan *dhcpv4.DHCPv4, 4096)
	s.handled = func(r *dhcpv4.DHCPv4) { handled <- r }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, conn) }()
	stop := sync.OnceFunc(func() { cancel(); <-done })
	t.Cleanup(stop)

	attacker, err := loopConn()
	if err != nil {
		t.Fatal(err)
	}
	defer attacker.Close()
	const forged = 1000
	for i := range forged {
		// INIT-REBOOT for the reserved address, each from another chaddr.
		p := packet(t, dhcpv4.MessageTypeRequest, fmt.Sprintf("02:66:00:00:%02x:%02x", i/256, i%256), withRequested("127.0.0.50"))
		if _, err := attacker.WriteToUDP(p.ToBytes(), conn.LocalAddr().(*net.UDPAddr)); err != nil {
			t.Fatal(err)
		}
		if i%64 == 63 { // stay under the socket buffer; the server keeps up
			waitN(t, handled, 64)
		}
	}
	waitN(t, handled, forged%64)
	stop()
	log := buf.String()
	naks := strings.Count(log, `msg="nak sent"`)
	if naks == 0 || naks > 250 {
		t.Errorf("%d nak sent lines for %d forged REQUESTs", naks, forged)
	}
	if !strings.Contains(log, `msg="dhcp decisions not logged"`) {
		t.Errorf("no line says how many decisions were left out:\n%.2000s", log)
	}
}

// waitN waits (bounded) for n handled packets.
func waitN(t *testing.T, handled chan *dhcpv4.DHCPv4, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for range n {
		select {
		case <-handled:
		case <-timeout:
			t.Fatalf("the server did not handle %d packets", n)
		}
	}
}
