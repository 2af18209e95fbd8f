package provisioning

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

const grace = 7 * 24 * time.Hour

// provisionedFixture is a phone that has fetched its full config (so it is
// locked and polls its secret URL), with a rotation grace in force.
func provisionedFixture(t *testing.T, g time.Duration) *fixture {
	t.Helper()
	f := newFixture(t, func(c *Config) { c.RotationGrace = g })
	if r := f.get(f.secret("805ec0112233.cfg"), nil); !r.Found {
		t.Fatal("the phone's first full config was refused")
	}
	return f
}

func rekeyDevice(t *testing.T, f *fixture) {
	t.Helper()
	if _, err := f.s.RekeyDevice(t.Context(), phoneMAC); err != nil {
		t.Fatal(err)
	}
}

func rekeyAccount(t *testing.T, f *fixture) {
	t.Helper()
	if _, err := f.s.RekeyAccount(t.Context(), "office"); err != nil {
		t.Fatal(err)
	}
}

// TestOldURLAfterRekey: a retired URL answers the checked phone with a
// redirect to its new URL for the grace, and refuses like any bad hash
// whatever fails (a check, the grace, a grace of 0).
func TestOldURLAfterRekey(t *testing.T) {
	otherIP := func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("192.0.2.99") }
	cases := []struct {
		name   string
		grace  time.Duration
		rekey  func(*testing.T, *fixture)
		file   string
		after  time.Duration // clock advance after the rekey
		mod    func(*FetchRequest)
		reason string // "" means a redirect to the new URL
	}{
		{"device rekey", grace, rekeyDevice, "805ec0112233.cfg", 0, nil, ""},
		{"account rekey", grace, rekeyAccount, "805ec0112233.cfg", 0, nil, ""},
		{"tftp", grace, rekeyDevice, "805ec0112233.cfg", 0, func(r *FetchRequest) { r.Proto, r.UserAgent = "tftp", "" }, ""},
		{"last second of grace", grace, rekeyAccount, "805ec0112233.cfg", grace - time.Second, nil, ""},
		{"after grace", grace, rekeyDevice, "805ec0112233.cfg", grace, nil, reasonBadHash},
		{"account rekey after grace", grace, rekeyAccount, "805ec0112233.cfg", grace + time.Hour, nil, reasonBadHash},
		{"no grace", 0, rekeyDevice, "805ec0112233.cfg", 0, nil, reasonBadHash},
		{"curl", grace, rekeyDevice, "805ec0112233.cfg", 0, func(r *FetchRequest) { r.UserAgent = "curl/8.5.0" }, reasonUserAgent},
		{"UA of another MAC", grace, rekeyAccount, "805ec0112233.cfg", 0, func(r *FetchRequest) { r.UserAgent = "Yealink SIP-T46U 108.86.0.20 80:5e:c0:99:99:99" }, reasonUAMAC},
		{"another IP", grace, rekeyDevice, "805ec0112233.cfg", 0, otherIP, reasonNoLease},
		{"tftp from another IP", grace, rekeyDevice, "805ec0112233.cfg", 0, func(r *FetchRequest) { otherIP(r); r.Proto, r.UserAgent = "tftp", "" }, reasonNoLease},
		{"another MAC's file", grace, rekeyDevice, "805ec0999999.cfg", 0, nil, reasonFileMAC},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := provisionedFixture(t, c.grace)
			old := f.secret(c.file)
			c.rekey(t, f)
			f.clk.Add(c.after)
			// The phone renews its lease all along.
			if err := f.s.CommitLease(t.Context(), Lease{IP: phoneIP, MAC: phoneMAC, Expires: f.clk.Now().Add(12 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			got := f.get(old, c.mod)
			e := f.lastEvent(t)
			if strings.Contains(e.File, string(f.dev.Hash)) || strings.Contains(e.Reason, string(f.dev.Hash)) {
				t.Fatalf("audit trail holds a full hash: %+v", e)
			}
			if c.reason != "" {
				if !reflect.DeepEqual(got, FetchReply{}) {
					t.Fatalf("answer = %+v; want the one refusal answer", got)
				}
				if e.Outcome != "refused" || !strings.HasPrefix(e.Reason, c.reason) {
					t.Fatalf("event = %+v; want refused with reason %q", e, c.reason)
				}
				return
			}
			now := f.s.View(mustDevice(t, f.s))
			if !got.Found || !strings.Contains(string(got.Body), now.SecretURL) || strings.Contains(string(got.Body), password) {
				t.Fatalf("found=%v body=%q; want a redirect to %s without credentials", got.Found, got.Body, now.SecretURL)
			}
			if e.Outcome != outcomeRekeyRedirect || e.MAC != phoneMAC {
				t.Fatalf("event = %+v; want %s for the device", e, outcomeRekeyRedirect)
			}
		})
	}
}

// TestOldURLServesCommonAndMisses: the phone's other requests under its
// old prefix during the grace are what they were under the valid one.
func TestOldURLServesCommonAndMisses(t *testing.T) {
	f := provisionedFixture(t, grace)
	oldCommon, oldFirmware := f.secret("y000000000028.cfg"), f.secret("T46U-108.86.0.20.rom")
	rekeyDevice(t, f)
	if r := f.get(oldCommon, nil); !r.Found || strings.Contains(string(r.Body), password) {
		t.Fatalf("common file under the old prefix: found=%v", r.Found)
	}
	if r := f.get(oldFirmware, nil); r.Found {
		t.Fatal("a firmware file was found")
	}
	if e := f.lastEvent(t); e.Outcome != "not-found" || e.MAC != phoneMAC {
		t.Fatalf("event = %+v; want a plain not-found for the device", e)
	}
}

// TestRekeyTwice: every old URL within the grace redirects to the current
// one, whichever the phone still holds.
func TestRekeyTwice(t *testing.T) {
	f := provisionedFixture(t, grace)
	first := f.secret("805ec0112233.cfg")
	rekeyDevice(t, f)
	f.dev = f.s.View(mustDevice(t, f.s))
	second := f.secret("805ec0112233.cfg")
	rekeyAccount(t, f)
	f.dev = f.s.View(mustDevice(t, f.s))
	for _, old := range []string{first, second} {
		if r := f.get(old, nil); !r.Found || !strings.Contains(string(r.Body), f.dev.SecretURL) {
			t.Fatalf("old URL %s: found=%v; want a redirect to the current URL", RedactPath(old, false), r.Found)
		}
	}
	if n := len(f.dev.OldPaths); n != 2 {
		t.Fatalf("device shows %d old URLs, want 2", n)
	}
}

// TestOldURLEndsOnceThePhoneMoved: the first full config at the new URL
// ends the old URLs' grace movedLinger later (the rest of the walk the
// phone was on still gets answers, not strikes).
func TestOldURLEndsOnceThePhoneMoved(t *testing.T) {
	f := provisionedFixture(t, grace)
	old, oldCommon := f.secret("805ec0112233.cfg"), f.secret("y000000000028.cfg")
	rekeyAccount(t, f)
	if r := f.get(old, nil); !r.Found {
		t.Fatal("old URL did not redirect")
	}
	f.dev = f.s.View(mustDevice(t, f.s))
	if r := f.get(f.secret("805ec0112233.cfg"), nil); !r.Found || !strings.Contains(string(r.Body), password) {
		t.Fatal("new URL refused")
	}
	moved := f.clk.Now()
	if v := f.s.View(mustDevice(t, f.s)); len(v.OldPaths) != 1 || !v.OldPaths[0].Until.Equal(moved.Add(movedLinger)) {
		t.Fatalf("old paths after the move: %+v; want one ending %v", v.OldPaths, moved.Add(movedLinger))
	}
	f.clk.Add(movedLinger - time.Second)
	if r := f.get(oldCommon, nil); !r.Found {
		t.Fatal("the phone's walk at the old URL was cut short")
	}
	if r := f.get(old, nil); !r.Found {
		t.Fatal("old URL refused within the linger")
	}
	f.clk.Add(time.Second)
	if r := f.get(old, nil); r.Found {
		t.Fatal("old URL still redirects after the phone moved")
	}
	if e := f.lastEvent(t); e.Reason != reasonBadHash {
		t.Fatalf("event = %+v; want a bad-hash refusal", e)
	}
	if v := f.s.View(mustDevice(t, f.s)); len(v.OldPaths) != 0 {
		t.Fatalf("device still shows old URLs: %+v", v.OldPaths)
	}
}

// TestRekeyShowsOldURLRedacted: device show and the audit trail name the
// old URL only redacted, with its end; lowering the grace shortens it.
func TestRekeyShowsOldURLRedacted(t *testing.T) {
	f := provisionedFixture(t, grace)
	before := f.dev
	at := f.clk.Now()
	rekeyDevice(t, f)
	v := f.s.View(mustDevice(t, f.s))
	if len(v.OldPaths) != 1 {
		t.Fatalf("old paths = %+v, want one", v.OldPaths)
	}
	p := v.OldPaths[0]
	want := "/" + before.TFTPPath[1:5] + "…/" + string(before.Hash)[:4] + "…/"
	if p.Shown != want || !p.Until.Equal(at.Add(grace)) || p.Cause != causeDeviceRekey {
		t.Fatalf("old path = %+v; want shown %q until %v", p, want, at.Add(grace))
	}
	e := f.lastEvent(t)
	if e.Outcome != "rekeyed" || !strings.Contains(e.Reason, p.Shown) || strings.Contains(e.Reason, string(before.Hash)) {
		t.Fatalf("event = %+v; want a rekeyed line naming %s and no full hash", e, p.Shown)
	}
	cfg := f.s.cfg
	cfg.RotationGrace = time.Hour
	f.s.Reload(cfg, f.s.Registry())
	if v := f.s.View(mustDevice(t, f.s)); !v.OldPaths[0].Until.Equal(at.Add(time.Hour)) {
		t.Fatalf("after lowering the grace: until %v, want %v", v.OldPaths[0].Until, at.Add(time.Hour))
	}
	f.clk.Add(time.Hour)
	if r := f.get(before.TFTPPath+"805ec0112233.cfg", nil); r.Found {
		t.Fatal("old URL outlived a lowered grace")
	}
}

// TestOldURLSurvivesRestart: the retired path is in the store.
func TestOldURLSurvivesRestart(t *testing.T) {
	st := newMemStore()
	clk := &testClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	noNeigh := func(netip.Addr) (MAC, bool) { return MAC{}, false }
	cfg := Config{BaseURL: "http://192.0.2.1", Checks: DefaultChecks(true), Now: clk.Now, Neighbours: noNeigh, RotationGrace: grace}
	f := &fixture{s: newTestService(t, st, cfg), clk: clk}
	ctx := t.Context()
	if _, err := f.s.AddAccount(ctx, Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		t.Fatal(err)
	}
	d, err := f.s.AddDevice(ctx, Device{MAC: phoneMAC, Account: "office", Vendor: "yealink",
		Lines: []Line{{Extension: "201", Password: password}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.CommitLease(ctx, Lease{IP: phoneIP, MAC: phoneMAC, Expires: clk.Now().Add(12 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	old := f.s.View(d).TFTPPath + "805ec0112233.cfg"
	rekeyDevice(t, f)
	f.s.Close()
	f.s = newTestService(t, st, cfg)
	if r := f.get(old, nil); !r.Found {
		t.Fatal("old URL forgotten across a restart")
	}
}

// TestRekeyWithoutGrace: a rekey without grace ends this URL and every
// pending one of the device (device rekey) or of the account's devices.
func TestRekeyWithoutGrace(t *testing.T) {
	for _, c := range []struct {
		name    string
		noGrace func(*fixture) error
	}{
		{"device", func(f *fixture) error { _, err := f.s.RekeyDeviceNoGrace(t.Context(), phoneMAC); return err }},
		{"account", func(f *fixture) error { _, err := f.s.RekeyAccountNoGrace(t.Context(), "office"); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := provisionedFixture(t, grace)
			first := f.secret("805ec0112233.cfg")
			rekeyDevice(t, f)
			f.dev = f.s.View(mustDevice(t, f.s))
			second := f.secret("805ec0112233.cfg")
			if err := c.noGrace(f); err != nil {
				t.Fatal(err)
			}
			if e := f.lastEvent(t); e.Outcome != "rekeyed" || !strings.Contains(e.Reason, "without grace") {
				t.Fatalf("event = %+v; want a rekey without grace", e)
			}
			for _, old := range []string{first, second} {
				if r := f.get(old, nil); r.Found {
					t.Fatalf("old URL %s answered after a rekey without grace", RedactPath(old, false))
				}
			}
			v := f.s.View(mustDevice(t, f.s))
			if len(v.OldPaths) != 0 {
				t.Fatalf("old paths after a rekey without grace: %+v", v.OldPaths)
			}
			f.dev = v
			if r := f.get(f.secret("805ec0112233.cfg"), nil); !r.Found {
				t.Fatal("the new URL refused")
			}
		})
	}
}

// TestOldURLChecksMatchFullConfig: whoever the current URL refuses, the
// old URL refuses, and whoever it serves, the old URL redirects: a grace
// never lowers the bar.
func TestOldURLChecksMatchFullConfig(t *testing.T) {
	other := MAC{0x02, 0, 0, 0, 0, 0x99}
	hostOther, hostClone := netip.MustParseAddr("192.0.2.77"), netip.MustParseAddr("192.0.2.78")
	table := map[netip.Addr]MAC{phoneIP: phoneMAC, hostOther: other, hostClone: phoneMAC}
	neighbours := func(ip netip.Addr) (MAC, bool) { m, ok := table[ip]; return m, ok }
	noLeaseCheck := func(c *Config) { c.Checks.Lease = false }
	from := func(ip netip.Addr) func(*FetchRequest) { return func(r *FetchRequest) { r.RemoteIP = ip } }
	cases := []struct {
		name   string
		mutate func(*Config)
		mod    func(*FetchRequest)
	}{
		{"the phone", nil, nil},
		{"curl", nil, func(r *FetchRequest) { r.UserAgent = "curl/8.5.0" }},
		{"UA of another MAC", nil, func(r *FetchRequest) { r.UserAgent = "Yealink SIP-T46U 108.86.0.20 02:00:00:00:00:99" }},
		{"another IP", nil, from(netip.MustParseAddr("192.0.2.99"))},
		{"tftp", nil, func(r *FetchRequest) { r.Proto, r.UserAgent = "tftp", "" }},
		{"tftp from another IP", nil, func(r *FetchRequest) { r.Proto, r.UserAgent, r.RemoteIP = "tftp", "", hostOther }},
		{"IPv6 link-local", nil, from(netip.MustParseAddr("fe80::1"))},
		{"no lease check, host of another MAC", noLeaseCheck, from(hostOther)},
		{"no lease check, clone of the phone's MAC", noLeaseCheck, from(hostClone)},
		{"no lease check, unknown host", noLeaseCheck, from(netip.MustParseAddr("192.0.2.99"))},
		{"no lease check, IPv6", noLeaseCheck, from(netip.MustParseAddr("fe80::1"))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, func(cfg *Config) {
				cfg.RotationGrace, cfg.Neighbours = grace, neighbours
				if c.mutate != nil {
					c.mutate(cfg)
				}
			})
			old := f.secret("805ec0112233.cfg")
			if r := f.get(old, nil); !r.Found {
				t.Fatal("the phone itself was refused")
			}
			rekeyDevice(t, f)
			f.dev = f.s.View(mustDevice(t, f.s))
			redirected := f.get(old, c.mod).Found
			served := f.get(f.secret("805ec0112233.cfg"), c.mod).Found
			if redirected != served {
				t.Fatalf("old URL answered %v, current URL %v: the checks differ", redirected, served)
			}
		})
	}
}
