package ban

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"time"
)

// Nodes sharing one store each run an engine. Each issues bans from its
// own strikes and writes them to the store; Reload makes an engine
// enforce what the store holds: bans the other nodes issued, and not the
// ones they lifted. Strikes stay in each engine's memory: the strike
// table is not touched, except that a source banned or pardoned
// elsewhere starts again from no strikes, as it would here.
//
// Reload must never undo a change this engine made that the store does
// not have yet (a ban issued a moment ago, its write waiting for syncMu):
// that would lift a fresh ban. It holds syncMu while it reads the store,
// so no write of this engine lands during the read, and it keeps every
// key with a write still to come or a write that failed as memory has
// it. Those writes notify the other nodes when they land.

// Reload replaces the bans held with those read returns (the store's ban
// table), at now, keeping the strike counters and the keys this engine
// changed but has not stored. It first retries the writes that failed,
// so a ban issued while the store was unreachable reaches it; a retry
// that fails again is reported, but does not stop the reload (the key
// stays as memory has it). Changes it reports are Remote: the node that
// made them has audited them.
func (e *Engine) Reload(ctx context.Context, read func(context.Context) ([]Record, error), now time.Time) error {
	e.syncMu.Lock()
	retryErr := e.retryFailed(ctx)
	stored, err := read(ctx)
	if err != nil {
		e.syncMu.Unlock()
		return errors.Join(err, retryErr)
	}
	want := e.wanted(stored, now)
	e.mu.Lock()
	cs := e.applyLocked(want, now)
	e.mu.Unlock()
	e.syncMu.Unlock()
	e.notify(cs)
	return retryErr
}

// retryFailed writes the current state of the keys whose last write
// failed; syncMu is held.
func (e *Engine) retryFailed(ctx context.Context) error {
	e.mu.RLock()
	keys := make([]netip.Prefix, 0, len(e.failed))
	for k := range e.failed {
		keys = append(keys, k)
	}
	e.mu.RUnlock()
	var errs []error
	for _, k := range keys {
		if err := e.persist(ctx, k); err != nil {
			errs = append(errs, err)
			continue
		}
		e.mu.Lock()
		delete(e.failed, k)
		e.mu.Unlock()
	}
	return errors.Join(errs...)
}

// wanted picks the stored records to hold, as New does at a start: keyed
// as this engine keys sources, not exempt, not past the forget horizon,
// the most valuable first up to MaxRecords.
func (e *Engine) wanted(stored []Record, now time.Time) map[netip.Prefix]Record {
	rs := slices.SortedFunc(slices.Values(stored), func(a, b Record) int {
		return evictOrder(&record{Record: b}, &record{Record: a}, now)
	})
	e.mu.RLock()
	defer e.mu.RUnlock()
	want := make(map[netip.Prefix]Record, len(rs))
	for _, r := range rs {
		k, ok := e.key(r.Prefix.Addr())
		switch {
		case !ok || e.cfg.covers(k):
		case now.Sub(r.Until) > e.cfg.forget():
		case len(want) >= e.opt.MaxRecords && evictable(&record{Record: r}, now):
		default:
			if _, dup := want[k]; !dup {
				r.Prefix = k
				want[k] = r
			}
		}
	}
	return want
}

// applyLocked makes the records held match want, except for the keys
// with an unstored change, and returns the changes to report.
func (e *Engine) applyLocked(want map[netip.Prefix]Record, now time.Time) []Change {
	var cs []Change
	for k, l := range e.recs {
		if _, ok := want[k]; ok || e.keepLocal(k) {
			continue
		}
		// Lifted (an admin, or a framed phone that showed up) or forgotten
		// on another node: lift and pardon here too.
		cs = e.expireLocked(k, now, cs)
		delete(e.recs, k)
		if now.Before(l.Until) {
			e.srcs.remove(k)
			cs = append(cs, Change{At: now, Record: l.Record, Reason: "lifted on another node", Remote: true})
		}
	}
	for k, r := range want {
		l := e.recs[k]
		if e.keepLocal(k) || (l != nil && same(l.Record, r)) {
			continue
		}
		cs = e.expireLocked(k, now, cs)
		live := now.Before(r.Until)
		e.recs[k] = &record{Record: r, active: live, remote: true}
		if live && (l == nil || !now.Before(l.Until) || !l.Since.Equal(r.Since)) {
			// A ban this engine did not issue: its strikes here are moot.
			e.srcs.remove(k)
			cs = append(cs, Change{Banned: true, At: now, Record: r, Reason: r.Reason, Remote: true})
		}
	}
	return cs
}

// keepLocal: k has a change the store does not have yet.
func (e *Engine) keepLocal(k netip.Prefix) bool { return e.unstored[k] > 0 || e.failed[k] }

// same compares records, times by instant (the store's copy is in UTC
// and has no monotonic reading).
func same(a, b Record) bool {
	return a.Prefix == b.Prefix && a.Reason == b.Reason && a.Strikes == b.Strikes && a.Count == b.Count &&
		a.Forgeable == b.Forgeable && a.Since.Equal(b.Since) && a.Until.Equal(b.Until)
}
