package provisioning

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClock is a controllable clock for Config.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const (
	phoneUA  = "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"
	password = "s3cret-Pa55"
)

var (
	phoneMAC = MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	phoneIP  = netip.MustParseAddr("192.0.2.50")
)

type fixture struct {
	s   *Service
	clk *testClock
	dev DeviceView
}

func newFixture(t testing.TB, mutate func(*Config)) *fixture {
	t.Helper()
	clk := &testClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	// No neighbour table by default: the machine's own must not matter.
	noNeigh := func(netip.Addr) (MAC, bool) { return MAC{}, false }
	cfg := Config{BaseURL: "http://192.0.2.1", Checks: DefaultChecks(true), Now: clk.Now, Neighbours: noNeigh}
	if mutate != nil {
		mutate(&cfg)
	}
	s := newTestService(t, newMemStore(), cfg)
	if testing.Verbose() {
		s.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	ctx := t.Context()
	if _, err := s.AddAccount(ctx, Account{Name: "office", SIPServer: "pbx.example.org", TimeZone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	d, err := s.AddDevice(ctx, Device{MAC: phoneMAC, Account: "office", Vendor: "yealink", Model: "T46U",
		Lines: []Line{{Extension: "201", Password: password, DisplayName: "Reception"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CommitLease(ctx, Lease{IP: phoneIP, MAC: phoneMAC, Expires: clk.Now().Add(12 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return &fixture{s: s, clk: clk, dev: s.View(d)}
}

func (f *fixture) get(path string, mod func(*FetchRequest)) FetchReply {
	r := FetchRequest{Proto: "http", Path: path, RemoteIP: phoneIP, UserAgent: phoneUA}
	if mod != nil {
		mod(&r)
	}
	return f.s.Fetch(context.Background(), r)
}

func (f *fixture) secret(file string) string { return f.dev.TFTPPath + file }

func (f *fixture) lastEvent(t *testing.T) Event {
	t.Helper()
	es, err := f.s.Events(t.Context(), EventFilter{Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("no event: %v", err)
	}
	return es[0]
}

func TestFetchFlowRedirectFullLockUnlock(t *testing.T) {
	f := newFixture(t, nil)
	boot := f.get("/805ec0112233.cfg", nil)
	if !boot.Found || !strings.Contains(string(boot.Body), f.dev.SecretURL) {
		t.Fatalf("bootstrap: found=%v body=%q; want the redirect to %s", boot.Found, boot.Body, f.dev.SecretURL)
	}
	if strings.Contains(string(boot.Body), password) {
		t.Fatal("the redirect carries the SIP password")
	}
	full := f.get(f.secret("805ec0112233.cfg"), nil)
	if !full.Found || !strings.Contains(string(full.Body), password) {
		t.Fatalf("full config: found=%v, password present=%v", full.Found, strings.Contains(string(full.Body), password))
	}
	d, _ := f.s.Device(phoneMAC)
	if d.Open(f.clk.Now()) {
		t.Fatal("device still open after its first full config")
	}
	if !d.LastSeen.Equal(f.clk.Now()) {
		t.Fatalf("last seen = %v, want %v", d.LastSeen, f.clk.Now())
	}
	if again := f.get("/805ec0112233.cfg", nil); again.Found {
		t.Fatal("bootstrap answered for a locked device")
	}
	if e := f.lastEvent(t); e.Reason != reasonLocked || e.Outcome != "refused" {
		t.Fatalf("last event = %+v; want a refusal for %q", e, reasonLocked)
	}
	if recheck := f.get(f.secret("805ec0112233.cfg"), nil); !recheck.Found {
		t.Fatal("a provisioned phone's periodic check at its secret URL was refused")
	}
	if _, err := f.s.UnlockDevice(t.Context(), phoneMAC, 0); err != nil {
		t.Fatal(err)
	}
	if boot := f.get("/805ec0112233.cfg", nil); !boot.Found {
		t.Fatal("bootstrap refused after unlock")
	}
}

func TestFetchWindowLocksByItself(t *testing.T) {
	f := newFixture(t, nil)
	f.clk.Add(24*time.Hour + time.Second)
	if r := f.get("/805ec0112233.cfg", nil); r.Found {
		t.Fatal("bootstrap answered after the unlock window ended")
	}
	if v := f.s.View(mustDevice(t, f.s)); v.State != "locked" {
		t.Fatalf("state = %q after the window, want locked", v.State)
	}
}

func mustDevice(t *testing.T, s *Service) Device {
	t.Helper()
	d, err := s.Device(phoneMAC)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Every refusal gets the same answer, with its own reason in the audit trail.
func TestFetchRefusalsLookAlike(t *testing.T) {
	other := "AAAAAAAAAAAAAAAAAAAAAAAA"
	cases := []struct {
		name, reason string
		path         func(f *fixture) string
		mod          func(*FetchRequest)
	}{
		{"curl UA", reasonUserAgent, boot, func(r *FetchRequest) { r.UserAgent = "curl/8.5.0" }},
		{"empty UA", reasonUserAgent, boot, func(r *FetchRequest) { r.UserAgent = "" }},
		{"UA of another MAC", reasonUAMAC, boot, func(r *FetchRequest) { r.UserAgent = "Yealink SIP-T46U 108.86.0.20 80:5e:c0:99:99:99" }},
		{"IP without the lease", reasonNoLease, boot, func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("192.0.2.99") }},
		{"unknown MAC", reasonUnknownMAC, func(*fixture) string { return "/805ec0999999.cfg" }, nil},
		{"unknown file", reasonUnknownFile, func(*fixture) string { return "/favicon.ico" }, nil},
		{"wrong account hash", reasonBadHash, func(f *fixture) string { return "/" + other + f.dev.TFTPPath[1+HashLen:] + "805ec0112233.cfg" }, nil},
		{"wrong device hash", reasonBadHash, func(f *fixture) string { return f.dev.TFTPPath[:1+HashLen+1] + other + "/805ec0112233.cfg" }, nil},
		{"other MAC under the secret", reasonFileMAC, func(f *fixture) string { return f.secret("805ec0999999.cfg") }, nil},
		{"secret with curl", reasonUserAgent, func(f *fixture) string { return f.secret("805ec0112233.cfg") }, func(r *FetchRequest) { r.UserAgent = "curl/8.5.0" }},
		{"secret from another IP", reasonNoLease, func(f *fixture) string { return f.secret("805ec0112233.cfg") }, func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("192.0.2.99") }},
		{"dot-dot", reasonBadPath, func(*fixture) string { return "/../etc/passwd" }, nil},
		{"encoded dot-dot", reasonBadPath, func(*fixture) string { return "/%2e%2e/%2e%2e/etc/passwd" }, nil},
		{"tftp NUL", reasonBadPath, func(*fixture) string { return "805ec0112233.cfg\x00" }, func(r *FetchRequest) { r.Proto = "tftp" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			got := f.get(c.path(f), c.mod)
			if !reflect.DeepEqual(got, FetchReply{}) {
				t.Fatalf("answer = %+v; want the one refusal answer", got)
			}
			e := f.lastEvent(t)
			if e.Outcome != "refused" || !strings.HasPrefix(e.Reason, c.reason) {
				t.Fatalf("event = %+v; want refused with reason %q", e, c.reason)
			}
			if strings.Contains(e.File, string(f.dev.Hash)) {
				t.Fatalf("audit trail holds a full hash: %q", e.File)
			}
			if d := mustDevice(t, f.s); !d.Open(f.clk.Now()) {
				t.Fatal("a refused request locked the device")
			}
		})
	}
}

func boot(*fixture) string { return "/805ec0112233.cfg" }

func TestFetchPhoneMissUnderSecretIsNotARefusal(t *testing.T) {
	f := newFixture(t, nil)
	if r := f.get(f.secret("firmware/T46U-108.86.0.20.rom"), nil); r.Found {
		t.Fatal("a firmware file was found")
	}
	if e := f.lastEvent(t); e.Outcome != "not-found" || e.MAC != phoneMAC {
		t.Fatalf("event = %+v; want a plain not-found for the device", e)
	}
}

func TestFetchRekeyRetiresOldURL(t *testing.T) {
	f := newFixture(t, nil)
	old := f.secret("805ec0112233.cfg")
	if _, err := f.s.RekeyDevice(t.Context(), phoneMAC); err != nil {
		t.Fatal(err)
	}
	if r := f.get(old, nil); r.Found {
		t.Fatal("old secret URL still works after rekey")
	}
	f.dev = f.s.View(mustDevice(t, f.s))
	if r := f.get(f.secret("805ec0112233.cfg"), nil); !r.Found {
		t.Fatal("new secret URL refused after rekey")
	}
}

func TestFetchFlatModeServesFullWithoutLock(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.FlatMode = true })
	r := f.get("/805ec0112233.cfg", nil)
	if !r.Found || !strings.Contains(string(r.Body), password) {
		t.Fatalf("flat mode: found=%v, want the full config at /<file>", r.Found)
	}
	if d := mustDevice(t, f.s); !d.Open(f.clk.Now()) {
		t.Fatal("flat mode locked the device")
	}
	if r := f.get("/805ec0112233.cfg", func(r *FetchRequest) { r.UserAgent = "curl/8.5.0" }); r.Found {
		t.Fatal("flat mode skipped the UA check")
	}
	if r := f.get("/805ec0112233.cfg", func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("192.0.2.99") }); r.Found {
		t.Fatal("flat mode skipped the lease check")
	}
}

func TestFetchTFTPReliesOnLease(t *testing.T) {
	f := newFixture(t, nil)
	tftp := func(r *FetchRequest) { r.Proto, r.UserAgent = "tftp", "" }
	if r := f.get("805ec0112233.cfg", tftp); !r.Found {
		t.Fatal("TFTP bootstrap from the lease holder refused")
	}
	if r := f.get("805ec0112233.cfg", func(r *FetchRequest) { tftp(r); r.RemoteIP = netip.MustParseAddr("192.0.2.99") }); r.Found {
		t.Fatal("TFTP bootstrap from an address without the lease answered")
	}
}

func TestFetchCommonFileIsHarmless(t *testing.T) {
	f := newFixture(t, nil)
	r := f.get("/y000000000000.boot", func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("192.0.2.99"); r.UserAgent = "" })
	if !r.Found {
		t.Fatal("common file not answered")
	}
	if strings.Contains(string(r.Body), password) || strings.Contains(string(r.Body), string(f.dev.Hash)) {
		t.Fatal("common file leaks a secret")
	}
}

// cfg<model>.xml is a common name of both Grandstream and Htek: the
// requester's UA decides whose harmless answer it gets.
func TestFetchSharedCommonNameFollowsUA(t *testing.T) {
	f := newFixture(t, nil)
	// Htek declines its model file (a found one can stop the phone before
	// its MAC file): a plain not-found, no strike, and never Grandstream's.
	htek := f.get("/cfg0010.xml", func(r *FetchRequest) { r.UserAgent = "Htek UC903 2.0.4.2 00:1f:c1:1c:22:a9" })
	if htek.Found {
		t.Fatalf("Htek's model file was answered:\n%s", htek.Body)
	}
	if e := f.lastEvent(t); e.Outcome != "not-found" {
		t.Fatalf("event = %+v; want a plain not-found", e)
	}
	gs := f.get("/cfg0010.xml", func(r *FetchRequest) {
		r.UserAgent = "Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82112233"
	})
	if !gs.Found || !strings.Contains(string(gs.Body), "gs_provision") {
		t.Fatalf("Grandstream's common file not answered: %v\n%s", gs.Found, gs.Body)
	}
	// No vendor UA: a name two vendors share is nobody's by default.
	if r := f.get("/cfg0010.xml", func(r *FetchRequest) { r.UserAgent = "" }); r.Found {
		t.Fatalf("a shared name was answered without a UA:\n%s", r.Body)
	}
	// A name only Yealink claims: answered without a UA, not to an Htek.
	if r := f.get("/y000000000000.boot", func(r *FetchRequest) { r.Proto, r.UserAgent = "tftp", "" }); !r.Found {
		t.Fatal("Yealink's common file not answered without a UA")
	}
	if r := f.get("/y000000000000.boot", func(r *FetchRequest) { r.UserAgent = "Htek UC903 2.0.4.2 00:1f:c1:1c:22:a9" }); r.Found {
		t.Fatalf("an Htek got Yealink's common file:\n%s", r.Body)
	}
}

// A known phone's own misses at the bootstrap are not strikes; an unknown
// name is.
func TestFetchBootstrapMissOfKnownPhone(t *testing.T) {
	f := newFixture(t, nil)
	if r := f.get("/805ec0112233-phone.cfg", nil); r.Found {
		t.Fatal("a file provbox does not have was found")
	}
	if e := f.lastEvent(t); e.Outcome != "not-found" || e.MAC != phoneMAC {
		t.Fatalf("event = %+v; want a plain not-found for the phone", e)
	}
	f.get("/firmware.rom", nil)
	if e := f.lastEvent(t); e.Outcome != "refused" || e.Reason != reasonUnknownFile {
		t.Fatalf("event = %+v; want an unknown-file refusal", e)
	}
}

func TestAuditBoundsUserAgent(t *testing.T) {
	f := newFixture(t, nil)
	f.get("/favicon.ico", func(r *FetchRequest) { r.UserAgent = strings.Repeat("x", 8000) })
	if e := f.lastEvent(t); len(e.UA) > maxAuditUA {
		t.Fatalf("audit kept a %d-byte User-Agent", len(e.UA))
	}
}

// current is the last look before an answer leaves: a lock, rekey or
// removal that happened while it was rendered wins.
func TestCurrentSeesLockRekeyRemove(t *testing.T) {
	f := newFixture(t, nil)
	now := f.clk.Now()
	if !f.s.current(phoneMAC, f.dev.TFTPPath, true, now) {
		t.Fatal("an open, unchanged device is not current")
	}
	if _, err := f.s.LockDevice(t.Context(), phoneMAC); err != nil {
		t.Fatal(err)
	}
	if f.s.current(phoneMAC, f.dev.TFTPPath, true, now) || !f.s.current(phoneMAC, f.dev.TFTPPath, false, now) {
		t.Fatal("a lock is not seen, or blocks what needs no open window")
	}
	if _, err := f.s.RekeyDevice(t.Context(), phoneMAC); err != nil {
		t.Fatal(err)
	}
	if f.s.current(phoneMAC, f.dev.TFTPPath, false, now) {
		t.Fatal("a rekey is not seen")
	}
	if err := f.s.RemoveDevice(t.Context(), phoneMAC); err != nil {
		t.Fatal(err)
	}
	if f.s.current(phoneMAC, f.dev.TFTPPath, false, now) {
		t.Fatal("a removal is not seen")
	}
}

// Forged UDP: TFTP refusals "from" a phone's leased address never ban it,
// and from elsewhere they weigh 1 and feed no scan detection.
func TestFetchTFTPStrikesResistForgery(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Bans = BanConfig{MaxRetry: 5, ScanMACs: 3} })
	tftp := func(ip netip.Addr) func(*FetchRequest) {
		return func(r *FetchRequest) { r.Proto, r.UserAgent, r.RemoteIP = "tftp", "", ip }
	}
	for i := range 20 {
		f.get("../x", tftp(phoneIP))
		f.get(fmt.Sprintf("805ec0aa00%02x.cfg", i), tftp(phoneIP))
	}
	if f.s.Banned(phoneIP) {
		t.Fatal("forged TFTP refusals banned the phone's leased address")
	}
	other := netip.MustParseAddr("192.0.2.77")
	for i := range 4 {
		f.get(fmt.Sprintf("805ec0aa00%02x.cfg", i), tftp(other))
	}
	if f.s.Banned(other) {
		t.Fatal("4 TFTP refusals banned a source: weight above 1, or scan detection fed by TFTP")
	}
	f.get("805ec0aa0099.cfg", tftp(other))
	if !f.s.Banned(other) {
		t.Fatal("max_retry TFTP refusals did not ban an unleased source")
	}
}
