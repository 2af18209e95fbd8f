package tftp

import (
	"net/netip"

	"context"
	"encoding/binary"
	"net"
	"strconv"
	"testing"
	"time"
)

// serveWildcard serves s on 0.0.0.0 (every local address) until the
// test ends, and returns the port.
func serveWildcard(t *testing.T, s *Server) int {
	t.Helper()
	s.cfg.Addr = "0.0.0.0:0"
	conn, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, conn) }()
	t.Cleanup(func() { cancel(); <-done })
	return conn.LocalAddr().(*net.UDPAddr).Port
}

// TestAnswersFromRequestAddress: a listener on every address answers
// from the address the request was sent to, in both modes. 127.0.0.2 is
// not what the kernel would pick to reach 127.0.0.1, so an answer that
// left from the kernel's choice fails. In single-port mode the address
// comes from pktConn (IP_PKTINFO on send), with blksize still negotiated
// (pin/tftp would fall back to 512 without packet info).
func TestAnswersFromRequestAddress(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run("single-port="+strconv.FormatBool(single), func(t *testing.T) {
			core := newFakeCore()
			core.files["a.cfg"] = payload(3000)
			port := serveWildcard(t, newServer(t, Config{SinglePort: single}, core))
			to := "127.0.0.2:" + strconv.Itoa(port)
			c := dialRaw(t)
			c.send(to, request(1, "a.cfg", "octet", "blksize", "1468"))
			if o := parseOACK(t, c.recv()); o["blksize"] != "1468" {
				t.Errorf("blksize %q, want 1468", o["blksize"])
			}
			c.checkFrom(t, single, port)
			got := 0
			for block := uint16(1); ; block++ {
				c.ack(block - 1)
				p := c.recv()
				c.checkFrom(t, single, port)
				if binary.BigEndian.Uint16(p) != 3 || binary.BigEndian.Uint16(p[2:]) != block {
					t.Fatalf("want DATA %d, got %q", block, p[:min(len(p), 8)])
				}
				got += len(p) - 4
				if len(p)-4 < 1468 {
					break
				}
			}
			c.ack(uint16(got/1468 + 1))
			if got != 3000 {
				t.Errorf("got %d bytes, want 3000", got)
			}
		})
	}
}

// checkFrom: the last packet came from 127.0.0.2, and from the
// listening port exactly when in single-port mode.
func (c *rawClient) checkFrom(t *testing.T, single bool, port int) {
	t.Helper()
	if !c.peer.IP.Equal(net.IPv4(127, 0, 0, 2)) {
		t.Fatalf("answer from %v, want 127.0.0.2", c.peer)
	}
	if (c.peer.Port == port) != single {
		t.Fatalf("answer from port %d, listening port %d, single-port %v", c.peer.Port, port, single)
	}
}

// TestSinglePortBlockSizeCap: MaxBlockSize caps the blksize a client
// asks for in single-port mode too.
func TestSinglePortBlockSizeCap(t *testing.T) {
	core := newFakeCore()
	core.files["a.cfg"] = payload(10)
	r := start(t, newServer(t, Config{SinglePort: true, MaxBlockSize: 1000}, core))
	c := dialRaw(t)
	c.send(r.addr, request(1, "a.cfg", "octet", "blksize", "1468"))
	if o := parseOACK(t, c.recv()); o["blksize"] != "1000" {
		t.Errorf("blksize %q, want 1000", o["blksize"])
	}
	c.abort()
}

// TestBlockCap: the MTU of the arrival interface, less the headers,
// caps blksize; pin/tftp's floor of 513 holds.
func TestBlockCap(t *testing.T) {
	now := time.Now()
	c := &pktConn{cap: maxBlock, mtus: newMTUCache(), now: func() time.Time { return now }}
	c.mtus.m[1000] = mtuEntry{mtu: 1500, at: now}
	c.mtus.m[1001] = mtuEntry{mtu: 500, at: now}
	for _, tc := range []struct {
		ifindex, cap int
		v4           bool
		want         int
	}{
		{1000, maxBlock, true, 1472}, {1000, maxBlock, false, 1452}, {1000, 1400, true, 1400},
		{1001, maxBlock, true, 513}, {0, 1468, true, 1468},
	} {
		c.cap = tc.cap
		if got := c.blockCap(tc.ifindex, tc.v4); got != tc.want {
			t.Errorf("ifindex %d, cap %d, IPv4 %v: %d, want %d", tc.ifindex, tc.cap, tc.v4, got, tc.want)
		}
	}
	// An entry older than mtuTTL is looked up again: index 1000 does not
	// exist here, so the MTU is unknown and only the cap applies.
	now = now.Add(mtuTTL + time.Second)
	c.cap = maxBlock
	if _, err := net.InterfaceByIndex(1000); err == nil {
		t.Skip("interface 1000 exists here")
	}
	if got := c.blockCap(1000, true); got != maxBlock {
		t.Errorf("stale entry: %d, want %d", got, maxBlock)
	}
}

// TestPktConnForgets: a client is remembered from its read request on,
// refreshed by its datagrams, dropped endGrace after its transfer ended
// or once unseen for keep; a datagram of an unknown client that is no
// read request is not remembered; the table is bounded.
func TestPktConnForgets(t *testing.T) {
	now := time.Now()
	c := &pktConn{keep: time.Minute, now: func() time.Time { return now }, max: maxRemembered, dst: map[netip.AddrPort]local{}}
	local := net.IPv4(10, 0, 0, 254)
	at := func(i int) *net.UDPAddr { return &net.UDPAddr{IP: net.IPv4(10, 0, 1, byte(i)), Port: 1000 + i} }
	held := func(i int) bool { _, ok := c.dst[key(at(i))]; return ok }

	c.remember(at(1), local, true)  // a transfer that ends
	c.remember(at(2), local, true)  // one that goes silent
	c.remember(at(3), local, true)  // one that stays alive
	c.remember(at(4), local, false) // an ACK nobody asked for
	if !held(1) || !held(2) || !held(3) || held(4) {
		t.Fatalf("after the requests: %v", c.dst)
	}
	c.ended(at(1).IP, at(1).Port)
	now = now.Add(endGrace / 2)
	c.remember(at(3), local, false)
	if !held(1) {
		t.Error("an ended transfer was dropped before endGrace: its ERROR may still go out")
	}
	now = now.Add(endGrace)
	c.remember(at(3), local, false)
	if held(1) {
		t.Error("an ended transfer is still held after endGrace")
	}
	if !held(2) || !held(3) {
		t.Error("a live transfer was dropped")
	}
	for range 4 { // 2 unseen past keep, 3 seen every 20 s
		now = now.Add(20 * time.Second)
		c.remember(at(3), local, false)
	}
	if held(2) || !held(3) {
		t.Errorf("after keep: silent held %v, alive held %v", held(2), held(3))
	}

	// A flood of read requests from forged sources stops at the bound.
	for i := range maxRemembered + 100 {
		c.remember(&net.UDPAddr{IP: net.IPv4(10, 1, byte(i>>8), byte(i)), Port: 2000 + i>>16}, local, true)
	}
	if len(c.dst) > maxRemembered {
		t.Errorf("%d clients held, bound %d", len(c.dst), maxRemembered)
	}
}

// TestAnswerFrom: unicast destinations are answered from; broadcast,
// multicast and unknown ones are left to the kernel.
func TestAnswerFrom(t *testing.T) {
	for _, tc := range []struct {
		ip   string
		want bool
	}{
		{"10.0.0.1", true}, {"127.0.0.2", true}, {"fe80::1", true}, {"2001:db8::1", true}, {"::ffff:10.0.0.1", true},
		{"255.255.255.255", false}, {"224.0.0.1", false}, {"ff02::1", false}, {"0.0.0.0", false}, {"::", false},
	} {
		if got := answerFrom(net.ParseIP(tc.ip)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.ip, got, tc.want)
		}
	}
	if answerFrom(nil) {
		t.Error("no packet info: answered from nil")
	}
}
