package ban

import (
	"context"
	"maps"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// memPersister is a fake store.
type memPersister struct {
	mu   sync.Mutex
	recs map[netip.Prefix]Record
	puts int
	dels int
}

func newMemPersister() *memPersister { return &memPersister{recs: map[netip.Prefix]Record{}} }

func (m *memPersister) PutBan(_ context.Context, r Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs[r.Prefix] = r
	m.puts++
	return nil
}

func (m *memPersister) DeleteBan(_ context.Context, p netip.Prefix) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.recs, p)
	m.dels++
	return nil
}

func (m *memPersister) all() []Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.SortedFunc(maps.Values(m.recs), byAddr)
}

// recorder collects the engine's notifications.
type recorder struct {
	mu sync.Mutex
	cs []Change
}

func (r *recorder) notify(c Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cs = append(r.cs, c)
}

func (r *recorder) take() []Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	cs := r.cs
	r.cs = nil
	return cs
}

// rig is an engine with a fake store, a recorder and no jitter.
type rig struct {
	e   *Engine
	st  *memPersister
	rec *recorder
}

func newRig(t *testing.T, cfg Config, restored ...Record) rig {
	t.Helper()
	r := rig{st: newMemPersister(), rec: &recorder{}}
	r.e, _ = New(cfg, Options{Store: r.st, Notify: r.rec.notify, Rand: func() float64 { return 0 }}, restored, t0)
	return r
}

// strikes strikes ip n times at now with weight 1 and no MAC, and
// returns whether the last strike banned it.
func (r rig) strikes(t *testing.T, ip string, n int, now time.Time) bool {
	t.Helper()
	var banned bool
	for range n {
		var err error
		banned, err = r.e.Strike(context.Background(), netip.MustParseAddr(ip), Strike{Reason: "unknown-mac", Weight: 1}, now)
		if err != nil {
			t.Fatalf("Strike: %v", err)
		}
	}
	return banned
}

func (r rig) banned(ip string, now time.Time) bool {
	return r.e.Banned(netip.MustParseAddr(ip), now)
}

func mac(i int) [6]byte { return [6]byte{0x80, 0x5e, 0xc0, byte(i >> 16), byte(i >> 8), byte(i)} }
