package tftp

import (
	"net/netip"
	"testing"
)

func TestLimiter(t *testing.T) {
	l := newLimiter(3, 2)
	a, b, c := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")
	if !l.acquire(a) || !l.acquire(a) || l.acquire(a) {
		t.Fatal("per-source bound not 2")
	}
	if !l.acquire(b) || l.acquire(c) {
		t.Fatal("overall bound not 3")
	}
	l.release(a)
	if !l.acquire(c) {
		t.Fatal("a released slot is not reusable")
	}
	l.release(a)
	l.release(b)
	l.release(c)
	if l.total != 0 || len(l.perSource) != 0 {
		t.Fatalf("after releasing everything: total %d, %d sources kept", l.total, len(l.perSource))
	}
}

// A source that never ACKs cannot hold more than MaxPerSource transfers:
// the next request is refused at once, in the usual words.
func TestTransfersPerSourceBounded(t *testing.T) {
	core := newFakeCore()
	core.files["common.cfg"] = make([]byte, 2000)
	r := start(t, newServer(t, Config{MaxPerSource: 2, Timeout: 5e9}, core))
	stuck := []*rawClient{dialRaw(t), dialRaw(t)}
	for _, c := range stuck {
		c.send(r.addr, request(1, "common.cfg", "octet"))
		if p := c.recv(); p[1] != 3 { // DATA 1, never ACKed
			t.Fatalf("first transfers: got %q, want DATA", p)
		}
	}
	extra := dialRaw(t)
	extra.send(r.addr, request(1, "common.cfg", "octet"))
	if code, msg := parseError(t, extra.recv()); code != 1 || msg != clientError {
		t.Fatalf("third transfer: ERROR %d %q, want 1 %q", code, msg, clientError)
	}
	for _, c := range stuck {
		c.abort()
	}
}
