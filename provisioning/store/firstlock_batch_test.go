package store_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// lockCountingStore counts the device-write transactions that carry
// first-fetch locks and can hold the first of them.
type lockCountingStore struct {
	*store.Store
	mu     sync.Mutex
	locks  []int // locks per transaction
	before func(locks int)
}

func (c *lockCountingStore) WriteDevices(ctx context.Context, ws []provisioning.DeviceWrite) ([]provisioning.DeviceWriteResult, error) {
	n := 0
	for _, w := range ws {
		if w.Lock {
			n++
		}
	}
	c.mu.Lock()
	gate := c.before
	if n > 0 {
		c.before = nil
		c.locks = append(c.locks, n)
	}
	c.mu.Unlock()
	if gate != nil && n > 0 {
		gate(n)
	}
	return c.Store.WriteDevices(ctx, ws)
}

// stormPhone is the i-th phone of a storm: a Yealink MAC and the address
// the neighbour table maps to it.
func stormPhone(i int) (provisioning.MAC, netip.Addr) {
	b := [3]byte{byte(i >> 16), byte(i >> 8), byte(i)}
	return provisioning.MAC{0x80, 0x5e, 0xc0, b[0], b[1], b[2]}, netip.AddrFrom4([4]byte{10, b[0], b[1], b[2]})
}

// stormNeighbours is the LAN's neighbour table for every storm phone.
func stormNeighbours(ip netip.Addr) (provisioning.MAC, bool) {
	a := ip.As4()
	if a[0] != 10 {
		return provisioning.MAC{}, false
	}
	m, _ := stormPhone(int(a[1])<<16 | int(a[2])<<8 | int(a[3]))
	return m, true
}

// stormCore runs a core on st with every phone check a storm phone passes.
func stormCore(t testing.TB, st provisioning.Store) *provisioning.Service {
	t.Helper()
	reg, err := profile.New("")
	if err != nil {
		t.Fatal(err)
	}
	cfg := provisioning.Config{BaseURL: "http://192.0.2.1", Neighbours: stormNeighbours,
		Checks: provisioning.Checks{UserAgent: true, UAMAC: true, Neighbour: true}}
	svc, err := provisioning.New(context.Background(), cfg, st, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddAccount(context.Background(), provisioning.Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		t.Fatal(err)
	}
	return svc
}

// importPhones adds phones from..to-1 in one import and returns each
// one's first full-config request.
func importPhones(t testing.TB, svc *provisioning.Service, from, to int) []provisioning.FetchRequest {
	t.Helper()
	var ds []provisioning.Device
	for i := from; i < to; i++ {
		m, _ := stormPhone(i)
		ds = append(ds, provisioning.Device{MAC: m, Account: "office", Vendor: "yealink", Model: "T46U",
			Lines: []provisioning.Line{{Extension: fmt.Sprint(1000 + i), Password: lockPwd}}})
	}
	out, err := svc.ImportDevices(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	rs := make([]provisioning.FetchRequest, len(out))
	for i, d := range out {
		_, ip := stormPhone(from + i)
		rs[i] = provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, RemoteIP: ip,
			Path:      svc.View(d).TFTPPath + strings.ReplaceAll(d.MAC.String(), ":", "") + ".cfg",
			UserAgent: "Yealink SIP-T46U 108.86.0.20 " + d.MAC.String()}
	}
	return rs
}

// fetchAll makes every request at once and counts the full configs.
func fetchAll(svc *provisioning.Service, rs []provisioning.FetchRequest) int {
	var mu sync.Mutex
	served := 0
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Go(func() {
			if got := svc.Fetch(context.Background(), r); got.Found && strings.Contains(string(got.Body), lockPwd) {
				mu.Lock()
				served++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return served
}

// TestFirstFetchStormLocksInBatches: many phones fetch their first full
// config at once on a real database (SQLite, then PostgreSQL): all are
// served, every device is durably locked with exactly one lock event, and
// the locks took two transactions (the first, held until every other is
// queued, then the rest), not one each.
func TestFirstFetchStormLocksInBatches(t *testing.T) {
	const n = 200
	ctx := context.Background()
	loc := store.NewTestLocation(t)
	s, err := store.OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	st := &lockCountingStore{Store: s}
	svc := stormCore(t, st)
	defer func() { svc.Close(); s.Close() }()
	rs := importPhones(t, svc, 0, n)
	st.before = func(first int) {
		for deadline := time.Now().Add(10 * time.Second); first+svc.DeviceWriteStats().Queued < n && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	if served := fetchAll(svc, rs); served != n {
		t.Fatalf("%d of %d first full configs served", served, n)
	}
	svc.Close() // flushes the audit trail
	es, err := s.Events(ctx, provisioning.EventFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	locks := map[provisioning.MAC]int{}
	for _, e := range es {
		if e.Outcome == "locked" {
			locks[e.MAC]++
		}
	}
	ds, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.LockedAt.IsZero() || !d.OpenUntil.IsZero() || locks[d.MAC] != 1 {
			t.Errorf("device %s: locked_at %v open_until %v, %d lock events; want locked, one event", d.MAC, d.LockedAt, d.OpenUntil, locks[d.MAC])
		}
	}
	st.mu.Lock()
	txns := st.locks
	st.mu.Unlock()
	if len(txns) != 2 || txns[0]+txns[1] != n {
		t.Fatalf("locks per transaction %v, want two transactions holding %d", txns, n)
	}
	t.Logf("%d first locks in transactions of %v", n, txns)
}

// BenchmarkConcurrentFirstLocks: n phones at once fetch their first full
// config, each locking its device (one iteration = one such burst of
// freshly imported devices). locks/s is the burst's throughput; txns/op
// how many device-write transactions a burst cost.
func BenchmarkConcurrentFirstLocks(b *testing.B) {
	for _, n := range []int{64, 256} {
		b.Run(fmt.Sprintf("phones=%d", n), func(b *testing.B) {
			ctx := context.Background()
			s, err := store.OpenTestLocation(ctx, store.NewTestLocation(b))
			if err != nil {
				b.Fatal(err)
			}
			svc := stormCore(b, s)
			defer func() { svc.Close(); s.Close() }()
			start := svc.DeviceWriteStats().Batches
			var burst time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				rs := importPhones(b, svc, i*n, (i+1)*n)
				b.StartTimer()
				t0 := time.Now()
				if served := fetchAll(svc, rs); served != n {
					b.Fatalf("%d of %d served", served, n)
				}
				burst += time.Since(t0)
			}
			iters := float64(max(b.N, 1))
			b.ReportMetric(iters*float64(n)/burst.Seconds(), "locks/s")
			b.ReportMetric(float64(svc.DeviceWriteStats().Batches-start)/iters, "txns/op")
		})
	}
}

// TestFirstFetchLockOutlivesRequester: a phone whose request context ended
// while its lock waited (its timeout fired) no longer loses the lock to
// "context canceled": the core completes what it decided, on a real
// database, and the device is locked with its one lock event.
func TestFirstFetchLockOutlivesRequester(t *testing.T) {
	ctx := context.Background()
	s, err := store.OpenTestLocation(ctx, store.NewTestLocation(t))
	if err != nil {
		t.Fatal(err)
	}
	svc := stormCore(t, s)
	defer func() { svc.Close(); s.Close() }()
	r := importPhones(t, svc, 0, 1)[0]
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if got := svc.Fetch(gone, r); !got.Found {
		t.Error("the full config was refused")
	}
	svc.Close() // flushes the audit trail
	ds, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := ds[0]; d.LockedAt.IsZero() || !d.OpenUntil.IsZero() {
		t.Fatalf("device %s: locked_at %v open_until %v, want locked", d.MAC, d.LockedAt, d.OpenUntil)
	}
	es, err := s.Events(ctx, provisioning.EventFilter{Outcome: "locked", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 {
		t.Fatalf("%d lock events, want 1", len(es))
	}
}

// TestAdminEditsRaceFirstLocks: an admin edits devices while their phones
// fetch their first full configs and see their bootstrap (last-seen
// writes): neither side undoes the other, in the database or in memory.
// Every device ends up locked, seen, and with the admin's model.
func TestAdminEditsRaceFirstLocks(t *testing.T) {
	const n = 48
	ctx := context.Background()
	s, err := store.OpenTestLocation(ctx, store.NewTestLocation(t))
	if err != nil {
		t.Fatal(err)
	}
	svc := stormCore(t, s)
	defer func() { svc.Close(); s.Close() }()
	rs := importPhones(t, svc, 0, n)
	model := "edited"
	var wg sync.WaitGroup
	for i, r := range rs {
		m, _ := stormPhone(i)
		wg.Go(func() {
			boot := r
			boot.Path = "/" + strings.ReplaceAll(m.String(), ":", "") + ".cfg"
			svc.Fetch(ctx, boot) // last seen
			if got := svc.Fetch(ctx, r); !got.Found {
				t.Errorf("%s: first full config refused", m)
			}
		})
		wg.Go(func() {
			if _, err := svc.EditDevice(ctx, m, provisioning.DeviceChange{Model: &model}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	svc.Close() // writes the last-seen times still queued
	ds, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mem := map[provisioning.MAC]provisioning.Device{}
	for _, d := range svc.Devices() {
		mem[d.MAC] = d
	}
	for _, d := range ds {
		for where, d := range map[string]provisioning.Device{"stored": d, "in memory": mem[d.MAC]} {
			if d.Model != model || d.LockedAt.IsZero() || !d.OpenUntil.IsZero() || d.LastSeen.IsZero() {
				t.Errorf("%s device %s: model %q locked_at %v open_until %v last_seen %v; want edited, locked, seen",
					where, d.MAC, d.Model, d.LockedAt, d.OpenUntil, d.LastSeen)
			}
		}
	}
}
