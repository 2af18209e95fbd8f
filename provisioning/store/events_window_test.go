package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// ids lists the IDs of es, in order.
func ids(es []provisioning.Event) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// TestEventTimeFilterOverlapsRepeats: a line of folded repeats stands for
// requests from its time to its last time, and a time filter matches it
// when that span overlaps the window: "since" by its last request, so a
// line that began before since and went on after it is found, "until" by
// its first.
func TestEventTimeFilterOverlapsRepeats(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	es := []provisioning.Event{
		{Time: sec(0), Proto: "http", IP: ipN(1), Outcome: "refused", Reason: "bad-path"},
		{Time: sec(1), Proto: "http", IP: ipN(2), Outcome: "refused", Reason: "bad-path", Count: 5, Last: sec(10)},
		{Time: sec(20), Proto: "http", IP: ipN(3), Outcome: "refused", Reason: "bad-path"},
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	all, err := s.Events(ctx, provisioning.EventFilter{})
	if err != nil || len(all) != 3 {
		t.Fatalf("events: %+v, %v", all, err)
	}
	a, b, c := all[2].ID, all[1].ID, all[0].ID
	for _, tc := range []struct {
		name         string
		since, until time.Time
		want         []int64
	}{
		{"since inside the repeats", sec(5), time.Time{}, []int64{c, b}},
		{"since at the last repeat", sec(10), time.Time{}, []int64{c, b}},
		{"since after the last repeat", sec(11), time.Time{}, []int64{c}},
		{"until inside the repeats", time.Time{}, sec(5), []int64{b, a}},
		{"until at the first repeat", time.Time{}, sec(1), []int64{a}},
		{"window inside the repeats", sec(4), sec(8), []int64{b}},
		{"window between lines", sec(11), sec(19), nil},
	} {
		got, err := s.Events(ctx, provisioning.EventFilter{Since: tc.since, Until: tc.until})
		if err != nil {
			t.Fatal(err)
		}
		checkEqual(t, tc.name, ids(got), append([]int64{}, tc.want...))
	}
}

// TestTrimKeepsRepeatsWithRecentEnd: trimming keeps the lines whose last
// request is newest, so a line of repeats that began first but went on
// past the others is kept over them: it is recent evidence.
func TestTrimKeepsRepeatsWithRecentEnd(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	for _, unknown := range []bool{false, true} {
		m := macN(7)
		if unknown {
			m = provisioning.MAC{}
		}
		es := []provisioning.Event{
			{Time: sec(0), Proto: "http", IP: ipN(9), MAC: m, Outcome: "refused", Reason: "bad-path", Count: 300, Last: sec(60)},
			{Time: sec(1), Proto: "http", IP: ipN(1), MAC: m, Outcome: "config"},
			{Time: sec(2), Proto: "http", IP: ipN(2), MAC: m, Outcome: "config"},
			{Time: sec(3), Proto: "http", IP: ipN(3), MAC: m, Outcome: "config"},
		}
		if err := s.AddEvents(ctx, es); err != nil {
			t.Fatal(err)
		}
		keepUnknown, keepAll := 100, 2
		if unknown {
			keepUnknown, keepAll = 2, 100
		}
		if err := s.TrimEvents(ctx, keepUnknown, keepAll); err != nil {
			t.Fatal(err)
		}
		got, err := s.Events(ctx, provisioning.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Time.Equal(sec(3)) == false || got[1].Times() != 300 {
			t.Errorf("unknown=%v: after trimming to 2 lines: %+v; want the 300 repeats (last at +60s) and the line at +3s", unknown, got)
		}
		if _, err := s.w.ExecContext(ctx, `DELETE FROM events`); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEventPagesMeetEveryLineOnce walks every page of a trail whose time
// and ID orders disagree (lines written out of time order, as late audit
// batches, folded repeats, clock steps and two HA nodes make them, some
// at the same time) and meets every line exactly once, in the order
// shown, with and without a search.
func TestEventPagesMeetEveryLineOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	r := rand.New(rand.NewPCG(1, 2))
	var es []provisioning.Event
	for i := range 60 {
		e := provisioning.Event{Time: t0.Add(time.Duration(r.IntN(20)) * time.Second), Proto: "http", IP: ipN(i%3 + 1), Outcome: "config"}
		if i%5 == 0 {
			e.Outcome = "refused"
		}
		if i%7 == 0 {
			e.Count, e.Last = 4, e.Time.Add(3*time.Second)
		}
		es = append(es, e)
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	for _, f := range []provisioning.EventFilter{{}, {Outcome: "config"}, {IP: ipN(2)}, {Since: t0.Add(5 * time.Second)}} {
		want, err := s.Events(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{1, 4, 7} {
			var got []provisioning.Event
			page := f
			page.Limit = size
			for range len(es) + 1 { // bounded: a page holds one line at least
				es, err := s.Events(ctx, page)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, es...)
				if len(es) < size {
					break
				}
				page.BeforeID = es[len(es)-1].ID
			}
			checkEqual(t, "the pages of "+filterName(f)+", size "+itoa(size), ids(got), ids(want))
		}
	}
}

func filterName(f provisioning.EventFilter) string {
	switch {
	case f.Outcome != "":
		return "outcome " + f.Outcome
	case f.IP.IsValid():
		return "ip " + f.IP.String()
	case !f.Since.IsZero():
		return "since"
	}
	return "the trail"
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestEventPageAfterTrimmedLine: a cursor whose line was trimmed is an
// error naming it, not an empty page that would end a walk silently; ID
// finds one line.
func TestEventPageAfterTrimmedLine(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	es := []provisioning.Event{
		{Time: t0, Proto: "tftp", IP: ipN(1), Outcome: "refused", Reason: "bad-path"},
		{Time: t0.Add(time.Second), Proto: "http", IP: ipN(2), MAC: macN(1), Outcome: "config"},
		{Time: t0.Add(2 * time.Second), Proto: "tftp", IP: ipN(3), Outcome: "refused", Reason: "bad-path"},
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	all, err := s.Events(ctx, provisioning.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	one, err := s.Events(ctx, provisioning.EventFilter{ID: all[1].ID})
	if err != nil || len(one) != 1 || one[0] != all[1] {
		t.Fatalf("event %d alone: %+v, %v", all[1].ID, one, err)
	}
	if err := s.TrimEvents(ctx, 1, 10); err != nil { // the unknown line at +2s stays
		t.Fatal(err)
	}
	_, err = s.Events(ctx, provisioning.EventFilter{BeforeID: all[2].ID})
	if !errors.Is(err, provisioning.ErrNotFound) {
		t.Fatalf("page after trimmed event %d: %v, want not found", all[2].ID, err)
	}
}
