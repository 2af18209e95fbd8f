package ban

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"
)

func TestRestartKeepsBansAndHistory(t *testing.T) {
	cfg := Config{MaxRetry: 2, BanTime: time.Hour, Factor: 3}
	a := newRig(t, cfg)
	a.strikes(t, "10.0.0.1", 2, t0) // banned until t0+1h
	a.strikes(t, "10.0.0.2", 2, t0)
	a.strikes(t, "10.0.0.2", 2, t0.Add(2*time.Hour)) // second ban, 3h
	stored := a.st.all()
	if len(stored) != 2 || stored[1].Count != 2 || stored[1].Until != t0.Add(5*time.Hour) {
		t.Fatalf("store = %+v", stored)
	}

	// Restart at t0+30m: 10.0.0.1 is still banned, and its next ban escalates.
	b := newRig(t, cfg, stored...)
	now := t0.Add(30 * time.Minute)
	if !b.banned("10.0.0.1", now) || !b.banned("10.0.0.2", now) {
		t.Fatal("bans lost across restart")
	}
	if b.banned("10.0.0.1", t0.Add(time.Hour)) {
		t.Fatal("restored ban does not expire")
	}
	b.strikes(t, "10.0.0.1", 2, t0.Add(2*time.Hour))
	rec, _ := b.e.History(netip.MustParseAddr("10.0.0.1"))
	if rec.Count != 2 || rec.Until.Sub(rec.Since) != 3*time.Hour {
		t.Fatalf("after restart the second ban is %+v, want count 2 for 3h", rec)
	}
	// The expiry of a restored ban is announced too.
	cs := b.rec.take()
	if len(cs) != 2 || cs[0].Reason != "expired" || !cs[1].Banned {
		t.Fatalf("changes = %+v", cs)
	}
}

func TestRestoreDropsForgottenAndExcess(t *testing.T) {
	var recs []Record
	for i := range 10 {
		until := t0.Add(-time.Duration(i) * time.Hour)
		recs = append(recs, Record{Prefix: netip.PrefixFrom(addrN(i), 32), Count: 1, Since: until.Add(-time.Hour), Until: until})
	}
	old := Record{Prefix: netip.MustParsePrefix("10.200.0.1/32"), Count: 4, Until: t0.Add(-365 * 24 * time.Hour)}
	recs = append(recs, old, Record{}) // plus a zero row, skipped
	e, dropped := New(Config{}, Options{MaxRecords: 5}, recs, t0)
	if e.Records() != 5 {
		t.Fatalf("kept %d records, want 5", e.Records())
	}
	if len(dropped) != 6 {
		t.Fatalf("dropped %v, want 6 (the year-old one and the 5 oldest past the cap)", dropped)
	}
	if _, ok := e.History(addrN(0)); !ok {
		t.Fatal("the newest record was dropped")
	}
	if _, ok := e.History(netip.MustParseAddr("10.200.0.1")); ok {
		t.Fatal("a year-old record was kept")
	}
}

func TestRestoredBanOnIgnoredSourceNotEnforced(t *testing.T) {
	rec := Record{Prefix: netip.MustParsePrefix("10.7.0.1/32"), Count: 1, Since: t0, Until: t0.Add(time.Hour)}
	r := newRig(t, Config{Ignore: []netip.Prefix{netip.MustParsePrefix("10.7.0.0/16")}}, rec)
	if r.banned("10.7.0.1", t0) {
		t.Fatal("restored ban on an ignored source enforced")
	}
	if bans := r.e.Active(t0); len(bans) != 0 {
		t.Fatalf("listed %+v", bans)
	}
}

func TestAddAndRemove(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{BanTime: time.Hour, Factor: 2})
	ip := netip.MustParseAddr("10.0.0.9")
	if err := r.e.Remove(ctx, ip, t0); !errors.Is(err, ErrNotBanned) {
		t.Fatalf("Remove of an unbanned source: %v", err)
	}
	rec, err := r.e.Add(ctx, ip, 90*time.Minute, "manual", t0)
	if err != nil || rec.Until != t0.Add(90*time.Minute) || rec.Reason != "manual" || rec.Count != 1 {
		t.Fatalf("Add = %+v, %v", rec, err)
	}
	if !r.e.Banned(ip, t0.Add(89*time.Minute)) || len(r.st.all()) != 1 {
		t.Fatal("added ban not enforced or not stored")
	}
	// Without a length, an admin's ban escalates like any other, and with
	// no jitter: it lasts exactly what the policy says.
	r.e.opt.Rand = func() float64 { return 0.9 }
	rec, _ = r.e.Add(ctx, ip, 0, "", t0.Add(2*time.Hour))
	if rec.Count != 2 || rec.Until.Sub(rec.Since) != 2*time.Hour || rec.Reason != "admin" {
		t.Fatalf("second Add = %+v", rec)
	}
	r.rec.take()
	if err := r.e.Remove(ctx, ip, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r.e.Banned(ip, t0.Add(3*time.Hour)) || len(r.st.all()) != 0 {
		t.Fatal("Remove did not lift the ban in memory and store")
	}
	if cs := r.rec.take(); len(cs) != 1 || cs[0].Banned || cs[0].Reason != "admin" {
		t.Fatalf("changes = %+v", cs)
	}
	// Pardoned: the next ban is a first ban again.
	rec, _ = r.e.Add(ctx, ip, 0, "", t0.Add(4*time.Hour))
	if rec.Count != 1 || rec.Until.Sub(rec.Since) != time.Hour {
		t.Fatalf("ban after pardon = %+v", rec)
	}
	if err := r.e.Remove(ctx, ip, rec.Until); !errors.Is(err, ErrNotBanned) {
		t.Fatalf("Remove of an expired ban: %v", err)
	}
}

func TestAddReplacesRunningBan(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1})
	r.strikes(t, "10.0.0.3", 1, t0)
	rec, err := r.e.Add(context.Background(), netip.MustParseAddr("10.0.0.3"), 10*time.Minute, "shorter", t0)
	if err != nil || rec.Count != 1 || rec.Until != t0.Add(10*time.Minute) {
		t.Fatalf("Add over a running ban = %+v, %v", rec, err)
	}
}

type failingStore struct{}

func (failingStore) PutBan(context.Context, Record) error          { return errors.New("disk full") }
func (failingStore) DeleteBan(context.Context, netip.Prefix) error { return errors.New("disk full") }

func TestStoreFailureStillBans(t *testing.T) {
	e, _ := New(Config{MaxRetry: 1}, Options{Store: failingStore{}}, nil, t0)
	b, err := e.Strike(context.Background(), netip.MustParseAddr("10.0.0.1"), Strike{}, t0)
	if !b || err == nil {
		t.Fatalf("Strike = %v, %v: want banned and the store error", b, err)
	}
	if !e.Banned(netip.MustParseAddr("10.0.0.1"), t0) {
		t.Fatal("not enforced when the store fails")
	}
}
