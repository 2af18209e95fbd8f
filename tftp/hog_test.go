package tftp

import (
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/setting"
)

// dialFrom is dialRaw bound to a chosen loopback address (all of 127/8
// is on lo).
func dialFrom(t *testing.T, ip string) *rawClient {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(ip)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, conn: c}
}

// tryOnce sends one RRQ and reports whether the first answer is DATA;
// the transfer is then aborted.
func (c *rawClient) tryOnce(to, name string) bool {
	c.t.Helper()
	c.send(to, request(1, name, "octet"))
	p := c.recv()
	if p[1] == 3 {
		c.abort()
		return true
	}
	return false
}

// A hog from 40 addresses that never ACKs cannot keep a known phone from
// its file, and a stranger's request gets a slot back well before the
// hog's transfers give up (Timeout 5s × Retries 5): the unacknowledged
// slots are reclaimed after FirstACKTimeout.
func TestTFTPHogPhoneStillServed(t *testing.T) {
	core := newFakeCore()
	core.files["common.cfg"] = payload(3000)
	core.files["phone.cfg"] = payload(5000)
	core.known[localhost] = true // the phone is 127.0.0.1, pinFetch's source
	const firstACK = 300 * time.Millisecond
	cfg := Config{MaxTransfers: 40, MaxPerSource: 4, ReservedForDevices: 10,
		FirstACKTimeout: setting.Timeout(firstACK), Timeout: 5 * time.Second, Retries: 5}
	s := newServer(t, cfg, core)
	// The limiter's clock stands still until the test moves it: filling
	// 160 requests one by one may take longer than firstACK on a loaded
	// machine, and the first slots would then be reclaimed mid-fill.
	clk := stoppedClock(s)
	r := start(t, s)

	// The hog: 40 addresses × 4 requests, none ever ACKed.
	var hog []*rawClient
	held := 0
	for i := range 40 {
		for range 4 {
			c := dialFrom(t, netip.AddrFrom4([4]byte{127, 0, 1, byte(i + 1)}).String())
			c.send(r.addr, request(1, "common.cfg", "octet"))
			if c.recv()[1] == 3 {
				held++
			}
			hog = append(hog, c)
		}
	}
	if held != 30 {
		t.Fatalf("the hog holds %d slots, want the strangers' share of 30", held)
	}
	stranger := dialFrom(t, "127.0.2.1")
	if stranger.tryOnce(r.addr, "common.cfg") {
		t.Fatal("a stranger got a slot at once although the strangers' share is full")
	}

	// The phone is served while the hog holds its slots.
	for i := range 3 {
		body, err := pinFetch(t, r.addr, "phone.cfg")
		if err != nil || body != string(payload(5000)) {
			t.Fatalf("phone fetch %d during the hog: %v (%d bytes)", i, err, len(body))
		}
	}

	// The stranger gets a reclaimed slot once firstACK has passed, well
	// before the hog's first retransmission (5s), let alone its give-up
	// (~30s); not a moment sooner.
	clk.advance(firstACK - time.Millisecond)
	if stranger.tryOnce(r.addr, "common.cfg") {
		t.Fatal("a slot was reclaimed before FirstACKTimeout")
	}
	clk.advance(time.Millisecond)
	if !stranger.tryOnce(r.addr, "common.cfg") {
		t.Fatal("no slot was reclaimed from the unacknowledged transfers")
	}
	for _, c := range hog {
		if c.peer != nil && c.peer.Port != 69 {
			c.abort() // end the hog's transfers so the server stops quickly
		}
	}
}

// With the real core: a hog fills the strangers' share (reclaiming off,
// so only the reservation helps), and the phone, known by its lease,
// still provisions, bootstrap and full config.
func TestE2EHogPhoneProvisions(t *testing.T) {
	cfg := provisioning.Config{BaseURL: "http://127.0.0.1:8080", Checks: provisioning.DefaultChecks(true),
		Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}}
	svc := provtest.Service(t, "", cfg)
	provtest.AddPhone(t, svc, provtest.Phone{MAC: e2eMAC, Vendor: "yealink", Model: "T46U", Password: e2ePassword})
	lease := provisioning.Lease{IP: localhost, MAC: e2eMAC, Expires: time.Now().Add(time.Hour)}
	if err := svc.CommitLease(t.Context(), lease); err != nil {
		t.Fatal(err)
	}
	r := start(t, newServer(t, Config{MaxTransfers: 20, MaxPerSource: 4, ReservedForDevices: 5,
		FirstACKTimeout: setting.OffTimeout, Timeout: 5 * time.Second}, svc))
	var hog []*rawClient
	held := 0
	for i := range 10 {
		for range 4 {
			c := dialFrom(t, netip.AddrFrom4([4]byte{127, 0, 1, byte(i + 1)}).String())
			c.send(r.addr, request(1, "y000000000000.boot", "octet"))
			if c.recv()[1] == 3 {
				held++
			}
			hog = append(hog, c)
		}
	}
	if held != 15 {
		t.Fatalf("the hog holds %d transfers, want the strangers' share of 15", held)
	}
	redirect, err := pinFetch(t, r.addr, e2eFile)
	if err != nil {
		t.Fatalf("bootstrap during the hog: %v", err)
	}
	secret := secretPathRe.FindString(redirect)
	if full, err := pinFetch(t, r.addr, secret+e2eFile); err != nil || !strings.Contains(full, e2ePassword) {
		t.Fatalf("full config during the hog: %v", err)
	}
	for _, c := range hog {
		c.abort()
	}
}

// settableClock is a limiter clock the test moves by hand; the server's
// goroutines read it, hence the atomic.
type settableClock struct {
	base time.Time
	past atomic.Int64 // nanoseconds past base
}

func (c *settableClock) now() time.Time          { return c.base.Add(time.Duration(c.past.Load())) }
func (c *settableClock) advance(d time.Duration) { c.past.Add(int64(d)) }

// stoppedClock makes s's limiter read a clock that moves only when the
// test advances it.
func stoppedClock(s *Server) *settableClock {
	c := &settableClock{base: time.Now()}
	s.limit.now = c.now
	return c
}
