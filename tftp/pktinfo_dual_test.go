package tftp

import (
	"context"
	"encoding/binary"
	"net"
	"strconv"
	"testing"
)

// TestDualStackAnswersFromRequestAddress: a dual-stack listener ([::])
// in single-port mode reads an IPv4 client's packet info as IPV6_PKTINFO
// with an IPv4-mapped address (pktinfo.go), and every answer of the
// transfer still leaves from the IPv4 address the request was sent to:
// 127.0.0.2, not the kernel's choice for reaching 127.0.0.1.
func TestDualStackAnswersFromRequestAddress(t *testing.T) {
	core := newFakeCore()
	core.files["a.cfg"] = payload(3000)
	s := newServer(t, Config{Addr: "[::]:0", SinglePort: true}, core)
	conn, err := s.Listen()
	if err != nil {
		t.Skipf("no dual-stack listener: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, conn) }()
	t.Cleanup(func() { cancel(); <-done })
	port := conn.LocalAddr().(*net.UDPAddr).Port
	c := dialRaw(t)
	c.send("127.0.0.2:"+strconv.Itoa(port), request(1, "a.cfg", "octet", "blksize", "1000"))
	if o := parseOACK(t, c.recv()); o["blksize"] != "1000" {
		t.Errorf("blksize %q, want 1000", o["blksize"])
	}
	c.checkFrom(t, true, port)
	got := 0
	for block := uint16(1); ; block++ {
		c.ack(block - 1)
		p := c.recv()
		c.checkFrom(t, true, port)
		if binary.BigEndian.Uint16(p) != 3 || binary.BigEndian.Uint16(p[2:]) != block {
			t.Fatalf("want DATA %d, got %q", block, p[:min(len(p), 8)])
		}
		got += len(p) - 4
		if len(p)-4 < 1000 {
			c.ack(block)
			break
		}
	}
	if got != 3000 {
		t.Errorf("got %d bytes, want 3000", got)
	}
}
