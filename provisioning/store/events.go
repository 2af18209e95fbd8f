package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// DefaultEventLimit caps Events when the filter sets no Limit.
const DefaultEventLimit = 1000

// A line whose once key is stored already is skipped (migration 0010).
const addEventSQL = `INSERT INTO events (time, proto, ip, mac, ua, file, outcome, reason, actor, unknown, times, last_time, once)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`

// AddEvents appends es to the audit trail in one transaction. Every event
// needs a time; the store assigns the IDs.
func (s *Store) AddEvents(ctx context.Context, es []provisioning.Event) error {
	for i, e := range es {
		if e.Time.IsZero() {
			return fmt.Errorf("event %d of %d: time missing", i+1, len(es))
		}
		if err := checkTime("time", e.Time); err != nil {
			return fmt.Errorf("event %d of %d: %w", i+1, len(es), err)
		}
		if err := checkRepeats(e); err != nil {
			return fmt.Errorf("event %d of %d: %w", i+1, len(es), err)
		}
	}
	if len(es) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		st := tx.StmtContext(ctx, s.addEvent)
		for _, e := range es {
			if _, err := st.ExecContext(ctx, e.Time.UnixNano(), e.Proto, addrText(e.IP),
				macText(e.MAC), e.UA, e.File, e.Outcome, e.Reason, e.Actor, e.Unknown(), e.Times(), lastNanos(e), onceKey(e)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storing %d events: %w", len(es), err)
	}
	return nil
}

// Events returns audit lines matching f, newest first.
func (s *Store) Events(ctx context.Context, f provisioning.EventFilter) ([]provisioning.Event, error) {
	var at int64
	if f.BeforeID > 0 {
		var err error
		if at, err = s.eventTime(ctx, f.BeforeID); err != nil {
			return nil, err
		}
	}
	if splitSince(f) {
		return s.eventsSince(ctx, f, at)
	}
	q, args := eventQuery(f, at, sinceBegun)
	return s.readEvents(ctx, q, args)
}

// readEvents runs an events query.
func (s *Store) readEvents(ctx context.Context, q string, args []any) ([]provisioning.Event, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading events: %w", err)
	}
	defer rows.Close()
	var out []provisioning.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("reading events: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading events: %w", err)
	}
	return out, nil
}

// eventEnd is the time of a line's last request, as the events_end
// index (migration 0009) spells it.
const eventEnd = "COALESCE(last_time, time)"

// eventQuery builds the query for f; each condition is present only when
// set, so SQLite can use the (mac, time) or (time) index.
// at is the time of the line f.BeforeID (eventTime), the page's cursor.
// part says which of the lines f.Since matches the query reads
// (eventsSince): those that began since, in order and limited, or those
// that began before it and went on past it, unordered and unlimited.
func eventQuery(f provisioning.EventFilter, at int64, part sincePart) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if !f.MAC.IsZero() {
		add("mac = $%d", macText(f.MAC))
	}
	// A line of folded repeats stands for requests from time to
	// last_time: it matches "since" when its last request does, so a
	// line that began before Since and went on after it is not missed.
	// Until (searchConds) takes its first request: together a line
	// matches when its span overlaps the window. eventsSince reads the
	// lines that began since and those straddling it apart, each off an
	// index range.
	col := "time"
	switch {
	case f.Since.IsZero() || f.Since.Before(minTime):
	case f.Since.After(maxTime):
		add("time > $%d", maxTime.UnixNano()) // matches nothing
	case part == sinceStraddling:
		col = straddleTime
		add(col+" < $%d", f.Since.UnixNano())
		add(eventEnd+" >= $%d", f.Since.UnixNano())
	default:
		add("time >= $%d", f.Since.UnixNano())
	}
	where, args = searchConds(f, col, where, args)
	where, args = pageAfter(f.BeforeID, at, col, where, args)
	q := `SELECT id, time, proto, ip, mac, ua, file, outcome, reason, actor, times, last_time FROM events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if part == sinceStraddling {
		return q, args // few lines, ordered by eventsSince
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultEventLimit
	}
	args = append(args, limit)
	q += fmt.Sprintf(" ORDER BY time DESC, id DESC LIMIT $%d", len(args))
	if f.Offset > 0 {
		args = append(args, f.Offset)
		q += fmt.Sprintf(" OFFSET $%d", len(args))
	}
	return q, args
}

func scanEvent(rows *sql.Rows) (provisioning.Event, error) {
	var e provisioning.Event
	var t, last sql.NullInt64
	var ip, mac string
	err := rows.Scan(&e.ID, &t, &e.Proto, &ip, &mac, &e.UA, &e.File, &e.Outcome, &e.Reason, &e.Actor, &e.Count, &last)
	if err != nil {
		return e, err
	}
	e.Time, e.Last = fromNanos(t), fromNanos(last)
	if e.Count <= 1 {
		e.Count, e.Last = 0, time.Time{} // a single event, as written
	}
	if e.IP, err = parseAddr(ip); err != nil {
		return e, fmt.Errorf("event %d: %w", e.ID, err)
	}
	if e.MAC, err = parseMAC(mac); err != nil {
		return e, fmt.Errorf("event %d: %w", e.ID, err)
	}
	return e, nil
}

// TrimEvents keeps the newest keepUnknown events whose MAC is zero (what
// scanners produce in bulk) and the newest keepAll events in all,
// deleting the older ones. It counts lines (rows), not the requests a
// line of repeats stands for: the bounds are on what the trail stores,
// and a folded line costs one row however many requests it counts.
// "Newest" is by a line's last request (eventEnd), not its first: a line
// of repeats that began long ago but whose last request is recent is
// recent evidence, and goes only after every line that ended before it.
func (s *Store) TrimEvents(ctx context.Context, keepUnknown, keepAll int) error {
	if keepUnknown < 0 || keepAll < 0 {
		return fmt.Errorf("trimming events: keep %d/%d is negative", keepUnknown, keepAll)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := trimEvents(ctx, tx, unknownEvents, keepUnknown); err != nil {
			return err
		}
		return trimEvents(ctx, tx, "1 = 1", keepAll)
	})
	if err != nil {
		return fmt.Errorf("trimming events: %w", err)
	}
	return nil
}

// trimEvents deletes the events matching where (a constant condition)
// beyond the newest keep of them.
func trimEvents(ctx context.Context, tx *sql.Tx, where string, keep int) error {
	// The newest event to delete: the one just past the kept ones.
	var t, id int64
	err := tx.QueryRowContext(ctx, trimCursorSQL(where), keep).Scan(&t, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, trimDeleteSQL(where), t, id)
	return err
}

// trimCursorSQL finds the newest line matching where beyond the kept ($1).
func trimCursorSQL(where string) string {
	return `SELECT ` + eventEnd + `, id FROM events WHERE ` + where + `
		ORDER BY ` + eventEnd + ` DESC, id DESC LIMIT 1 OFFSET $1`
}

// trimDeleteSQL deletes the lines matching where up to that line ($1, $2).
func trimDeleteSQL(where string) string {
	return `DELETE FROM events WHERE ` + where + `
		AND (` + eventEnd + ` < $1 OR (` + eventEnd + ` = $1 AND id <= $2))`
}

// checkRepeats checks a line's repeat count and last time: a line of
// repeats (Count > 1) ends at or after it starts; a single one has no end.
func checkRepeats(e provisioning.Event) error {
	switch {
	case e.Count < 0:
		return fmt.Errorf("count %d is negative", e.Count)
	case e.Count <= 1 && !e.Last.IsZero():
		return fmt.Errorf("last time set on a single event")
	case e.Count > 1 && e.Last.Before(e.Time):
		return fmt.Errorf("last time %s before time %s", e.Last.Format(time.RFC3339Nano), e.Time.Format(time.RFC3339Nano))
	}
	return checkTime("last time", e.Last)
}

// onceKey is the stored once of e: NULL when it has none.
func onceKey(e provisioning.Event) any {
	if e.Once == "" {
		return nil
	}
	return e.Once
}

// lastNanos is the stored last_time of e: NULL for a single event.
func lastNanos(e provisioning.Event) any {
	if e.Count <= 1 {
		return nil
	}
	return e.Last.UnixNano()
}
