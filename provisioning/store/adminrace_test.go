package store_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// deafStore is a store whose node hears no other node's changes: its
// memory view stays as it was until the test resyncs it, which makes the
// notification lag between two nodes (milliseconds, but never zero) as
// long as the test needs. Every other store method is the real one.
type deafStore struct{ *store.Store }

func (deafStore) WatchChanges(context.Context, func(string)) {}

// deafNode is node with a deafStore.
func deafNode(t *testing.T, loc string, cfg provisioning.Config) *provisioning.Service {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := profile.New("")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := provisioning.New(ctx, cfg, deafStore{st}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); st.Close() })
	return svc
}

// adminRace is two nodes on one database: a, whose view of device
// lockMAC is stale, and b, which serves the phone.
type adminRace struct {
	t      *testing.T
	a, b   *provisioning.Service
	db     *store.Store // a third connection: what the database holds
	secret string
}

func newAdminRace(t *testing.T) *adminRace {
	ctx := context.Background()
	loc := store.NewTestLocation(t)
	neigh := func(ip netip.Addr) (provisioning.MAC, bool) { return lockMAC, ip == phoneIP }
	cfg := provisioning.Config{BaseURL: "http://192.0.2.1", Neighbours: neigh,
		Checks: provisioning.Checks{UserAgent: true, UAMAC: true, Neighbour: true}}
	r := &adminRace{t: t, a: deafNode(t, loc, cfg)}
	if _, err := r.a.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		t.Fatal(err)
	}
	d, err := r.a.AddDevice(ctx, provisioning.Device{MAC: lockMAC, Account: "office", Vendor: "yealink",
		Model: "T46U", Lines: []provisioning.Line{{Extension: "201", Password: lockPwd}}})
	if err != nil {
		t.Fatal(err)
	}
	r.secret = r.a.View(d).TFTPPath + "805ec0112233.cfg"
	r.b = node(t, loc, cfg)
	if r.db, err = store.OpenTestLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.db.Close() })
	return r
}

// stored is device lockMAC as the database holds it.
func (r *adminRace) stored() provisioning.Device {
	r.t.Helper()
	ds, err := r.db.Devices(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	for _, d := range ds {
		if d.MAC == lockMAC {
			return d
		}
	}
	r.t.Fatalf("device %s not in the database", lockMAC)
	return provisioning.Device{}
}

// fetchOnB is the phone's genuine fetch of its full config at node b,
// which locks the device when its window is open. It returns the lock
// time stored.
func (r *adminRace) fetchOnB() time.Time {
	r.t.Helper()
	f := r.b.Fetch(context.Background(), provisioning.FetchRequest{Proto: provisioning.ProtoHTTP,
		Path: r.secret, RemoteIP: phoneIP, UserAgent: lockUA})
	if !f.Found || !strings.Contains(string(f.Body), lockPwd) {
		r.t.Fatalf("node b refused the genuine fetch: %+v", f)
	}
	d := r.stored()
	if d.LockedAt.IsZero() || !d.OpenUntil.IsZero() {
		r.t.Fatalf("after the first fetch at b the database holds %+v, want it locked", d)
	}
	return d.LockedAt
}

// seenOnB records a last-seen time for the device as b's device writer
// does, and returns it.
func (r *adminRace) seenOnB() time.Time {
	r.t.Helper()
	at := time.Now().UTC()
	res, err := r.db.WriteDevices(context.Background(), []provisioning.DeviceWrite{{MAC: lockMAC, Seen: at}})
	if err != nil || res[0].Err != nil {
		r.t.Fatalf("recording last seen: %v %+v", err, res)
	}
	return r.stored().LastSeen
}

// aIsStale fails the test unless a still sees the device open, as a node
// does before the notification of b's lock arrives: otherwise the test
// would not test the race.
func (r *adminRace) aIsStale() {
	r.t.Helper()
	if d, err := r.a.Device(lockMAC); err != nil || !d.Open(time.Now()) {
		r.t.Fatalf("node a sees %+v (%v), want its stale open view", d, err)
	}
}

// resync brings both memory views up to date and returns them.
func (r *adminRace) resync() map[string]provisioning.Device {
	r.t.Helper()
	out := map[string]provisioning.Device{}
	for name, svc := range map[string]*provisioning.Service{"a": r.a, "b": r.b} {
		if err := svc.Resync(context.Background()); err != nil {
			r.t.Fatal(err)
		}
		d, err := svc.Device(lockMAC)
		if err != nil {
			r.t.Fatal(err)
		}
		out["memory of node "+name] = d
	}
	return out
}

// TestAdminEditKeepsOtherNodesLock: node b locks a device at the phone's
// first fetch and records when it was last seen; node a, which has not
// heard of either yet, edits the device's model and lines. The edit
// lands, and the lock and the last-seen time stay: in the database, in
// what the edit answered and, after a resync, in both nodes' memory.
// Writing a's stale row would reopen the locked device.
func TestAdminEditKeepsOtherNodesLock(t *testing.T) {
	r := newAdminRace(t)
	lockedAt := r.fetchOnB()
	seen := r.seenOnB()
	r.aIsStale()
	model := "T48U"
	got, err := r.a.EditDevice(context.Background(), lockMAC, provisioning.DeviceChange{Model: &model,
		Lines: []provisioning.Line{{Extension: "202", Password: "0ther-Pa55"}}})
	if err != nil {
		t.Fatal(err)
	}
	views := r.resync()
	views["database"], views["edit's answer"] = r.stored(), got
	for where, d := range views {
		if d.Model != model || len(d.Lines) != 1 || d.Lines[0].Extension != "202" {
			t.Errorf("%s: model %q, lines %+v: the edit is missing", where, d.Model, d.Lines)
		}
		if !d.LockedAt.Equal(lockedAt) || !d.OpenUntil.IsZero() {
			t.Errorf("%s: locked at %v, open until %v; want b's lock at %v kept", where, d.LockedAt, d.OpenUntil, lockedAt)
		}
		if !d.LastSeen.Equal(seen) {
			t.Errorf("%s: last seen %v, want b's %v kept", where, d.LastSeen, seen)
		}
	}
}

// TestAdminLockUnlockOnStaleNode: the admin's lock and unlock act on the
// device as the database holds it. Locking at a, which missed b's
// first-fetch lock, keeps b's lock time (a locked device stays locked
// since then); unlocking at a after b's lock opens it (the admin's intent
// wins); neither rolls back b's last-seen time.
func TestAdminLockUnlockOnStaleNode(t *testing.T) {
	ctx := context.Background()
	r := newAdminRace(t)
	lockedAt := r.fetchOnB()
	seen := r.seenOnB()
	r.aIsStale()
	if _, err := r.a.LockDevice(ctx, lockMAC); err != nil {
		t.Fatal(err)
	}
	views := r.resync()
	views["database"] = r.stored()
	for where, d := range views {
		if !d.LockedAt.Equal(lockedAt) || !d.OpenUntil.IsZero() || !d.LastSeen.Equal(seen) {
			t.Errorf("%s after a's lock: locked at %v, open until %v, last seen %v; want b's lock at %v and last seen %v",
				where, d.LockedAt, d.OpenUntil, d.LastSeen, lockedAt, seen)
		}
	}

	// Open it at a (both nodes learn), let b lock it again while a does
	// not hear, then unlock at a.
	if _, err := r.a.UnlockDevice(ctx, lockMAC, time.Hour); err != nil {
		t.Fatal(err)
	}
	r.resync()
	r.fetchOnB()
	seen = r.seenOnB()
	r.aIsStale()
	before := time.Now()
	if _, err := r.a.UnlockDevice(ctx, lockMAC, time.Hour); err != nil {
		t.Fatal(err)
	}
	views = r.resync()
	views["database"] = r.stored()
	for where, d := range views {
		if !d.Open(before) || !d.LockedAt.IsZero() || d.OpenUntil.Before(before.Add(time.Hour)) {
			t.Errorf("%s after a's unlock: locked at %v, open until %v; want it open for the hour", where, d.LockedAt, d.OpenUntil)
		}
		if !d.LastSeen.Equal(seen) {
			t.Errorf("%s after a's unlock: last seen %v, want b's %v kept", where, d.LastSeen, seen)
		}
	}
}
