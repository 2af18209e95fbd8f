package httpd

import (
	"context"
	"net/netip"
	"sync"

	"github.com/provbox/provbox/provisioning"
)

// fakeCore serves fixed files by exact path and records what it was asked.
type fakeCore struct {
	mu     sync.Mutex
	files  map[string]provisioning.FetchReply
	banned map[netip.Addr]bool
	reqs   []provisioning.FetchRequest
	bans   int // Banned calls
	known  map[netip.Addr]bool

	// When hold is non-nil, Fetch reports on entered and waits for hold
	// to close (or its context to end): a slow in-flight request.
	entered chan struct{}
	hold    chan struct{}
}

func newFakeCore() *fakeCore {
	return &fakeCore{files: map[string]provisioning.FetchReply{}, banned: map[netip.Addr]bool{}, known: map[netip.Addr]bool{}}
}

func (f *fakeCore) KnownAddress(ip netip.Addr) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.known[ip]
}

func (f *fakeCore) Fetch(ctx context.Context, r provisioning.FetchRequest) provisioning.FetchReply {
	f.mu.Lock()
	f.reqs = append(f.reqs, r)
	resp, hold, entered := f.files[r.Path], f.hold, f.entered
	f.mu.Unlock()
	if hold != nil {
		entered <- struct{}{}
		select {
		case <-hold:
		case <-ctx.Done():
			return provisioning.FetchReply{}
		}
	}
	return resp
}

func (f *fakeCore) Banned(ip netip.Addr) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bans++
	return f.banned[ip]
}

func (f *fakeCore) requests() []provisioning.FetchRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]provisioning.FetchRequest(nil), f.reqs...)
}

func (f *fakeCore) setBanned(ip netip.Addr, b bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.banned[ip] = b
}
