package tftp

import (
	"container/list"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// limiter shares out transfer slots. A transfer nobody ACKs holds a
// goroutine and a socket through every retry (Timeout × Retries), and a
// UDP source is trivially forged, so:
//   - slots are bounded overall, per address and per IPv6 /64 (one
//     host's share of a LAN, so rotating addresses inside it gains
//     nothing);
//   - a share of the slots (reserved) is only for addresses bound to a
//     known device, so a flood from strangers cannot starve the phones;
//   - a transfer whose first block (or OACK) is not acknowledged within
//     firstACK gives its slot back when a request finds none free. It
//     keeps running until pin/tftp gives up on it, so it is then counted
//     as lingering, bounded by max as well: the goroutines and sockets
//     provbox holds never exceed twice max.
type limiter struct {
	mu         sync.Mutex
	lim        limits
	now        func() time.Time
	total      int // slots held, lingering transfers excluded
	strangers  int // of which by addresses not bound to a known device
	lingering  int // reclaimed transfers pin/tftp still runs
	perSource  map[netip.Addr]int
	perPrefix  map[netip.Prefix]int
	live       *list.List // *slot, oldest first
	warn       *warner
	refusedNow int // refusals since the last warning
}

// limits are the limiter's bounds; see Config.
type limits struct {
	max, perSource, perPrefix, reserved int
	firstACK                            time.Duration // <= 0: never reclaim
}

// slot is one transfer's hold on the limiter.
type slot struct {
	ip        netip.Addr
	prefix    netip.Prefix // the IPv6 /64; invalid for IPv4
	known     bool
	start     time.Time
	confirmed atomic.Bool // the client ACKed the first block or OACK
	elem      *list.Element
	reclaimed bool
}

// confirm records that the client acknowledges: its slot is no longer
// reclaimable.
func (s *slot) confirm() { s.confirmed.Store(true) }

func newLimiter(lim limits, log *slog.Logger) *limiter {
	return &limiter{lim: lim, now: time.Now, perSource: map[netip.Addr]int{}, perPrefix: map[netip.Prefix]int{},
		live: list.New(), warn: newWarner(log, 10*time.Second)}
}

// prefixOf is the /64 an IPv6 address belongs to, or the invalid prefix
// for IPv4.
func prefixOf(ip netip.Addr) netip.Prefix {
	if !ip.Is6() || ip.Is4In6() {
		return netip.Prefix{}
	}
	p, _ := ip.Prefix(64)
	return p
}

// acquire reserves a slot for ip; nil when no bound lets it in. known is
// asked only when the strangers' share is full, and outside the lock, as
// it may cost a lookup.
func (l *limiter) acquire(ip netip.Addr, known func(netip.Addr) bool) *slot {
	s := &slot{ip: ip, prefix: prefixOf(ip)}
	l.mu.Lock()
	defer l.mu.Unlock()
	s.start = l.now()
	asked, reclaimed := false, false
	for {
		switch l.verdict(s, asked) {
		case fits:
			l.take(s)
			return s
		case askKnown:
			l.mu.Unlock()
			s.known = known != nil && known(ip)
			l.mu.Lock()
			asked = true
			continue
		}
		if reclaimed || l.reclaim() == 0 {
			l.refused()
			return nil
		}
		reclaimed = true
	}
}

// verdicts of verdict.
const (
	fits     = iota
	full     // a bound is reached
	askKnown // only the strangers' share is full: is s a known device?
)

// verdict decides under l.mu whether s may take a slot now; asked tells
// whether s.known has been judged.
func (l *limiter) verdict(s *slot, asked bool) int {
	switch {
	case l.total >= l.lim.max || l.perSource[s.ip] >= l.lim.perSource:
		return full
	case s.prefix.IsValid() && l.perPrefix[s.prefix] >= l.lim.perPrefix:
		return full
	case l.strangers < l.lim.max-l.lim.reserved || s.known:
		return fits
	case !asked:
		return askKnown
	}
	return full
}

func (l *limiter) take(s *slot) {
	l.total++
	if !s.known {
		l.strangers++
	}
	l.perSource[s.ip]++
	if s.prefix.IsValid() {
		l.perPrefix[s.prefix]++
	}
	s.elem = l.live.PushBack(s)
}

// reclaim takes back the slots of transfers whose first block went
// unacknowledged for firstACK, as long as the lingering bound allows, and
// returns how many it took back.
func (l *limiter) reclaim() int {
	if l.lim.firstACK <= 0 {
		return 0
	}
	cutoff := l.now().Add(-l.lim.firstACK)
	n := 0
	for e := l.live.Front(); e != nil && l.lingering < l.lim.max; {
		s := e.Value.(*slot)
		if s.start.After(cutoff) {
			break // the rest are younger
		}
		next := e.Next()
		if !s.confirmed.Load() {
			l.drop(s)
			s.reclaimed = true
			l.lingering++
			n++
		}
		e = next
	}
	return n
}

// drop undoes take.
func (l *limiter) drop(s *slot) {
	l.live.Remove(s.elem)
	l.total--
	if !s.known {
		l.strangers--
	}
	if l.perSource[s.ip]--; l.perSource[s.ip] <= 0 {
		delete(l.perSource, s.ip)
	}
	if s.prefix.IsValid() {
		if l.perPrefix[s.prefix]--; l.perPrefix[s.prefix] <= 0 {
			delete(l.perPrefix, s.prefix)
		}
	}
}

// release frees the slot when its transfer ends.
func (l *limiter) release(s *slot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.reclaimed {
		l.lingering--
		return
	}
	l.drop(s)
}

// refused counts a refusal and warns, at most once per interval, with
// the state of the slots: exhaustion means a flood or too small a bound.
func (l *limiter) refused() {
	l.refusedNow++
	if l.warn.due(l.now()) {
		l.warn.log.Warn("tftp transfer slots exhausted: requests refused", "refused", l.refusedNow,
			"held", l.total, "by_strangers", l.strangers, "lingering", l.lingering,
			"max_transfers", l.lim.max, "reserved_for_devices", l.lim.reserved)
		l.refusedNow = 0
	}
}

// warner rate-limits one warning.
type warner struct {
	log   *slog.Logger
	every time.Duration
	last  time.Time
}

func newWarner(log *slog.Logger, every time.Duration) *warner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &warner{log: log, every: every}
}

// due reports whether a warning may go out now, and if so starts a new
// interval. The caller serialises calls.
func (w *warner) due(now time.Time) bool {
	if !w.last.IsZero() && now.Sub(w.last) < w.every {
		return false
	}
	w.last = now
	return true
}
