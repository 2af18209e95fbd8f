package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// queryPlan is SQLite's plan for q, one step a line.
func queryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.r.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explaining %s: %v", q, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// fillPlanTrail writes n audit lines a second apart, one in ten of an
// unknown device and one in seven a line of repeats, so that the
// planner has a table to choose indexes for.
func fillPlanTrail(t *testing.T, s *Store, n int) {
	t.Helper()
	var es []provisioning.Event
	for i := range n {
		e := provisioning.Event{Time: t0.Add(time.Duration(i) * time.Second), Proto: "http", IP: ipN(i%200 + 1), MAC: macN(i%300 + 1), Outcome: "config"}
		if i%10 == 0 {
			e.MAC, e.Outcome, e.Reason = provisioning.MAC{}, "refused", "bad-path"
		}
		if i%7 == 0 {
			e.Count, e.Last = 3, e.Time.Add(2*time.Second)
		}
		es = append(es, e)
	}
	if err := s.AddEvents(context.Background(), es); err != nil {
		t.Fatal(err)
	}
}

// TestTrimUnknownReadsItsIndex: trimming the unknown devices' lines
// finds the newest one to delete in the (unknown, end) index, reading as
// far as the lines it keeps, not by walking every line's end and looking
// each row up to test unknown (SQLite does not use an index for a bare
// boolean column as a condition: the bound must be spelled = TRUE).
func TestTrimUnknownReadsItsIndex(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	fillPlanTrail(t, s, 2000)
	for _, q := range []string{trimCursorSQL(unknownEvents), trimDeleteSQL(unknownEvents)} {
		args := []any{int64(100)}
		if strings.HasPrefix(q, "DELETE") {
			args = []any{t0.UnixNano(), int64(1)}
		}
		if p := queryPlan(t, s, q, args...); !strings.Contains(p, "events_unknown_end (unknown=?") {
			t.Errorf("plan of %s:\n%s want a search of events_unknown_end on unknown", q, p)
		}
	}
}

// TestEventsSinceReadsARange: a search with since reads the lines from
// since on through an index range, not the whole trail. Matching a line
// of repeats by its end (COALESCE(last_time, time) >= since) left SQLite,
// which orders the page by time, walking the time index from the newest
// line to the oldest, testing each line's end: a search that finds fewer
// lines than its limit ("since 1h" on a quiet night, the dashboard's day
// of refusals) read the whole trail, up to a million lines. Every query
// such a search runs must bound the lines it reads by since.
func TestEventsSinceReadsARange(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	fillPlanTrail(t, s, 2000)
	late := t0.Add(1990 * time.Second)
	for _, f := range []provisioning.EventFilter{
		{Since: late, Limit: 100},
		{Since: late, Outcome: "refused", Limit: 100},
		{Since: late, Until: late.Add(5 * time.Second), Limit: 100},
		{Since: late, BeforeID: 1995, Limit: 100},
		{Since: late, Limit: 100, Offset: 3},
		{Since: late, MAC: macN(7), Limit: 100},
		{Since: late, MAC: macN(7), BeforeID: 1995, Limit: 100},
	} {
		var at int64
		if f.BeforeID > 0 {
			var err error
			if at, err = s.eventTime(context.Background(), f.BeforeID); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range eventQueries(f, at) {
			// A search of the time index bounded below (time>?), or of
			// the end index (<expr>>?), not a walk from the top down.
			if p := queryPlan(t, s, q.text, q.args...); strings.Contains(p, "SCAN events") || !strings.Contains(p, ">?") {
				t.Errorf("%s: plan of %s:\n%s want a search bounded by since", filterText(f), q.text, p)
			}
		}
	}
}

func filterText(f provisioning.EventFilter) string {
	return fmt.Sprintf("since +%s mac %v outcome %q until %v before %d offset %d",
		f.Since.Sub(t0), f.MAC, f.Outcome, f.Until.IsZero(), f.BeforeID, f.Offset)
}

// eventQueries are the queries Events runs for f (at: its cursor's
// time), the straddling one only when the first falls short.
func eventQueries(f provisioning.EventFilter, at int64) []sqlQuery {
	if !splitSince(f) {
		q, args := eventQuery(f, at, sinceBegun)
		return []sqlQuery{{q, args}}
	}
	begun, straddling, _ := sinceQueries(f, at)
	return []sqlQuery{begun, straddling}
}
