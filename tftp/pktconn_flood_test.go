package tftp

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"
)

// TestPktConnJunkRequestsForgotten: malformed read requests (opcode 1
// and nothing else), which pin/tftp rejects without a transfer, are not
// remembered: a flood of them, far beyond the bound, neither pushes out
// a phone's transfer in progress nor keeps a new phone from being
// answered from the address it asked.
func TestPktConnJunkRequestsForgotten(t *testing.T) {
	core := newFakeCore()
	core.files["a.cfg"] = payload(3000)
	s := newServer(t, Config{SinglePort: true}, core)
	s.pktMax = 4
	port := serveWildcard(t, s)
	to := "127.0.0.2:" + strconv.Itoa(port)

	phone := dialRaw(t)
	phone.send(to, request(1, "a.cfg", "octet"))
	phone.recv() // DATA 1
	phone.checkFrom(t, true, port)
	for range 40 {
		dialRaw(t).send(to, []byte{0, 1})
	}
	late := dialRaw(t) // after the junk: the loop has read it all when this is answered
	late.send(to, request(1, "a.cfg", "octet"))
	late.recv()
	late.checkFrom(t, true, port)
	phone.ack(1)
	if p := phone.recv(); binary.BigEndian.Uint16(p) != 3 || binary.BigEndian.Uint16(p[2:]) != 2 {
		t.Fatalf("want DATA 2, got %q", p[:min(len(p), 8)])
	}
	phone.checkFrom(t, true, port)
	phone.abort()
	late.abort()
}

// TestPktConnFullMakesRoom: with the table full of transfers that went
// silent, a new phone's request makes room (the oldest go) and it is
// answered from the address it asked, not from the kernel's choice.
func TestPktConnFullMakesRoom(t *testing.T) {
	core := newFakeCore()
	core.files["a.cfg"] = payload(3000)
	s := newServer(t, Config{SinglePort: true}, core)
	s.pktMax = 4
	port := serveWildcard(t, s)
	to := "127.0.0.2:" + strconv.Itoa(port)
	for range 4 { // each gets DATA 1 and never answers
		c := dialRaw(t)
		c.send(to, request(1, "a.cfg", "octet"))
		c.recv()
		c.checkFrom(t, true, port)
		defer c.abort() // else the server's stop waits for their retries
	}
	phone := dialRaw(t)
	phone.send(to, request(1, "a.cfg", "octet"))
	phone.recv()
	phone.checkFrom(t, true, port)
	phone.abort()
}

// TestPktConnAddressOnlyFromRequests: a remembered client's answer
// address changes on a read request only, not on its other datagrams.
func TestPktConnAddressOnlyFromRequests(t *testing.T) {
	c := &pktConn{keep: time.Minute, now: time.Now, max: maxRemembered, dst: map[netip.AddrPort]local{}}
	a := &net.UDPAddr{IP: net.IPv4(10, 0, 1, 1), Port: 1000}
	first, other := net.IPv4(10, 0, 0, 1), net.IPv4(10, 0, 0, 2)
	c.remember(a, first, true)
	c.remember(a, other, false) // an ACK sent to another address
	if got := c.dst[key(a)].ip; !got.Equal(first) {
		t.Errorf("after an ACK to %v: answers from %v, want %v", other, got, first)
	}
	c.remember(a, other, true) // a new request there
	if got := c.dst[key(a)].ip; !got.Equal(other) {
		t.Errorf("after a request to %v: answers from %v", other, got)
	}
}
