package ban

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// nodes is two engines sharing one fake store, as two provbox nodes
// share one database.
func nodes(t *testing.T, cfg Config) (a, b rig) {
	t.Helper()
	a = newRig(t, cfg)
	b = newRig(t, cfg)
	b.e.opt.Store = a.st
	b.st = a.st
	return a, b
}

func (r rig) reload(t *testing.T, now time.Time) []Change {
	t.Helper()
	read := func(context.Context) ([]Record, error) { return r.st.all(), nil }
	if err := r.e.Reload(context.Background(), read, now); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	return r.rec.take()
}

// TestReloadFollowsTheOtherNode: a ban one engine issues is enforced by
// the other after a reload, without its own strike counters being lost;
// an admin unban on the second lifts it on the first.
func TestReloadFollowsTheOtherNode(t *testing.T) {
	a, b := nodes(t, Config{MaxRetry: 3, BanTime: time.Hour})
	now := t0.Add(time.Minute)
	b.strikes(t, "10.0.0.9", 2, now) // one short of a ban, on b only
	if !a.strikes(t, "10.0.0.1", 3, now) {
		t.Fatal("a did not ban 10.0.0.1")
	}
	a.rec.take()
	if b.banned("10.0.0.1", now) {
		t.Fatal("b enforces a's ban before reloading")
	}
	cs := b.reload(t, now)
	if len(cs) != 1 || !cs[0].Banned || !cs[0].Remote || cs[0].Record.Prefix.Addr().String() != "10.0.0.1" {
		t.Fatalf("b's changes = %+v, want one remote ban of 10.0.0.1", cs)
	}
	if !b.banned("10.0.0.1", now) {
		t.Fatal("b does not enforce a's ban after reloading")
	}
	if !b.strikes(t, "10.0.0.9", 1, now) {
		t.Fatal("b lost its strike counter of 10.0.0.9 in the reload")
	}
	// b's own ban of 10.0.0.9 echoes back from the store: nothing to report.
	b.rec.take()
	if cs := b.reload(t, now); len(cs) != 0 {
		t.Fatalf("reloading b's own ban reported %+v", cs)
	}

	if err := b.e.Remove(context.Background(), netip.MustParseAddr("10.0.0.1"), now); err != nil {
		t.Fatal(err)
	}
	cs = a.reload(t, now)
	if a.banned("10.0.0.1", now) {
		t.Fatal("b's admin unban did not lift the ban on a")
	}
	if _, ok := a.e.History(netip.MustParseAddr("10.0.0.1")); ok {
		t.Fatal("a keeps the history of a ban pardoned on b")
	}
	if len(cs) != 2 || cs[0].Banned == cs[1].Banned {
		t.Fatalf("a's changes = %+v, want b's ban of 10.0.0.9 and the lift of 10.0.0.1", cs)
	}
	for _, c := range cs {
		if !c.Remote {
			t.Errorf("change %+v not marked Remote", c)
		}
	}
}

// TestReloadKeepsUnstoredChanges: a ban issued in memory whose store
// write has not landed yet, or failed, survives a reload from a store
// without it; the failed write is retried by the next reload.
func TestReloadKeepsUnstoredChanges(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1, BanTime: time.Hour})
	k := netip.MustParsePrefix("10.0.0.1/32")
	// Issued, its sync still to come (the window between the engine's
	// lock and its store lock).
	r.e.mu.Lock()
	r.e.issueLocked(k, Record{Reason: "test", Strikes: 1}, 0, 0, t0, nil)
	r.e.mu.Unlock()
	r.reload(t, t0)
	if !r.banned("10.0.0.1", t0) {
		t.Fatal("a reload lifted a ban whose store write was still to come")
	}
	if err := r.e.sync(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	if len(r.st.all()) != 1 || len(r.e.unstored) != 0 {
		t.Fatalf("store %+v, unstored %v after the sync", r.st.all(), r.e.unstored)
	}

	// A write that fails: enforced from memory, kept by a reload, and
	// written by the reload once the store works again.
	f := &failingPersister{memPersister: newMemPersister(), fail: true}
	e, _ := New(Config{MaxRetry: 1, BanTime: time.Hour}, Options{Store: f}, nil, t0)
	if _, err := e.Strike(context.Background(), netip.MustParseAddr("10.0.0.2"), Strike{Reason: "x", Weight: 1}, t0); err == nil {
		t.Fatal("the failed write was not reported")
	}
	// Another node's ban is in the store; this node's writes still fail.
	f.recs[netip.MustParsePrefix("10.0.0.3/32")] = Record{Prefix: netip.MustParsePrefix("10.0.0.3/32"),
		Reason: "x", Strikes: 1, Count: 1, Since: t0, Until: t0.Add(time.Hour)}
	read := func(context.Context) ([]Record, error) { return f.all(), nil }
	if err := e.Reload(context.Background(), read, t0); err == nil {
		t.Fatal("reload reported no error while its retried write fails")
	}
	if !e.Banned(netip.MustParseAddr("10.0.0.2"), t0) {
		t.Fatal("a reload lifted the ban whose write failed")
	}
	if !e.Banned(netip.MustParseAddr("10.0.0.3"), t0) {
		t.Fatal("a failed retry kept the reload from applying the store's bans")
	}
	f.setFail(false)
	if err := e.Reload(context.Background(), read, t0); err != nil {
		t.Fatal(err)
	}
	if !e.Banned(netip.MustParseAddr("10.0.0.2"), t0) || len(f.all()) != 2 {
		t.Fatalf("after the store recovered: banned %v, store %+v", e.Banned(netip.MustParseAddr("10.0.0.2"), t0), f.all())
	}
}

// TestReloadDoesNotResurrect: a ban that has run out is history after a
// reload, whether this engine saw it end or another node issued it.
func TestReloadDoesNotResurrect(t *testing.T) {
	a, b := nodes(t, Config{MaxRetry: 1, BanTime: time.Hour})
	a.strikes(t, "10.0.0.1", 1, t0)
	later := t0.Add(2 * time.Hour)
	if a.banned("10.0.0.1", later) {
		t.Fatal("ban did not expire")
	}
	a.rec.take()
	for _, r := range []rig{a, b} {
		if cs := r.reload(t, later); len(cs) != 0 {
			t.Errorf("reload of an expired ban reported %+v", cs)
		}
		if r.banned("10.0.0.1", later) {
			t.Error("reload resurrected an expired ban")
		}
	}
	// b holds it as history: its next ban escalates, as on a.
	b.strikes(t, "10.0.0.1", 1, later)
	if rec, _ := b.e.History(netip.MustParseAddr("10.0.0.1")); rec.Count != 2 {
		t.Fatalf("b's next ban is %+v, want count 2", rec)
	}
}

// TestReloadReadError leaves the engine as it was.
func TestReloadReadError(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1, BanTime: time.Hour})
	r.strikes(t, "10.0.0.1", 1, t0)
	boom := errors.New("db down")
	if err := r.e.Reload(context.Background(), func(context.Context) ([]Record, error) { return nil, boom }, t0); !errors.Is(err, boom) {
		t.Fatalf("Reload = %v", err)
	}
	if !r.banned("10.0.0.1", t0) {
		t.Fatal("a failed read lifted a ban")
	}
}

// failingPersister fails every write while fail is set.
type failingPersister struct {
	*memPersister
	fmu  sync.Mutex
	fail bool
}

func (f *failingPersister) setFail(v bool) { f.fmu.Lock(); f.fail = v; f.fmu.Unlock() }

func (f *failingPersister) err() error {
	f.fmu.Lock()
	defer f.fmu.Unlock()
	if f.fail {
		return errors.New("store unreachable")
	}
	return nil
}

func (f *failingPersister) PutBan(ctx context.Context, r Record) error {
	if err := f.err(); err != nil {
		return err
	}
	return f.memPersister.PutBan(ctx, r)
}

func (f *failingPersister) DeleteBan(ctx context.Context, p netip.Prefix) error {
	if err := f.err(); err != nil {
		return err
	}
	return f.memPersister.DeleteBan(ctx, p)
}

// TestReloadRacesStrikes: reloads running while strikes issue bans never
// lift one (a ban is either in the store when the reload reads it, or
// its write is still to come and the reload leaves it alone).
func TestReloadRacesStrikes(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1, BanTime: time.Hour})
	read := func(context.Context) ([]Record, error) { return r.st.all(), nil }
	const strikers, each = 4, 100
	stop := make(chan struct{})
	var reloads sync.WaitGroup
	reloads.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := r.e.Reload(context.Background(), read, t0); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var wg sync.WaitGroup
	for s := range strikers {
		wg.Go(func() {
			for i := range each {
				ip := netip.AddrFrom4([4]byte{10, byte(s), byte(i >> 8), byte(i)})
				if b, err := r.e.Strike(context.Background(), ip, Strike{Reason: "x", Weight: 1}, t0); err != nil || !b {
					t.Errorf("strike on %s: banned %v, %v", ip, b, err)
				}
				if !r.e.Banned(ip, t0) {
					t.Errorf("%s unbanned right after its ban (a reload lifted it)", ip)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	reloads.Wait()
	if err := r.e.Reload(context.Background(), read, t0); err != nil {
		t.Fatal(err)
	}
	if n := len(r.e.Active(t0)); n != strikers*each {
		t.Fatalf("%d bans active after the reloads, want %d", n, strikers*each)
	}
}
