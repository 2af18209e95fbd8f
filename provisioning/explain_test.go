package provisioning

import (
	"context"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the explain golden files")

// strikeSpy counts the strikes and ban lifts that reach the ban engine.
type strikeSpy struct {
	banEngine
	strikes atomic.Int32
}

func (b *strikeSpy) strike(ip netip.Addr, st Strike, now time.Time) {
	b.strikes.Add(1)
	b.banEngine.strike(ip, st, now)
}

// callCounter counts every observer call (metrics).
type callCounter struct {
	NopObserver
	n atomic.Int32
}

func (c *callCounter) Bootstrap(Proto, string)      { c.n.Add(1) }
func (c *callCounter) Served(Proto, string, string) { c.n.Add(1) }
func (c *callCounter) Refused(string, string)       { c.n.Add(1) }
func (c *callCounter) Struck(string, int)           { c.n.Add(1) }
func (c *callCounter) BanChanged(bool)              { c.n.Add(1) }
func (c *callCounter) Locked(string)                { c.n.Add(1) }

type explainCase struct {
	name, outcome, reason string
	cfg                   func(*Config)
	setup                 func(*testing.T, *fixture)
	path                  func(*fixture) string
	mod                   func(*FetchRequest)
}

func explainCases() []explainCase {
	other := "AAAAAAAAAAAAAAAAAAAAAAAA"
	full := func(f *fixture) string { return f.secret("805ec0112233.cfg") }
	ip := func(s string) func(*FetchRequest) {
		return func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr(s) }
	}
	curl := func(r *FetchRequest) { r.UserAgent = "curl/8.5.0" }
	neigh := func(m MAC) func(*Config) {
		return func(c *Config) { c.Neighbours = func(netip.Addr) (MAC, bool) { return m, true } }
	}
	return []explainCase{
		{name: "redirect", outcome: "redirect", path: boot},
		{name: "full-config", outcome: "config", path: full},
		{name: "flat-mode", outcome: "config", path: boot, cfg: func(c *Config) { c.FlatMode = true }},
		{name: "common", outcome: "common", path: func(*fixture) string { return "/y000000000108.cfg" }},
		{name: "miss", outcome: "not-found", path: func(f *fixture) string { return f.secret("firmware/T46U.rom") }},
		{name: "rekey-redirect", outcome: "rekey-redirect", path: full, cfg: func(c *Config) { c.RotationGrace = time.Hour }, setup: func(t *testing.T, f *fixture) {
			if _, err := f.s.RekeyDevice(t.Context(), phoneMAC); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "banned", outcome: "banned", reason: "banned", path: boot, setup: func(t *testing.T, f *fixture) {
			if _, err := f.s.AddBan(t.Context(), netip.MustParseAddr("192.0.2.99"), time.Hour, "test"); err != nil {
				t.Fatal(err)
			}
		}, mod: ip("192.0.2.99")},
		{name: "bad-path", outcome: "refused", reason: reasonBadPath, path: func(*fixture) string { return "/../etc/passwd" }},
		{name: "unknown-file", outcome: "refused", reason: reasonUnknownFile, path: func(*fixture) string { return "/favicon.ico" }},
		{name: "unknown-mac", outcome: "refused", reason: reasonUnknownMAC, path: func(*fixture) string { return "/805ec0999999.cfg" }},
		{name: "locked", outcome: "refused", reason: reasonLocked, path: boot, setup: func(t *testing.T, f *fixture) {
			if _, err := f.s.LockDevice(t.Context(), phoneMAC); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "bad-hash", outcome: "refused", reason: reasonBadHash, path: func(f *fixture) string { return f.dev.TFTPPath[:1+HashLen+1] + other + "/805ec0112233.cfg" }},
		{name: "file-mac", outcome: "refused", reason: reasonFileMAC, path: func(f *fixture) string { return f.secret("805ec0999999.cfg") }},
		{name: "user-agent", outcome: "refused", reason: reasonUserAgent, path: boot, mod: curl},
		{name: "ua-mac", outcome: "refused", reason: reasonUAMAC, path: full, mod: func(r *FetchRequest) { r.UserAgent = "Yealink SIP-T46U 108.86.0.20 80:5e:c0:99:99:99" }},
		{name: "no-lease", outcome: "refused", reason: reasonNoLease, path: full, mod: ip("192.0.2.99")},
		{name: "neighbour", outcome: "refused", reason: reasonNeighbour, path: boot, cfg: neigh(MAC{2, 0, 0, 0, 0, 9})},
		{name: "unverified", outcome: "refused", reason: reasonUnverified, path: boot, cfg: func(c *Config) { c.Checks.Lease = false }},
		{name: "tftp-redirect", outcome: "redirect", path: func(*fixture) string { return "805ec0112233.cfg" }, mod: func(r *FetchRequest) { r.Proto, r.UserAgent = ProtoTFTP, "" }},
	}
}

// snapshot is everything a request can leave behind.
type snapshot struct {
	Events  []Event
	Bans    []Ban
	Device  Device
	Leases  []Lease
	Old     int
	Pending []Pending
}

func takeSnapshot(t *testing.T, s *Service) snapshot {
	t.Helper()
	es, err := s.Events(t.Context(), EventFilter{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := s.Device(phoneMAC)
	s.mu.RLock()
	old := len(s.old.byDigest)
	s.mu.RUnlock()
	return snapshot{Events: es, Bans: s.Bans(), Device: d, Leases: s.Leases(), Old: old, Pending: s.PendingPhones()}
}

// Explain and Fetch run the same decision: for every reason, explain's
// verdict is the one the real request then gets, and explain leaves no
// trace (no strike, audit line, lock, last-seen, lease or ban change).
func TestExplainAgreesWithFetchAndLeavesNoTrace(t *testing.T) {
	for _, c := range explainCases() {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.cfg)
			if c.setup != nil {
				c.setup(t, f)
			}
			spy := &strikeSpy{banEngine: f.s.bans}
			f.s.bans = spy
			obs := &callCounter{}
			f.s.SetObserver(obs)
			r := FetchRequest{Proto: ProtoHTTP, Path: c.path(f), RemoteIP: phoneIP, UserAgent: phoneUA}
			if c.mod != nil {
				c.mod(&r)
			}
			before := takeSnapshot(t, f.s)
			ex := f.s.Explain(t.Context(), r)
			if after := takeSnapshot(t, f.s); !reflect.DeepEqual(before, after) || spy.strikes.Load() != 0 || obs.n.Load() != 0 {
				t.Fatalf("explain left a trace: strikes %d, metrics %d\nbefore %+v\nafter  %+v", spy.strikes.Load(), obs.n.Load(), before, after)
			}
			if ex.Outcome != c.outcome || ex.Reason != c.reason {
				t.Fatalf("explain = %s/%s, want %s/%s\n%+v", ex.Outcome, ex.Reason, c.outcome, c.reason, ex)
			}
			golden(t, c.name, ex)
			reply := f.s.Fetch(context.Background(), r)
			outcome, reason := realVerdict(t, f, before, reply)
			if outcome != ex.Outcome || reason != ex.Reason {
				t.Fatalf("real request = %s/%s, explain said %s/%s", outcome, reason, ex.Outcome, ex.Reason)
			}
			if reply.Found && len(reply.Body) != ex.Size {
				t.Fatalf("served %d bytes, explain said %d", len(reply.Body), ex.Size)
			}
			if ex.Strike > 0 && spy.strikes.Load() != 1 {
				t.Fatalf("explain promised a strike of %d, the real request struck %d times", ex.Strike, spy.strikes.Load())
			}
		})
	}
}

// realVerdict reads what the real request did from the audit trail.
func realVerdict(t *testing.T, f *fixture, before snapshot, reply FetchReply) (string, string) {
	t.Helper()
	es, err := f.s.Events(t.Context(), EventFilter{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == len(before.Events) {
		switch {
		case reply.Found:
			return "common", "" // a common file for no device leaves no audit line
		case f.s.Banned(phoneIP) || len(f.s.Bans()) > 0:
			return "banned", "banned"
		}
		return "not-found", ""
	}
	reason, _, _ := strings.Cut(es[0].Reason, " ") // "unknown-mac 80:5e:..." names the MAC asked
	return es[0].Outcome, reason
}

func golden(t *testing.T, name string, ex Explanation) {
	t.Helper()
	if strings.Count(ex.File, "…") == 2 {
		// The secret hashes are random: keep the golden files stable.
		ex.File = "<acct>…/<dev>…/" + ex.File[strings.LastIndex(ex.File, "/")+1:]
	}
	got, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	p := filepath.Join("testdata", "explain", name+".json")
	if *updateGolden {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("explain %s differs from %s:\n%s", name, p, got)
	}
}
