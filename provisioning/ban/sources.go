package ban

import (
	"net/netip"
	"slices"
	"time"
)

// DefaultMaxSources caps the strike table.
const DefaultMaxSources = 65536

// maxHits bounds the strikes remembered per source whatever MaxRetry is;
// beyond it the two oldest are merged (see source.addHit).
const maxHits = 64

// sourceTable holds the recent strikes of each source, capped at max
// sources; when full, the source struck least recently is forgotten (an
// attacker rotating addresses only pushes out its own stale entries and
// those of sources no longer striking).
type sourceTable struct {
	max        int
	m          map[netip.Prefix]*source
	head, tail *source // most and least recently struck
}

// source is one source's strikes and distinct MACs within FindTime.
type source struct {
	key        netip.Prefix
	hits       []hit
	macs       []macSeen
	prev, next *source
}

type hit struct {
	at     int64 // unix nanoseconds
	w      int
	forged bool // a forgeable strike
}

type macSeen struct {
	at  int64
	mac [6]byte
}

func newSourceTable(max int) sourceTable {
	if max <= 0 {
		max = DefaultMaxSources
	}
	return sourceTable{max: max, m: make(map[netip.Prefix]*source)}
}

func (t *sourceTable) len() int { return len(t.m) }

// touch returns k's entry, created if need be, as the most recently struck.
func (t *sourceTable) touch(k netip.Prefix) *source {
	s := t.m[k]
	if s == nil {
		if len(t.m) >= t.max {
			t.remove(t.tail.key)
		}
		s = &source{key: k}
		t.m[k] = s
	} else {
		t.unlink(s)
	}
	s.next, s.prev = t.head, nil
	if t.head != nil {
		t.head.prev = s
	}
	t.head = s
	if t.tail == nil {
		t.tail = s
	}
	return s
}

// remove forgets k's strikes.
func (t *sourceTable) remove(k netip.Prefix) {
	if s := t.m[k]; s != nil {
		t.unlink(s)
		delete(t.m, k)
	}
}

func (t *sourceTable) unlink(s *source) {
	if s.prev != nil {
		s.prev.next = s.next
	} else {
		t.head = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	} else {
		t.tail = s.prev
	}
	s.prev, s.next = nil, nil
}

// verdict is what one more strike makes of a source.
type verdict struct {
	strikes   int  // weighted strikes within FindTime that count, this one included
	macs      int  // distinct MACs asked for within FindTime
	scan      bool // more than ScanMACs distinct MACs
	ban       bool
	forgeable bool // forgeable strikes are among those counted
}

// add records a strike at now and says whether the source is now banned.
func (s *source) add(st Strike, now time.Time, c *Config) verdict {
	at, cut := now.UnixNano(), now.Add(-c.FindTime).UnixNano()
	s.hits = slices.DeleteFunc(s.hits, func(h hit) bool { return h.at <= cut })
	s.addHit(hit{at: at, w: max(st.Weight, 1), forged: st.Forgeable})
	v := verdict{}
	for _, h := range s.hits {
		if h.forged && st.Holder {
			continue
		}
		v.strikes += h.w
		v.forgeable = v.forgeable || h.forged
	}
	// A MAC anywhere in the request counts (the file name's and the
	// User-Agent's); a forgeable strike's MACs do not: a forger must not
	// get a source banned at ScanMACs instead of MaxRetry.
	if c.ScanMACs > 0 && !st.Forgeable && (st.MAC != ([6]byte{}) || st.UAMAC != ([6]byte{})) {
		s.macs = slices.DeleteFunc(s.macs, func(m macSeen) bool { return m.at <= cut })
		for _, m := range [2][6]byte{st.MAC, st.UAMAC} {
			if m != ([6]byte{}) {
				s.addMAC(m, at)
			}
		}
		v.macs = len(s.macs)
		v.scan = v.macs > int(c.ScanMACs)
	}
	v.ban = v.strikes >= c.MaxRetry || v.scan
	return v
}

// addHit appends h, merging the two oldest strikes when the list is full;
// the merged strike keeps the later time, so merging never lets a strike
// leave the window early.
func (s *source) addHit(h hit) {
	if len(s.hits) >= maxHits {
		s.hits[1].w += s.hits[0].w
		s.hits[1].at = max(s.hits[0].at, s.hits[1].at)
		s.hits[1].forged = s.hits[0].forged || s.hits[1].forged
		s.hits = append(s.hits[:0], s.hits[1:]...)
	}
	s.hits = append(s.hits, h)
}

// addMAC notes mac as asked for at at, dropping the oldest when full.
func (s *source) addMAC(mac [6]byte, at int64) {
	for i := range s.macs {
		if s.macs[i].mac == mac {
			s.macs[i].at = at
			return
		}
	}
	if len(s.macs) >= maxMACs {
		s.macs = append(s.macs[:0], s.macs[1:]...)
	}
	s.macs = append(s.macs, macSeen{at: at, mac: mac})
}
