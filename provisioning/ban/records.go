package ban

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"time"
)

// issueLocked bans k from now with the reason, strikes and Forgeable of
// how: for d if d > 0, else for the escalated length of its next ban. A source banned before (within the forget
// horizon) gets Count+1; a ban that is still running is replaced and
// keeps its Count. The strike table forgets k. It appends the changes.
// The escalated length is shortened by the jitter fraction times rnd,
// a number in [0,1).
func (e *Engine) issueLocked(k netip.Prefix, how Record, d time.Duration, rnd float64, now time.Time, cs []Change) []Change {
	count := 1
	if old := e.recs[k]; old != nil {
		count = old.Count + 1
		if now.Before(old.Until) {
			count = max(old.Count, 1)
		} else {
			cs = e.expireLocked(k, now, cs)
		}
	} else if len(e.recs) >= e.opt.MaxRecords {
		cs = e.evictLocked(now, cs)
	}
	if d <= 0 {
		d = e.cfg.duration(count, rnd)
	}
	r := &record{active: true, Record: Record{Prefix: k, Reason: how.Reason, Strikes: how.Strikes,
		Count: count, Since: now, Until: now.Add(d), Forgeable: how.Forgeable}}
	e.recs[k] = r
	e.srcs.remove(k)
	e.markLocked(k)
	return append(cs, Change{Banned: true, At: now, Record: r.Record, Reason: how.Reason})
}

// expireLocked announces the end of k's ban if it has run out and was not
// announced yet; the record stays as history.
func (e *Engine) expireLocked(k netip.Prefix, now time.Time, cs []Change) []Change {
	r := e.recs[k]
	if r == nil || !r.active || now.Before(r.Until) {
		return cs
	}
	r.active = false
	return append(cs, Change{At: r.Until, Record: r.Record, Reason: ReasonExpired, Remote: r.remote})
}

// sweepLocked, at most once per sweepEvery unless forced, announces
// expired bans and forgets history past the forget horizon. It returns
// the changes and the keys whose store rows must follow.
func (e *Engine) sweepLocked(now time.Time, force bool) ([]Change, []netip.Prefix) {
	if since := now.Sub(e.lastSweep); !force && since >= 0 && since < sweepEvery {
		return nil, nil
	}
	e.lastSweep = now
	var cs []Change
	var dirty []netip.Prefix
	for k, r := range e.recs {
		cs = e.expireLocked(k, now, cs)
		if !r.active && now.Sub(r.Until) > e.cfg.forget() {
			delete(e.recs, k)
			e.markLocked(k)
			dirty = append(dirty, k)
		}
	}
	return cs, dirty
}

// Add bans ip's source from now for d, or, if d <= 0, for the escalated
// length of its next ban, and persists the ban before returning.
func (e *Engine) Add(ctx context.Context, ip netip.Addr, d time.Duration, reason string, now time.Time) (Record, error) {
	k, ok := e.key(ip)
	if !ok {
		return Record{}, ErrExempt
	}
	if reason == "" {
		reason = "admin"
	}
	e.mu.Lock()
	if e.cfg.covers(k) || e.cfg.exempt(ip.Unmap().WithZone("")) {
		e.mu.Unlock()
		return Record{}, ErrExempt
	}
	// No jitter: it keeps a scanner from timing its return, while an
	// admin's ban should last exactly what the policy says.
	cs := e.issueLocked(k, Record{Reason: reason}, d, 0, now, nil)
	r := e.recs[k].Record
	e.mu.Unlock()
	e.notify(cs)
	return r, e.sync(ctx, k)
}

// Remove lifts the ban on ip's source at once and pardons it: its
// strikes and its ban history are forgotten (an admin who lifts a ban
// judged it a mistake). ErrNotBanned if no ban is running.
func (e *Engine) Remove(ctx context.Context, ip netip.Addr, now time.Time) error {
	return e.lift(ctx, ip, "admin", false, now)
}

// LiftForgeable lifts and pardons ip's running ban, as Remove does, if
// it is Forgeable; reason says why. ErrNotBanned if no Forgeable ban is
// running (a ban that proven strikes earned stays).
func (e *Engine) LiftForgeable(ctx context.Context, ip netip.Addr, reason string, now time.Time) error {
	return e.lift(ctx, ip, reason, true, now)
}

func (e *Engine) lift(ctx context.Context, ip netip.Addr, reason string, onlyForgeable bool, now time.Time) error {
	k, ok := e.key(ip)
	if !ok {
		return ErrNotBanned
	}
	e.mu.Lock()
	r := e.recs[k]
	if r == nil || !now.Before(r.Until) || (onlyForgeable && !r.Forgeable) {
		cs := e.expireLocked(k, now, nil)
		e.mu.Unlock()
		e.notify(cs)
		return ErrNotBanned
	}
	delete(e.recs, k)
	e.srcs.remove(k)
	e.markLocked(k)
	e.mu.Unlock()
	e.notify([]Change{{At: now, Record: r.Record, Reason: reason}})
	return e.sync(ctx, k)
}

// Active returns the bans running at now, ordered by address. It changes
// nothing: Sweep announces and forgets what ran out.
func (e *Engine) Active(now time.Time) []Record {
	e.mu.Lock()
	var out []Record
	for _, r := range e.recs {
		if now.Before(r.Until) && !e.cfg.covers(r.Prefix) {
			out = append(out, r.Record)
		}
	}
	e.mu.Unlock()
	slices.SortFunc(out, byAddr)
	return out
}

// Sweep announces the bans that have run out at now and forgets history
// past the forget horizon, in memory and in the store. Strikes sweep too,
// at most once per sweepEvery.
func (e *Engine) Sweep(ctx context.Context, now time.Time) error {
	e.mu.Lock()
	cs, dirty := e.sweepLocked(now, true)
	e.mu.Unlock()
	e.notify(cs)
	return e.sync(ctx, dirty...)
}

// Reconfigure applies a new policy. Running bans keep their length; bans
// on sources the new policy exempts are lifted (and pardoned).
func (e *Engine) Reconfigure(ctx context.Context, cfg Config, now time.Time) error {
	cfg = cfg.WithDefaults()
	e.mu.Lock()
	e.cfg = cfg
	e.onLink.Store(&cfg.OnLink)
	var cs []Change
	var dirty []netip.Prefix
	for k, r := range e.recs {
		if cfg.covers(k) {
			if r.active && now.Before(r.Until) {
				cs = append(cs, Change{At: now, Record: r.Record, Reason: "ignored"})
			}
			delete(e.recs, k)
			e.markLocked(k)
			dirty = append(dirty, k)
		}
	}
	e.mu.Unlock()
	e.notify(cs)
	slices.SortFunc(dirty, func(a, b netip.Prefix) int { return cmp.Compare(a.String(), b.String()) })
	return e.sync(ctx, dirty...)
}
