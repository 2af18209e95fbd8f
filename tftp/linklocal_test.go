package tftp

import (
	"context"
	"net"
	"strconv"
	"testing"

	"github.com/provbox/provbox/provisioning/provtest"
)

// TestSinglePortLinkLocal: a phone that only has its IPv6 link-local
// address is answered in single-port mode, from the address it asked, on
// its link: pktConn's answers carry the link-local source and leave
// through the zone's interface. Two veth ends in the test's own
// namespace are the two hosts.
func TestSinglePortLinkLocal(t *testing.T) {
	if !provtest.InNetns(t,
		[]string{"link", "add", "tla", "type", "veth", "peer", "name", "tlb"},
		[]string{"-6", "addr", "add", "fe80::a/64", "dev", "tla", "nodad"},
		[]string{"-6", "addr", "add", "fe80::b/64", "dev", "tlb", "nodad"},
		[]string{"link", "set", "tla", "up"}, []string{"link", "set", "tlb", "up"}) {
		return
	}
	core := newFakeCore()
	core.files["a.cfg"] = payload(100)
	s := newServer(t, Config{Addr: "[::]:0", SinglePort: true}, core)
	conn, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, conn) }()
	defer func() { cancel(); <-done }()
	port := conn.LocalAddr().(*net.UDPAddr).Port
	c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.ParseIP("fe80::a"), Zone: "tla"})
	if err != nil {
		t.Fatal(err)
	}
	rc := &rawClient{t: t, conn: c}
	defer c.Close()
	rc.send("[fe80::b%tla]:"+strconv.Itoa(port), request(1, "a.cfg", "octet"))
	p := rc.recv()
	if len(p) < 4 || p[1] != 3 || len(p)-4 != 100 {
		t.Fatalf("want DATA 1 of 100 bytes, got %q", p[:min(len(p), 8)])
	}
	if !rc.peer.IP.Equal(net.ParseIP("fe80::b")) || rc.peer.Port != port {
		t.Errorf("answer from %v, want [fe80::b]:%d", rc.peer, port)
	}
	rc.ack(1)
}
