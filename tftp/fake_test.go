package tftp

import (
	"context"
	"net/netip"
	"sync"

	"github.com/provbox/provbox/provisioning"
)

// fakeCore serves fixed files by the exact name sent and records requests.
type fakeCore struct {
	mu     sync.Mutex
	files  map[string][]byte
	banned map[netip.Addr]bool
	known  map[netip.Addr]bool // addresses bound to a known device
	reqs   []provisioning.FetchRequest
	// waitDeadline makes Fetch return only once its context is done.
	waitDeadline bool
	// stack is how many bytes of stack Fetch uses, as the real core's
	// call chain does (benchmarks).
	stack int
}

func newFakeCore() *fakeCore {
	return &fakeCore{files: map[string][]byte{}, banned: map[netip.Addr]bool{}, known: map[netip.Addr]bool{}}
}

func (f *fakeCore) Fetch(ctx context.Context, r provisioning.FetchRequest) provisioning.FetchReply {
	f.mu.Lock()
	f.reqs = append(f.reqs, r)
	body, ok := f.files[r.Path]
	wait := f.waitDeadline
	f.mu.Unlock()
	if f.stack > 0 {
		useStack(f.stack)
	}
	if wait {
		<-ctx.Done()
	}
	if !ok {
		return provisioning.FetchReply{}
	}
	return provisioning.FetchReply{Found: true, Body: body, ContentType: "text/plain"}
}

func (f *fakeCore) Banned(ip netip.Addr) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.banned[ip]
}

func (f *fakeCore) KnownAddress(ip netip.Addr) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.known[ip]
}

func (f *fakeCore) requests() []provisioning.FetchRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]provisioning.FetchRequest(nil), f.reqs...)
}

func (f *fakeCore) set(fn func(f *fakeCore)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// useStack uses about n bytes of stack.
//
//go:noinline
func useStack(n int) byte {
	var b [1024]byte
	b[n%len(b)] = byte(n)
	if n <= len(b) {
		return b[0]
	}
	return useStack(n-len(b)) + b[n%len(b)]
}
