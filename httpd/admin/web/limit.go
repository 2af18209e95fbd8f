package web

import (
	"maps"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// maxKeys bounds the limiter's memory; past it the keys whose last
// failure is oldest are forgotten first.
const maxKeys = 4096

// limiter slows down password guessing without ever locking the right
// password out for long. It counts failed logins per key: the source (an
// IPv4 address, all of loopback as one, an IPv6 /64), the account (every
// source together, so rotating addresses gains nothing) and a trusted
// browser (see trust.go). Past a key's free failures each further try
// must wait a delay that doubles per failure from one second up to
// maxDelay, counted from the last failure; a key quiet for a whole
// window is forgotten. So a guesser gets about one try per maxDelay, and
// the admin's right password works as soon as the delay has run out.
type limiter struct {
	mu       sync.Mutex
	window   time.Duration
	maxDelay time.Duration
	keys     map[string]*failures
}

// failures is one key's record.
type failures struct {
	n    int
	last time.Time
}

func newLimiter(window, maxDelay time.Duration) *limiter {
	return &limiter{window: window, maxDelay: maxDelay, keys: map[string]*failures{}}
}

// guard is one key with its number of free failures.
type guard struct {
	key  string
	free int
}

// sourceKey is what a source is: an IPv4 address, all of 127/8 as one
// (any local user can pick any of it), or an IPv6 /64 (one host's share
// of a LAN), so a host cannot dodge by changing address.
func sourceKey(ip netip.Addr) string {
	ip = ip.Unmap()
	bits := 32
	switch {
	case ip.Is4() && ip.IsLoopback():
		bits = 8
	case ip.Is6():
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return "src " + p.String()
}

// accountKey is the account's key: failures from every source.
func accountKey(user string) string { return "user " + user }

// wait is how long the caller must wait before it may try again: the
// longest wait of its guards (0: it may now).
func (l *limiter) wait(gs []guard, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var w time.Duration
	for _, g := range gs {
		w = max(w, l.waitOne(g, now))
	}
	return w
}

func (l *limiter) waitOne(g guard, now time.Time) time.Duration {
	f := l.recent(g.key, now)
	if f == nil || f.n < g.free {
		return 0
	}
	return max(0, f.last.Add(l.delay(f.n-g.free)).Sub(now))
}

// delay is the wait after k failures past the free ones: 1s, 2s, 4s, …
// up to maxDelay.
func (l *limiter) delay(k int) time.Duration {
	d := time.Second
	for range min(k, 30) {
		d *= 2
		if d >= l.maxDelay {
			return l.maxDelay
		}
	}
	return min(d, l.maxDelay)
}

// fail records a failed login against every guard and returns the
// failures each now holds.
func (l *limiter) fail(gs []guard, now time.Time) []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]int, len(gs))
	for i, g := range gs {
		f := l.recent(g.key, now)
		if f == nil {
			if len(l.keys) >= maxKeys {
				l.evict(now)
			}
			f = &failures{}
			l.keys[g.key] = f
		}
		f.n++
		f.last = now
		out[i] = f.n
	}
	return out
}

// recent returns key's record, forgetting it if it was quiet for a window.
func (l *limiter) recent(key string, now time.Time) *failures {
	f := l.keys[key]
	if f != nil && !now.Before(f.last.Add(l.window)) {
		delete(l.keys, key)
		return nil
	}
	return f
}

// evict forgets quiet keys and, if that is not enough, the quarter whose
// last failure is oldest: a flood from many addresses costs a sort every
// maxKeys/4 new keys, not a scan per request.
func (l *limiter) evict(now time.Time) {
	for key := range l.keys {
		l.recent(key, now)
	}
	if len(l.keys) < maxKeys {
		return
	}
	keys := slices.Collect(maps.Keys(l.keys))
	slices.SortFunc(keys, func(a, b string) int { return l.keys[a].last.Compare(l.keys[b].last) })
	for _, key := range keys[:maxKeys/4] {
		delete(l.keys, key)
	}
}
