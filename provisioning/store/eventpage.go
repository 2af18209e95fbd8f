package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/provbox/provbox/provisioning"
)

// Paging the trail: a page is the lines after the last one shown, in the
// order shown (time, then ID, newest first), so the cursor is that line's
// (time, id) pair, looked up from its ID. Paging by ID alone skips or
// repeats lines wherever time and ID order part, and they do: audit
// batches are written after their requests, a folded line takes its
// first request's time, clocks step, and two HA nodes writing one
// PostgreSQL database each stamp their own times while the identity
// column numbers rows in insertion order across both. Ordering the trail
// by ID instead would show the lines out of time order in exactly those
// cases, and the time filters would no longer select a contiguous run of
// it. (time, id) is a total order (IDs are unique), so a walk of the pages
// of a trail no one writes to meets every line exactly once.

// eventTime is the time of audit line id, the cursor of the page after
// it; a line no longer there (trimmed) is ErrNotFound, not an empty page,
// so a walk cut short says so.
func (s *Store) eventTime(ctx context.Context, id int64) (int64, error) {
	var t int64
	err := s.r.QueryRowContext(ctx, `SELECT time FROM events WHERE id = $1`, id).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("paging events before event %d: %w (trimmed from the trail: start from the newest page, or page with until)",
			id, provisioning.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("paging events before event %d: %w", id, err)
	}
	return t, nil
}

// pageAfter adds the condition "after the line (at, id) in the order
// shown" when id is set. Spelled so both back-ends read it off the time
// index: a range on time, then the tie on id; col is how the time column
// is spelled (eventQuery).
func pageAfter(id, at int64, col string, where []string, args []any) ([]string, []any) {
	if id <= 0 {
		return where, args
	}
	args = append(args, at, id)
	n := len(args)
	where = append(where, fmt.Sprintf("%s <= $%d AND (%s < $%d OR id < $%d)", col, n-1, col, n-1, n))
	return where, args
}
