package provisioning

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// memStore is an in-memory Store for the core's own tests; the real
// SQLite store is tested in provisioning/store.
type memStore struct {
	mu        sync.Mutex
	accounts  map[string]Account
	devices   map[MAC]Device
	leases    map[netip.Addr]Lease
	bans      map[netip.Prefix]Ban
	events    []Event
	old       map[PathDigest]OldPath
	leaseTxns int // PutLeases calls, to observe group commit
	failPuts  error
	// beforePut, when set, runs once before the first PutLeases, outside
	// the lock, with the number of leases written: a test holds the first
	// write there.
	beforePut func(n int)
}

func newMemStore() *memStore {
	return &memStore{accounts: map[string]Account{}, devices: map[MAC]Device{},
		leases: map[netip.Addr]Lease{}, bans: map[netip.Prefix]Ban{}, old: map[PathDigest]OldPath{}}
}

func (m *memStore) Accounts(context.Context) ([]Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Account
	for _, a := range m.accounts {
		out = append(out, a)
	}
	return out, nil
}

func (m *memStore) CreateAccount(_ context.Context, a Account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.Name]; ok {
		return ErrExists
	}
	m.accounts[a.Name] = a
	return nil
}

func (m *memStore) UpdateAccount(_ context.Context, a Account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.Name]; !ok {
		return ErrNotFound
	}
	m.accounts[a.Name] = a
	return nil
}

func (m *memStore) Devices(context.Context) ([]Device, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Device
	for _, d := range m.devices {
		out = append(out, d)
	}
	return out, nil
}

func (m *memStore) CreateDevices(_ context.Context, ds []Device) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range ds {
		if _, ok := m.devices[d.MAC]; ok {
			return fmt.Errorf("device %s: %w", d.MAC, ErrExists)
		}
	}
	for _, d := range ds {
		m.devices[d.MAC] = d
	}
	return nil
}

func (m *memStore) UpdateDevice(_ context.Context, d Device) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.devices[d.MAC]; !ok {
		return ErrNotFound
	}
	m.devices[d.MAC] = d
	return nil
}

func (m *memStore) LockOpenDevice(_ context.Context, mac MAC, at time.Time) (bool, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.devices[mac]
	if !ok {
		return false, time.Time{}, ErrNotFound
	}
	if !d.Open(at) {
		return false, d.LockedAt, nil
	}
	d.LockedAt, d.OpenUntil = at, time.Time{}
	m.devices[mac] = d
	return true, at, nil
}

func (m *memStore) DeleteDevice(_ context.Context, mac MAC) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.devices[mac]; !ok {
		return ErrNotFound
	}
	delete(m.devices, mac)
	m.dropOld(mac)
	return nil
}

func (m *memStore) Rekey(_ context.Context, r Rekey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case r.Account != nil:
		if _, ok := m.accounts[r.Account.Name]; !ok {
			return ErrNotFound
		}
		m.accounts[r.Account.Name] = *r.Account
	case r.Device != nil:
		if _, ok := m.devices[r.Device.MAC]; !ok {
			return ErrNotFound
		}
		m.devices[r.Device.MAC] = *r.Device
	}
	maps.DeleteFunc(m.old, func(_ PathDigest, p OldPath) bool {
		owned := r.Device != nil && p.MAC == r.Device.MAC || r.Account != nil && m.devices[p.MAC].Account == r.Account.Name
		return p.Until.Before(r.Now) || r.DropPending && owned
	})
	for _, p := range r.Retire {
		m.old[p.Digest] = p
	}
	return nil
}

func (m *memStore) OldPaths(context.Context) ([]OldPath, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Collect(maps.Values(m.old)), nil
}

func (m *memStore) EndOldPaths(_ context.Context, mac MAC, end time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for dg, p := range m.old {
		if p.MAC == mac && p.Until.After(end) {
			p.Until = end
			m.old[dg] = p
		}
	}
	return nil
}

func (m *memStore) dropOld(mac MAC) {
	maps.DeleteFunc(m.old, func(_ PathDigest, p OldPath) bool { return p.MAC == mac })
}

func (m *memStore) Leases(context.Context) ([]Lease, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Lease
	for _, l := range m.leases {
		out = append(out, l)
	}
	return out, nil
}

func (m *memStore) PutLeases(_ context.Context, ls []Lease) error {
	m.mu.Lock()
	gate := m.beforePut
	m.beforePut = nil
	m.mu.Unlock()
	if gate != nil {
		gate(len(ls))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failPuts != nil {
		return m.failPuts
	}
	m.leaseTxns++
	for _, l := range ls {
		m.leases[l.IP] = l
	}
	return nil
}

func (m *memStore) DeleteLeases(_ context.Context, ips []netip.Addr) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ip := range ips {
		delete(m.leases, ip)
	}
	return nil
}

func (m *memStore) Bans(context.Context) ([]Ban, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Ban
	for _, b := range m.bans {
		out = append(out, b)
	}
	return out, nil
}

func (m *memStore) PutBan(_ context.Context, b Ban) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bans[b.Prefix] = b
	return nil
}

func (m *memStore) DeleteBan(_ context.Context, p netip.Prefix) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.bans, p)
	return nil
}

func (m *memStore) AddEvents(_ context.Context, es []Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range es {
		if e.Once != "" && slices.ContainsFunc(m.events, func(x Event) bool { return x.Once == e.Once }) {
			continue // as the store's events_once index
		}
		m.events = append(m.events, e)
	}
	return nil
}

func (m *memStore) Events(_ context.Context, f EventFilter) ([]Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Event
	for _, e := range slices.Backward(m.events) {
		end := e.Time // a line of repeats matches Since by its last request, as the store's
		if e.Count > 1 {
			end = e.Last
		}
		if (f.MAC.IsZero() || e.MAC == f.MAC) && !end.Before(f.Since) && (f.Limit == 0 || len(out) < f.Limit) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memStore) TrimEvents(context.Context, int, int) error { return nil }
func (m *memStore) Close() error                               { return nil }
