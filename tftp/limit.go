package tftp

import (
	"net/netip"
	"sync"
)

// limiter bounds transfers in flight, overall and per source address: a
// transfer nobody ACKs holds a goroutine and a socket through every
// retry, so without a bound one host (or forged sources) could pile up
// thousands. Its map holds only sources with a transfer running, so it
// is bounded by the overall limit.
type limiter struct {
	mu        sync.Mutex
	max, per  int
	total     int
	perSource map[netip.Addr]int
}

func newLimiter(max, per int) *limiter {
	return &limiter{max: max, per: per, perSource: map[netip.Addr]int{}}
}

// acquire reserves a transfer slot for ip; false when either bound is
// reached.
func (l *limiter) acquire(ip netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= l.max || l.perSource[ip] >= l.per {
		return false
	}
	l.total++
	l.perSource[ip]++
	return true
}

// release frees a slot taken by acquire.
func (l *limiter) release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.perSource[ip]--; l.perSource[ip] <= 0 {
		delete(l.perSource, ip)
	}
}
