package ban

import (
	"cmp"
	"slices"
	"time"
)

// The ban table is capped (Options.MaxRecords). When it is full, the
// least valuable records go first, so an attacker who fills it (with
// bans of forged source addresses, say) cannot push out the ban on
// itself: history (bans that have run out) first, oldest first; then
// running bans of the lowest severity, the one ending soonest first.
// Severity is Forgeable below proven, then Count (a repeat offender's
// ban is worth more). An admin's running ban is never evicted: with
// nothing else left to evict, the table grows past its cap by admin bans
// alone.

// evictRank orders records by value: lower ranks go first.
func evictRank(r *record, now time.Time) int {
	switch {
	case !now.Before(r.Until):
		return 0
	case r.Admin():
		return 3
	case r.Forgeable:
		return 1
	}
	return 2
}

// evictOrder sorts records from the first to evict to the last.
func evictOrder(a, b *record, now time.Time) int {
	ra, rb := evictRank(a, now), evictRank(b, now)
	if c := cmp.Compare(ra, rb); c != 0 || ra == 3 {
		return c
	}
	if ra != 0 {
		if c := cmp.Compare(a.Count, b.Count); c != 0 {
			return c
		}
	}
	if c := a.Until.Compare(b.Until); c != 0 {
		return c
	}
	return byAddr(a.Record, b.Record)
}

// evictable reports whether r may be evicted at now.
func evictable(r *record, now time.Time) bool { return evictRank(r, now) < 3 }

// evictLocked makes room in a full ban table by dropping a sixteenth of
// it (at least one), least valuable first, never an admin's running ban.
// The store keeps the dropped rows; the next start applies the same
// order and cap.
func (e *Engine) evictLocked(now time.Time, cs []Change) []Change {
	all := make([]*record, 0, len(e.recs))
	for _, r := range e.recs {
		if evictable(r, now) {
			all = append(all, r)
		}
	}
	slices.SortFunc(all, func(a, b *record) int { return evictOrder(a, b, now) })
	for _, r := range all[:min(max(len(e.recs)/16, 1), len(all))] {
		if now.Before(r.Until) {
			cs = append(cs, Change{At: now, Record: r.Record, Reason: "evicted"})
		}
		delete(e.recs, r.Prefix)
	}
	return cs
}
