package provisioning_test

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/store"
)

// banRig is a Service over a real state database in dir; restart closes
// it and opens a new one on the same database.
type banRig struct {
	t   *testing.T
	dir string
	clk *provtest.Clock
	cfg provisioning.Config
	st  *store.Store
	s   *provisioning.Service
}

func newBanRig(t *testing.T, bans provisioning.BanConfig) *banRig {
	r := &banRig{t: t, dir: t.TempDir(), clk: provtest.NewClock(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))}
	r.cfg = provisioning.Config{BaseURL: "http://127.0.0.1", Bans: bans, Now: r.clk.Now}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *banRig) start() {
	r.t.Helper()
	st, err := store.Open(r.t.Context(), r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	reg, err := profile.New("")
	if err != nil {
		r.t.Fatal(err)
	}
	s, err := provisioning.New(r.t.Context(), r.cfg, st, reg, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.st, r.s = st, s
}

func (r *banRig) stop() {
	if r.s != nil {
		r.s.Close()
		r.st.Close()
		r.s, r.st = nil, nil
	}
}

func (r *banRig) restart() {
	r.t.Helper()
	r.stop()
	r.start()
}

// guess asks for a guessed secret path over TFTP (weight 1) from ip.
func (r *banRig) guess(ip string, n int) {
	r.t.Helper()
	for i := range n {
		path := fmt.Sprintf("AAAAAAAAAAAAAAAAAAAAAA%02d/BBBBBBBBBBBBBBBBBBBBBBBB/cfg.xml", i%100)
		resp := r.s.Fetch(r.t.Context(), provisioning.FetchRequest{Proto: "tftp", Path: path, RemoteIP: netip.MustParseAddr(ip)})
		if resp.Found {
			r.t.Fatalf("a guessed path was served to %s", ip)
		}
	}
}

// banEvents returns the ban lines of the audit trail, oldest first.
func (r *banRig) banEvents() []provisioning.Event {
	r.t.Helper()
	es, err := r.s.Events(r.t.Context(), provisioning.EventFilter{Limit: 10000})
	if err != nil {
		r.t.Fatal(err)
	}
	var out []provisioning.Event
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Proto == "ban" {
			out = append(out, es[i])
		}
	}
	return out
}

func TestRefusalsBanThroughFetch(t *testing.T) {
	r := newBanRig(t, provisioning.BanConfig{MaxRetry: 4, BanTime: time.Hour})
	r.guess("127.0.0.2", 3)
	if r.s.Banned(netip.MustParseAddr("127.0.0.2")) {
		t.Fatal("banned below max_retry")
	}
	r.guess("127.0.0.2", 1)
	if !r.s.Banned(netip.MustParseAddr("127.0.0.2")) {
		t.Fatal("not banned at max_retry")
	}
	if r.s.Banned(netip.MustParseAddr("127.0.0.3")) {
		t.Fatal("a bystander is banned")
	}
	bans := r.s.Bans()
	if len(bans) != 1 || bans[0].Prefix.String() != "127.0.0.2/32" || bans[0].Reason != "bad-hash" ||
		bans[0].Strikes != 4 || bans[0].Count != 1 || bans[0].Until.Sub(bans[0].Since) > time.Hour {
		t.Fatalf("Bans() = %+v", bans)
	}
	ev := r.banEvents()
	if len(ev) != 1 || ev[0].Outcome != "banned" || ev[0].IP != netip.MustParseAddr("127.0.0.2") {
		t.Fatalf("audit trail = %+v", ev)
	}
}

func TestBanSurvivesRestartAndEscalates(t *testing.T) {
	r := newBanRig(t, provisioning.BanConfig{MaxRetry: 2, BanTime: time.Hour, Factor: 3, MaxBanTime: 100 * time.Hour})
	attacker := netip.MustParseAddr("127.0.0.2")
	r.guess("127.0.0.2", 2)
	first := r.s.Bans()[0]

	r.restart()
	r.clk.Add(30 * time.Minute)
	if !r.s.Banned(attacker) {
		t.Fatal("the ban did not survive a restart")
	}
	r.clk.Add(31 * time.Minute)
	if r.s.Banned(attacker) {
		t.Fatalf("still banned after the ban's end %v", first.Until)
	}

	r.restart() // the history survives too: the next ban is the second
	r.guess("127.0.0.2", 2)
	bans := r.s.Bans()
	if len(bans) != 1 || bans[0].Count != 2 {
		t.Fatalf("after restart, Bans() = %+v, want the second ban", bans)
	}
	if d := bans[0].Until.Sub(bans[0].Since); d <= 2*time.Hour || d > 3*time.Hour {
		t.Fatalf("second ban lasts %v, want 3h less jitter", d)
	}
	var outcomes []string
	for _, e := range r.banEvents() {
		outcomes = append(outcomes, e.Outcome+" "+e.Reason[:min(7, len(e.Reason))])
	}
	want := fmt.Sprint([]string{"banned bad-has", "unbanned expired", "banned bad-has"})
	if fmt.Sprint(outcomes) != want {
		t.Fatalf("audit trail %v, want %v", outcomes, want)
	}
}

func TestAdminBanAndUnban(t *testing.T) {
	r := newBanRig(t, provisioning.BanConfig{BanTime: time.Hour,
		Ignore: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, Own: []netip.Addr{netip.MustParseAddr("192.0.2.1")}})
	ctx := t.Context()
	ip := netip.MustParseAddr("127.0.0.9")
	if err := r.s.Unban(ctx, ip); !errors.Is(err, provisioning.ErrNotFound) {
		t.Fatalf("Unban of an unbanned address: %v", err)
	}
	b, err := r.s.AddBan(ctx, ip, 2*time.Hour, "")
	if err != nil || b.Until.Sub(b.Since) != 2*time.Hour || b.Reason != "admin" {
		t.Fatalf("AddBan = %+v, %v", b, err)
	}
	for _, exempt := range []string{"10.1.2.3", "192.0.2.1"} {
		if _, err := r.s.AddBan(ctx, netip.MustParseAddr(exempt), 0, ""); !errors.Is(err, provisioning.ErrNotBannable) {
			t.Fatalf("AddBan(%s): %v, want ErrNotBannable", exempt, err)
		}
	}
	if _, err := r.s.AddBan(ctx, ip, -time.Second, ""); err == nil {
		t.Fatal("negative length accepted")
	}
	r.restart()
	if !r.s.Banned(ip) || len(r.s.Bans()) != 1 {
		t.Fatal("an admin's ban did not survive a restart")
	}
	if err := r.s.Unban(ctx, ip); err != nil {
		t.Fatal(err)
	}
	r.restart()
	if r.s.Banned(ip) || len(r.s.Bans()) != 0 {
		t.Fatal("an unban did not survive a restart")
	}
	bans, err := r.st.Bans(ctx)
	if err != nil || len(bans) != 0 {
		t.Fatalf("store still holds %+v (%v) after a pardon", bans, err)
	}
	ev := r.banEvents()
	if len(ev) != 2 || ev[0].Outcome != "banned" || ev[1].Outcome != "unbanned" || ev[1].Reason != "admin" {
		t.Fatalf("audit trail = %+v", ev)
	}
}

func TestReloadIgnoringLiftsBan(t *testing.T) {
	r := newBanRig(t, provisioning.BanConfig{MaxRetry: 1})
	r.guess("127.0.0.2", 1)
	cfg := r.cfg
	cfg.Bans.Ignore = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	r.s.Reload(cfg, r.s.Registry())
	if r.s.Banned(netip.MustParseAddr("127.0.0.2")) {
		t.Fatal("a newly ignored source stays banned")
	}
	r.guess("127.0.0.2", 5)
	if r.s.Banned(netip.MustParseAddr("127.0.0.2")) || len(r.s.Bans()) != 0 {
		t.Fatal("an ignored source was banned")
	}
}

func TestScanOfManyMACsBans(t *testing.T) {
	r := newBanRig(t, provisioning.BanConfig{MaxRetry: 100, ScanMACs: 3})
	ip := netip.MustParseAddr("127.0.0.4")
	for i := range 4 {
		if r.s.Banned(ip) {
			t.Fatalf("banned after %d MACs", i)
		}
		// Yealink-style MAC files, over HTTP: TFTP sources can be forged,
		// so TFTP refusals feed no scan detection.
		path := fmt.Sprintf("/0015651234%02x.cfg", i)
		r.s.Fetch(t.Context(), provisioning.FetchRequest{Proto: "http", Path: path, RemoteIP: ip})
	}
	if b := r.s.Bans(); !r.s.Banned(ip) || len(b) != 1 || b[0].Reason != "scan" {
		t.Fatalf("Bans() = %+v", b)
	}
}

func TestBannedCheckDoesNotAllocate(t *testing.T) {
	r := newBanRig(t, provisioning.BanConfig{MaxRetry: 1})
	r.guess("127.0.0.2", 1)
	for _, ip := range []string{"127.0.0.2", "127.0.0.3", "2001:db8::1"} {
		a := netip.MustParseAddr(ip)
		if n := testing.AllocsPerRun(100, func() { r.s.Banned(a) }); n != 0 {
			t.Fatalf("Banned(%s) allocates %v times per call", ip, n)
		}
	}
}

// TestBansListsWithoutChanging checks that listing bans is a plain read:
// an expired ban is announced (and its record swept) by SweepBans, not by
// whoever lists.
func TestBansListsWithoutChanging(t *testing.T) {
	r := newBanRig(t, provisioning.BanConfig{MaxRetry: 2, BanTime: time.Hour})
	r.guess("127.0.0.2", 2)
	r.clk.Add(2 * time.Hour)
	if b := r.s.Bans(); len(b) != 0 {
		t.Fatalf("Bans() = %+v after the ban ran out", b)
	}
	if ev := r.banEvents(); len(ev) != 1 || ev[0].Outcome != "banned" {
		t.Fatalf("listing changed the audit trail: %+v", ev)
	}
	if err := r.s.SweepBans(t.Context()); err != nil {
		t.Fatal(err)
	}
	if ev := r.banEvents(); len(ev) != 2 || ev[1].Outcome != "unbanned" || ev[1].Reason != "expired" {
		t.Fatalf("after SweepBans, audit trail = %+v, want the expiry announced", ev)
	}
}
