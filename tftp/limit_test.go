package tftp

import (
	"bytes"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// fakeNow is a settable clock for the limiter.
type fakeNow struct{ t time.Time }

func (f *fakeNow) now() time.Time { return f.t }

func testLimiter(lim limits) (*limiter, *fakeNow) {
	l := newLimiter(lim, nil)
	clk := &fakeNow{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	l.now = clk.now
	return l, clk
}

func TestLimiter(t *testing.T) {
	l, _ := testLimiter(limits{max: 3, perSource: 2, perPrefix: 10})
	a, b, c := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")
	sa1, sa2 := l.acquire(a, nil), l.acquire(a, nil)
	if sa1 == nil || sa2 == nil || l.acquire(a, nil) != nil {
		t.Fatal("per-source bound not 2")
	}
	sb := l.acquire(b, nil)
	if sb == nil || l.acquire(c, nil) != nil {
		t.Fatal("overall bound not 3")
	}
	l.release(sa1)
	sc := l.acquire(c, nil)
	if sc == nil {
		t.Fatal("a released slot is not reusable")
	}
	for _, s := range []*slot{sa2, sb, sc} {
		l.release(s)
	}
	if l.total != 0 || l.strangers != 0 || len(l.perSource) != 0 || l.live.Len() != 0 {
		t.Fatalf("after releasing everything: total %d, %d sources kept", l.total, len(l.perSource))
	}
}

// Rotating addresses inside one IPv6 /64 gains nothing past MaxPerPrefix;
// another /64 is not affected.
func TestLimiterPerPrefix(t *testing.T) {
	l, _ := testLimiter(limits{max: 100, perSource: 8, perPrefix: 5})
	for i := range 5 {
		if l.acquire(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i + 1)}), nil) == nil {
			t.Fatalf("address %d of the /64 refused", i)
		}
	}
	if l.acquire(netip.MustParseAddr("2001:db8::ff"), nil) != nil {
		t.Fatal("a sixth address of the same /64 got a slot")
	}
	if l.acquire(netip.MustParseAddr("2001:db8:0:1::1"), nil) == nil {
		t.Fatal("another /64 refused")
	}
	for i := range 20 { // IPv4 has no prefix bound
		if l.acquire(netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)}), nil) == nil {
			t.Fatalf("IPv4 address %d refused", i)
		}
	}
}

// Strangers fill only their share; an address bound to a known device
// still gets a slot, and known is asked only once the share is full.
func TestLimiterReservedForDevices(t *testing.T) {
	l, _ := testLimiter(limits{max: 4, perSource: 8, perPrefix: 8, reserved: 2})
	phone := netip.MustParseAddr("10.0.0.100")
	asked := 0
	known := func(ip netip.Addr) bool { asked++; return ip == phone }
	for i := range 2 {
		if l.acquire(netip.AddrFrom4([4]byte{10, 0, 1, byte(i)}), known) == nil {
			t.Fatalf("stranger %d refused inside its share", i)
		}
	}
	if asked != 0 {
		t.Fatalf("known asked %d times while the strangers' share had room", asked)
	}
	if l.acquire(netip.MustParseAddr("10.0.1.9"), known) != nil {
		t.Fatal("a stranger got a reserved slot")
	}
	if l.acquire(phone, known) == nil || l.acquire(phone, known) == nil {
		t.Fatal("the phone did not get the reserved slots")
	}
	if l.acquire(phone, known) != nil {
		t.Fatal("past MaxTransfers")
	}
}

// A slot whose first block went unacknowledged for firstACK is taken back
// when a request finds none free; a confirmed one never is; the
// reclaimed transfer counts as lingering until it ends, bounded by max.
func TestLimiterReclaimsUnacknowledged(t *testing.T) {
	l, clk := testLimiter(limits{max: 2, perSource: 8, perPrefix: 8, firstACK: 2 * time.Second})
	a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	stale, live := l.acquire(a, nil), l.acquire(a, nil)
	live.confirm()
	if l.acquire(b, nil) != nil {
		t.Fatal("a slot was free")
	}
	clk.t = clk.t.Add(1999 * time.Millisecond)
	if l.acquire(b, nil) != nil {
		t.Fatal("reclaimed before firstACK")
	}
	clk.t = clk.t.Add(time.Millisecond)
	sb := l.acquire(b, nil)
	if sb == nil || !stale.reclaimed || live.reclaimed || l.lingering != 1 {
		t.Fatalf("after firstACK: got %v, stale reclaimed %t, live reclaimed %t, lingering %d", sb != nil, stale.reclaimed, live.reclaimed, l.lingering)
	}
	l.release(stale) // pin/tftp gave up on it
	if l.lingering != 0 || l.total != 2 || l.perSource[a] != 1 {
		t.Fatalf("after the reclaimed transfer ended: lingering %d, total %d, per source %d", l.lingering, l.total, l.perSource[a])
	}
	// Lingering is bounded: with max lingering, nothing more is reclaimed.
	l.lingering = 2
	clk.t = clk.t.Add(time.Hour)
	if l.acquire(netip.MustParseAddr("10.0.0.3"), nil) != nil {
		t.Fatal("reclaimed past the lingering bound")
	}
}

// firstACK <= 0 turns reclaiming off.
func TestLimiterNoReclaim(t *testing.T) {
	l, clk := testLimiter(limits{max: 1, perSource: 8, perPrefix: 8})
	l.acquire(netip.MustParseAddr("10.0.0.1"), nil)
	clk.t = clk.t.Add(time.Hour)
	if l.acquire(netip.MustParseAddr("10.0.0.2"), nil) != nil {
		t.Fatal("reclaimed with firstACK 0")
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

// Exhaustion is logged at warn, at most once per 10s, with the count of
// refusals since the last warning.
func TestLimiterWarnsRateLimited(t *testing.T) {
	var buf bytes.Buffer
	l := newLimiter(limits{max: 1, perSource: 8, perPrefix: 8}, slog.New(slog.NewTextHandler(&buf, nil)))
	clk := &fakeNow{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	l.now = clk.now
	l.acquire(netip.MustParseAddr("10.0.0.1"), nil)
	for range 100 {
		l.acquire(netip.MustParseAddr("10.0.0.2"), nil)
	}
	clk.t = clk.t.Add(10 * time.Second)
	l.acquire(netip.MustParseAddr("10.0.0.2"), nil)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[1], "refused=100") {
		t.Fatalf("want two warnings, the second counting 100 refusals:\n%s", buf.String())
	}
}

// With every slot held, a known device that reclaiming lets in is still
// judged known, and so takes a reserved slot.
func TestLimiterReclaimThenKnown(t *testing.T) {
	l, clk := testLimiter(limits{max: 2, perSource: 8, perPrefix: 8, reserved: 1, firstACK: time.Second})
	phone := netip.MustParseAddr("10.0.0.100")
	known := func(ip netip.Addr) bool { return ip == phone }
	stranger := l.acquire(netip.MustParseAddr("10.0.1.1"), known)
	if stranger == nil || l.acquire(phone, known) == nil {
		t.Fatal("setup")
	}
	stranger.confirm()                 // a live transfer: the strangers' share stays full
	clk.t = clk.t.Add(2 * time.Second) // the phone's first slot went unacknowledged
	if l.acquire(phone, known) == nil {
		t.Fatal("a known device was refused after reclaiming")
	}
}
