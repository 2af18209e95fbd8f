package provisioning

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// WriteDevices gives memStore the store's semantics: targeted writes,
// locks as LockOpenDevice, last-seen only raised.
func (m *memStore) WriteDevices(ctx context.Context, ws []DeviceWrite) ([]DeviceWriteResult, error) {
	out := make([]DeviceWriteResult, len(ws))
	for i, w := range ws {
		if w.Lock {
			took, at, err := m.LockOpenDevice(ctx, w.MAC, w.LockAt)
			out[i] = DeviceWriteResult{Took: took, LockedAt: at, Err: err}
		}
		if !w.Seen.IsZero() {
			m.mu.Lock()
			if d, ok := m.devices[w.MAC]; ok && w.Seen.After(d.LastSeen) {
				d.LastSeen = w.Seen
				m.devices[w.MAC] = d
			}
			m.mu.Unlock()
		}
	}
	return out, nil
}

// batchStore counts WriteDevices transactions and can hold or fail them.
type batchStore struct {
	*memStore
	mu    sync.Mutex
	locks []int // locks per transaction that carried any
	fail  error
	// before, when set, runs once before the first transaction that
	// carries a lock, with its number of locks: a test holds it there.
	before func(locks int)
}

func (b *batchStore) WriteDevices(ctx context.Context, ws []DeviceWrite) ([]DeviceWriteResult, error) {
	n := 0
	for _, w := range ws {
		if w.Lock {
			n++
		}
	}
	b.mu.Lock()
	gate, fail := b.before, b.fail
	if n > 0 {
		b.before = nil
		b.locks = append(b.locks, n)
	}
	b.mu.Unlock()
	if gate != nil && n > 0 {
		gate(n)
	}
	if fail != nil {
		return nil, fail
	}
	return b.memStore.WriteDevices(ctx, ws)
}

func (b *batchStore) lockTxns() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]int(nil), b.locks...)
}

// phones adds n open Yealink devices, each holding a lease, and returns
// the request each one's first full-config fetch makes.
func phones(t *testing.T, s *Service, n int) []FetchRequest {
	t.Helper()
	ctx := t.Context()
	if _, err := s.AddAccount(ctx, Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		t.Fatal(err)
	}
	var rs []FetchRequest
	for i := range n {
		m := MAC{0x80, 0x5e, 0xc0, 0, byte(i >> 8), byte(i)}
		d, err := s.AddDevice(ctx, Device{MAC: m, Account: "office", Vendor: "yealink", Model: "T46U",
			Lines: []Line{{Extension: fmt.Sprint(200 + i), Password: password}}})
		if err != nil {
			t.Fatal(err)
		}
		ip := netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)})
		if err := s.CommitLease(ctx, Lease{IP: ip, MAC: m, Expires: s.now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		hex := strings.ReplaceAll(m.String(), ":", "")
		rs = append(rs, FetchRequest{Proto: ProtoHTTP, Path: s.View(d).TFTPPath + hex + ".cfg", RemoteIP: ip,
			UserAgent: "Yealink SIP-T46U 108.86.0.20 " + m.String()})
	}
	return rs
}

func lockEvents(t *testing.T, s *Service) map[MAC]int {
	t.Helper()
	s.events.flush()
	es, err := s.Events(t.Context(), EventFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[MAC]int{}
	for _, e := range es {
		if e.Outcome == "locked" {
			out[e.MAC]++
		}
	}
	return out
}

// TestFirstFetchLocksShareTransactions: many phones fetch their first full
// config at once; every one is served, every device ends up locked with
// exactly one lock event, and the locks went to the store in two
// transactions (the first, then all those queued behind it). The first
// transaction waits until the others are queued, so the count does not
// depend on the scheduler.
func TestFirstFetchLocksShareTransactions(t *testing.T) {
	const n = 64
	st := &batchStore{memStore: newMemStore()}
	var s *Service
	st.before = func(first int) {
		for deadline := time.Now().Add(10 * time.Second); first+s.DeviceWriteStats().Queued < n && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	s = newTestService(t, st, Config{BaseURL: "http://192.0.2.1", Checks: DefaultChecks(true),
		Neighbours: func(netip.Addr) (MAC, bool) { return MAC{}, false }})
	rs := phones(t, s, n)
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Go(func() {
			if got := s.Fetch(context.Background(), r); !got.Found || !strings.Contains(string(got.Body), password) {
				t.Errorf("%s: first full config refused", r.UserAgent)
			}
		})
	}
	wg.Wait()
	locks := lockEvents(t, s)
	for _, d := range s.Devices() {
		if d.LockedAt.IsZero() || !d.OpenUntil.IsZero() {
			t.Errorf("device %s not locked in memory: %+v", d.MAC, d)
		}
		st.memStore.mu.Lock()
		stored := st.devices[d.MAC]
		st.memStore.mu.Unlock()
		if stored.LockedAt.IsZero() || !stored.OpenUntil.IsZero() {
			t.Errorf("device %s not locked in the store", d.MAC)
		}
		if locks[d.MAC] != 1 {
			t.Errorf("device %s: %d lock events, want 1", d.MAC, locks[d.MAC])
		}
	}
	txns := st.lockTxns()
	if len(txns) != 2 || txns[0]+txns[1] != n {
		t.Fatalf("locks per transaction %v, want two transactions holding %d: no group commit", txns, n)
	}
	t.Logf("%d first locks in transactions of %v; stats %+v", n, txns, s.DeviceWriteStats())
}

// TestFirstFetchLockFailureRefuses: a lock that cannot be stored refuses
// the full config (fail closed, as before batching) and leaves the device
// open, in memory too.
func TestFirstFetchLockFailureRefuses(t *testing.T) {
	st := &batchStore{memStore: newMemStore(), fail: errors.New("disk full")}
	s := newTestService(t, st, Config{BaseURL: "http://192.0.2.1", Checks: DefaultChecks(true),
		Neighbours: func(netip.Addr) (MAC, bool) { return MAC{}, false }})
	r := phones(t, s, 1)[0]
	if got := s.Fetch(t.Context(), r); got.Found {
		t.Fatal("a full config was answered although its lock failed")
	}
	d := s.Devices()[0]
	if !d.LockedAt.IsZero() || !d.Open(s.now()) {
		t.Fatalf("device %+v: want it still open", d)
	}
	if n := lockEvents(t, s)[d.MAC]; n != 0 {
		t.Fatalf("%d lock events for a lock that failed", n)
	}
}

// TestLastSeenNotWaitedForAndKept: serving records last seen through the
// device writer; an admin edit after it keeps it, and it keeps the edit.
func TestLastSeenNotWaitedForAndKept(t *testing.T) {
	f := newFixture(t, nil)
	if r := f.get("/805ec0112233.cfg", nil); !r.Found {
		t.Fatal("bootstrap refused")
	}
	// The answer did not wait for it: the batch follows.
	d, _ := f.s.Device(phoneMAC)
	for deadline := time.Now().Add(10 * time.Second); d.LastSeen.IsZero() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		d, _ = f.s.Device(phoneMAC)
	}
	if !d.LastSeen.Equal(f.clk.Now().UTC()) {
		t.Fatalf("last seen %v, want %v", d.LastSeen, f.clk.Now())
	}
	model := "T54W"
	if _, err := f.s.EditDevice(t.Context(), phoneMAC, DeviceChange{Model: &model}); err != nil {
		t.Fatal(err)
	}
	st := f.s.st.(*memStore)
	st.mu.Lock()
	stored := st.devices[phoneMAC]
	st.mu.Unlock()
	if stored.Model != model || !stored.LastSeen.Equal(d.LastSeen) || !stored.Open(f.clk.Now()) {
		t.Fatalf("stored device %+v: want model %s, last seen %v, still open", stored, model, d.LastSeen)
	}
}
