package store

import (
	"cmp"
	"context"
	"slices"

	"github.com/provbox/provbox/provisioning"
)

// A search with since matches a line by its end, COALESCE(last_time,
// time) (eventQuery), but shows the lines in time order. One query
// filtering on the end and ordered by time leaves SQLite walking the time
// index from the newest line down, testing each line's end, through the
// whole trail when fewer lines match than the page holds ("since 1h" on
// a quiet night, the dashboard's day of refusals); PostgreSQL sorts every
// line that matches when its statistics are stale. So the search is
// split in two, each read through an index range:
//   - the lines that began since (time >= since), in time order: the
//     range of the time index the search read before lines of repeats
//     were matched by their end;
//   - the lines that began before since and went on past it (the lines
//     of repeats straddling it), read off the end index (by MAC, the
//     (mac, end) index of migration 0011: the (mac, time) one read all
//     of the phone's lines), with the time column spelled so that no
//     back-end takes the time index for them.
//
// Every line of the first comes before every line of the second in the
// order shown, so the page is the first followed by the second, and the
// second is read only when the first falls short of the page: it then
// reads no more lines than those since, plus the straddling ones (a
// fold spans one audit batch, so those are few).

// sincePart is which of the lines a search with since matches a query
// reads.
type sincePart int

const (
	sinceBegun      sincePart = iota // began at or after since (or no since)
	sinceStraddling                  // began before since, ended at or after it
)

// straddleTime spells the time column in the straddling query: a unary
// plus keeps SQLite from reading it off the time index (the end index
// bounds that query; the time index would read every older line).
const straddleTime = "+time"

// splitSince reports whether f's since is a bound eventsSince splits on.
func splitSince(f provisioning.EventFilter) bool {
	return !f.Since.IsZero() && !f.Since.Before(minTime) && !f.Since.After(maxTime)
}

// eventsSince is Events for a filter with since: the lines that began
// since, then those straddling it, the page's offset and limit applied
// to both in turn.
func (s *Store) eventsSince(ctx context.Context, f provisioning.EventFilter, at int64) ([]provisioning.Event, error) {
	begun, straddling, want := sinceQueries(f, at)
	out, err := s.readEvents(ctx, begun.text, begun.args)
	if err != nil || len(out) >= want {
		return page(out, f.Offset, want), err
	}
	more, err := s.readEvents(ctx, straddling.text, straddling.args)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(more, newestFirst)
	return page(append(out, more...), f.Offset, want), nil
}

// sinceQueries are the two queries of a search with since, and the lines
// the page needs from them: its offset and its limit.
func sinceQueries(f provisioning.EventFilter, at int64) (begun, straddling sqlQuery, want int) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultEventLimit
	}
	g := f
	g.Limit, g.Offset = limit+max(f.Offset, 0), 0
	begun.text, begun.args = eventQuery(g, at, sinceBegun)
	straddling.text, straddling.args = eventQuery(g, at, sinceStraddling)
	return begun, straddling, g.Limit
}

// newestFirst is the order shown: time, then ID, newest first.
func newestFirst(a, b provisioning.Event) int {
	if c := b.Time.Compare(a.Time); c != 0 {
		return c
	}
	return cmp.Compare(b.ID, a.ID)
}

// page is es[offset:want], as far as es goes.
func page(es []provisioning.Event, offset, want int) []provisioning.Event {
	offset = max(offset, 0)
	if offset >= len(es) {
		return nil
	}
	return es[offset:min(len(es), want)]
}

// sqlQuery is one query with its arguments.
type sqlQuery struct {
	text string
	args []any
}
