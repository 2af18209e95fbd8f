package ban

import (
	"cmp"
	"context"
	"errors"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Errors the admin methods report.
var (
	ErrNotBanned = errors.New("not banned")
	ErrExempt    = errors.New("address is never banned (own address or ignored network)")
)

// Strike is one refusal reported against a source.
type Strike struct {
	Reason string
	Weight int     // below 1 counts as 1
	MAC    [6]byte // the MAC asked for, zero if none
	UAMAC  [6]byte // a MAC the request's User-Agent carried, zero if none
	// Forgeable marks a strike whose source address may be forged (a UDP
	// datagram): it feeds no scan detection, and a ban it helps to issue
	// is marked Forgeable.
	Forgeable bool
	// Holder says the source holds a known device right now: its
	// forgeable strikes, this one and earlier ones, do not count, so
	// datagrams forged "from" a phone never add up to its ban.
	Holder bool
}

// Record is a ban of a source, current or past (history for escalation).
type Record struct {
	Prefix  netip.Prefix
	Reason  string
	Strikes int // weighted strikes that led to it (0 for an admin's ban)
	Count   int // this is the source's Count-th ban
	Since   time.Time
	Until   time.Time
	// Forgeable: forgeable strikes helped to issue it, so the source may
	// have been framed by forged datagrams.
	Forgeable bool
}

// Admin reports whether an admin issued the ban (no strikes led to it).
func (r Record) Admin() bool { return r.Strikes == 0 }

// ReasonExpired is a Change's Reason when a ban ran out.
const ReasonExpired = "expired"

// Change is a ban issued or lifted, for the audit trail and the log.
type Change struct {
	Banned bool // true: issued; false: lifted
	At     time.Time
	Record Record
	Reason string // why: the ban's reason, or expired, admin, ignored, evicted
	// Remote: another node sharing the store made the change (Reload), or
	// it is the expiry of a ban another node issued. That node has put a
	// change it made in the shared audit trail already; the expiry it may
	// not have (it may be gone): the core audits every expiry under one
	// key per ban.
	Remote bool
}

// Persister stores ban records. DeleteBan of an absent prefix succeeds.
type Persister interface {
	PutBan(ctx context.Context, r Record) error
	DeleteBan(ctx context.Context, p netip.Prefix) error
}

// Options are the engine's collaborators and capacity.
type Options struct {
	Store      Persister      // nil keeps bans in memory only
	Notify     func(Change)   // called with no lock held; nil ignores changes
	Rand       func() float64 // jitter source in [0,1); nil uses math/rand/v2
	MaxSources int            // strike table cap (default 65,536)
	MaxRecords int            // bans and history kept (default 65,536)
}

// DefaultMaxRecords caps the ban table (active bans and history).
const DefaultMaxRecords = 65536

// sweepEvery is how often (by the clock) a strike also looks for expired
// bans to announce and old history to forget.
const sweepEvery = time.Minute

// Engine tracks strikes and bans. It is safe for concurrent use; Banned
// takes only a read lock and allocates nothing.
type Engine struct {
	opt    Options
	syncMu sync.Mutex // serialises store writes, so the store ends in memory's state

	// onLink is cfg.OnLink, read without the lock by key.
	onLink atomic.Pointer[[]netip.Prefix]

	mu        sync.RWMutex
	cfg       Config
	recs      map[netip.Prefix]*record
	srcs      sourceTable
	lastSweep time.Time
	// unstored counts, per key, the store writes still to come for changes
	// made in memory; failed holds the keys whose last write failed.
	// Reload leaves those keys as memory has them: the store's copy is
	// older (see reload.go).
	unstored map[netip.Prefix]int
	failed   map[netip.Prefix]bool
}

// record is a Record plus whether its expiry is still to be announced.
type record struct {
	Record
	active bool
	remote bool // learnt from another node by Reload: its expiry is Remote
	// nextCheck (unix nanoseconds) paces Lookup's recheck of a Forgeable
	// ban: a flood from a banned source costs one check per recheckEvery.
	nextCheck atomic.Int64
}

// key is the source ip strikes as (Key, with the on-link networks).
func (e *Engine) key(ip netip.Addr) (netip.Prefix, bool) { return keyIn(ip, *e.onLink.Load()) }

// recheckEvery is how often Lookup asks for a Forgeable ban to be
// checked against the address's current holder.
const recheckEvery = time.Second

// New builds an engine holding the restored records (the store's ban
// table) that are still worth remembering at now. It returns the
// prefixes of the records it dropped (forgotten history, or beyond
// MaxRecords) so the caller can delete them from the store.
func New(cfg Config, opt Options, restored []Record, now time.Time) (*Engine, []netip.Prefix) {
	if opt.Rand == nil {
		opt.Rand = rand.Float64
	}
	if opt.MaxRecords <= 0 {
		opt.MaxRecords = DefaultMaxRecords
	}
	e := &Engine{opt: opt, cfg: cfg.WithDefaults(), recs: map[netip.Prefix]*record{},
		srcs: newSourceTable(opt.MaxSources), lastSweep: now,
		unstored: map[netip.Prefix]int{}, failed: map[netip.Prefix]bool{}}
	e.onLink.Store(&e.cfg.OnLink)
	// Most valuable first, so the cap keeps what eviction would keep.
	rs := slices.SortedFunc(slices.Values(restored), func(a, b Record) int {
		return evictOrder(&record{Record: b}, &record{Record: a}, now)
	})
	var dropped []netip.Prefix
	for _, r := range rs {
		k, ok := e.key(r.Prefix.Addr())
		full := len(e.recs) >= opt.MaxRecords && evictable(&record{Record: r}, now)
		switch {
		case !ok || e.recs[k] != nil:
			continue
		case now.Sub(r.Until) > e.cfg.forget() || full:
			dropped = append(dropped, r.Prefix)
			continue
		}
		r.Prefix = k
		// A restored ban on a source now exempt is not enforced.
		e.recs[k] = &record{Record: r, active: now.Before(r.Until) && !e.cfg.covers(k)}
		if !e.recs[k].active && now.Before(r.Until) {
			e.recs[k].Until = now
		}
	}
	return e, dropped
}

// Banned reports whether ip's source is banned at now. A ban that has
// just run out is announced here, once.
func (e *Engine) Banned(ip netip.Addr, now time.Time) bool {
	b, _ := e.Lookup(ip, now)
	return b
}

// Lookup is Banned, and recheck: the running ban is Forgeable and due
// for the caller to check whether the address now holds a known device
// (then LiftForgeable). recheck is true at most once per recheckEvery for
// a ban, however many requests ask.
func (e *Engine) Lookup(ip netip.Addr, now time.Time) (banned, recheck bool) {
	k, ok := e.key(ip)
	if !ok {
		return false, false
	}
	e.mu.RLock()
	r := e.recs[k]
	if r == nil {
		e.mu.RUnlock()
		return false, false
	}
	live := now.Before(r.Until)
	expired := r.active && !live
	exempt := live && e.cfg.exempt(ip.Unmap().WithZone(""))
	if live && !exempt && r.Forgeable {
		next, t := r.nextCheck.Load(), now.UnixNano()
		recheck = t >= next && r.nextCheck.CompareAndSwap(next, t+int64(recheckEvery))
	}
	e.mu.RUnlock()
	if expired {
		e.mu.Lock()
		cs := e.expireLocked(k, now, nil)
		e.mu.Unlock()
		e.notify(cs)
	}
	return live && !exempt, recheck
}

// Strike records a strike against ip's source at now and bans it when it
// reaches MaxRetry or asks for too many MACs. It reports whether the
// source is banned; err is a failure to persist a new ban, which is
// enforced from memory regardless.
func (e *Engine) Strike(ctx context.Context, ip netip.Addr, st Strike, now time.Time) (banned bool, err error) {
	k, ok := e.key(ip)
	if !ok || (st.Forgeable && st.Holder) {
		return false, nil
	}
	e.mu.Lock()
	cs, dirty := e.sweepLocked(now, false)
	if e.cfg.exempt(ip.Unmap().WithZone("")) {
		e.mu.Unlock()
		e.notify(cs)
		return false, e.sync(ctx, dirty...)
	}
	if r := e.recs[k]; r != nil && now.Before(r.Until) {
		e.mu.Unlock() // a banned source's late strikes change nothing
		e.notify(cs)
		return true, e.sync(ctx, dirty...)
	}
	v := e.srcs.touch(k).add(st, now, &e.cfg)
	if v.ban {
		reason := st.Reason
		if v.scan {
			reason = "scan"
		}
		cs = e.issueLocked(k, Record{Reason: reason, Strikes: v.strikes, Forgeable: v.forgeable}, 0, e.opt.Rand(), now, cs)
		dirty = append(dirty, k)
	}
	e.mu.Unlock()
	e.notify(cs)
	return v.ban, e.sync(ctx, dirty...)
}

// Sources is the number of sources in the strike table.
func (e *Engine) Sources() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.srcs.len()
}

// Records is the number of ban records held (active and history).
func (e *Engine) Records() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.recs)
}

// History returns the record of ip's source, expired or not.
func (e *Engine) History(ip netip.Addr) (Record, bool) {
	k, _ := e.key(ip)
	e.mu.RLock()
	defer e.mu.RUnlock()
	r := e.recs[k]
	if r == nil {
		return Record{}, false
	}
	return r.Record, true
}

func (e *Engine) notify(cs []Change) {
	if e.opt.Notify == nil {
		return
	}
	for _, c := range cs {
		e.opt.Notify(c)
	}
}

// sync writes the in-memory state of each key to the store: the record
// if there is one, a deletion if not. Writing the current state (not the
// change that triggered it) under syncMu keeps the store right whatever
// order concurrent changes finish in. Every key passed was marked by
// markLocked when memory changed; sync settles the mark.
func (e *Engine) sync(ctx context.Context, keys ...netip.Prefix) error {
	if len(keys) == 0 {
		return nil
	}
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	var errs []error
	for _, k := range keys {
		err := e.persist(ctx, k)
		e.mu.Lock()
		if e.unstored[k]--; e.unstored[k] <= 0 {
			delete(e.unstored, k)
		}
		if err != nil {
			e.failed[k] = true
		} else {
			delete(e.failed, k)
		}
		e.mu.Unlock()
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// persist writes k's in-memory state to the store; syncMu is held.
func (e *Engine) persist(ctx context.Context, k netip.Prefix) error {
	if e.opt.Store == nil {
		return nil
	}
	e.mu.RLock()
	r, ok := e.recs[k]
	var rec Record
	if ok {
		rec = r.Record
	}
	e.mu.RUnlock()
	if ok {
		return e.opt.Store.PutBan(ctx, rec)
	}
	return e.opt.Store.DeleteBan(ctx, k)
}

// markLocked notes that memory changed keys the store does not have yet;
// the caller passes each to sync once.
func (e *Engine) markLocked(keys ...netip.Prefix) {
	for _, k := range keys {
		e.unstored[k]++
	}
}

// byAddr orders records for listing.
func byAddr(a, b Record) int {
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits())
}
