package web

import (
	"maps"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// maxSources bounds the limiter's memory; past it the sources whose last
// failure is oldest are forgotten first.
const maxSources = 4096

// limiter counts failed logins per source in a sliding window.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[netip.Prefix][]time.Time // oldest first, all within window
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, fails: map[netip.Prefix][]time.Time{}}
}

// source is what is limited: an IPv4 address, or an IPv6 /64 (one
// host's share of a LAN), so a host cannot dodge by changing address.
func source(ip netip.Addr) netip.Prefix {
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}

// wait is how long ip must wait before it may try again (0: it may now).
func (l *limiter) wait(ip netip.Addr, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(source(ip), now)
	if len(ts) < l.max {
		return 0
	}
	return ts[len(ts)-l.max].Add(l.window).Sub(now)
}

// fail records a failed login and returns the failures in the window.
func (l *limiter) fail(ip netip.Addr, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	src := source(ip)
	ts := l.recent(src, now)
	if ts == nil && len(l.fails) >= maxSources {
		l.evict(now)
	}
	ts = append(ts, now)
	if len(ts) > l.max {
		ts = ts[len(ts)-l.max:] // older ones no longer matter
	}
	l.fails[src] = ts
	return len(ts)
}

// recent drops src's failures that left the window and returns the rest.
func (l *limiter) recent(src netip.Prefix, now time.Time) []time.Time {
	ts := l.fails[src]
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-l.window)) {
		i++
	}
	if i == len(ts) {
		delete(l.fails, src)
		return nil
	}
	ts = ts[i:]
	l.fails[src] = ts
	return ts
}

// evict forgets expired sources and, if that is not enough, the quarter
// of them whose last failure is oldest: a flood from many addresses
// costs a sort every maxSources/4 new sources, not a scan per request.
func (l *limiter) evict(now time.Time) {
	for src := range l.fails {
		l.recent(src, now)
	}
	if len(l.fails) < maxSources {
		return
	}
	srcs := slices.Collect(maps.Keys(l.fails))
	last := func(p netip.Prefix) time.Time { ts := l.fails[p]; return ts[len(ts)-1] }
	slices.SortFunc(srcs, func(a, b netip.Prefix) int { return last(a).Compare(last(b)) })
	for _, src := range srcs[:maxSources/4] {
		delete(l.fails, src)
	}
}
