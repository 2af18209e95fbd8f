package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestEventRepeatsRoundTrip: a line standing for several requests keeps
// its count and last time; a single event reads back as written (count
// 0, no last time), whether it was written with count 0 or 1.
func TestEventRepeatsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := macN(1)
	es := []provisioning.Event{
		{Time: t0, Proto: "http", IP: ipN(1), MAC: m, File: "y.cfg", Outcome: "config", Count: 1200, Last: t0.Add(199 * time.Millisecond)},
		{Time: t0.Add(time.Second), Proto: "http", IP: ipN(1), MAC: m, Outcome: "config", Count: 1},
		{Time: t0.Add(2 * time.Second), Proto: "tftp", IP: ipN(2), Outcome: "refused", Reason: "bad-path"},
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, provisioning.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []provisioning.Event{es[2], es[1], es[0]}
	want[1].Count = 0
	for i := range want {
		want[i].ID = got[i].ID
		want[i].Time = utc(want[i].Time)
		if !want[i].Last.IsZero() {
			want[i].Last = utc(want[i].Last)
		}
	}
	checkEqual(t, "Events with repeats", got, want)
	if got[2].Times() != 1200 || got[1].Times() != 1 || got[0].Times() != 1 {
		t.Errorf("Times = %d, %d, %d; want 1, 1, 1200", got[0].Times(), got[1].Times(), got[2].Times())
	}
}

func TestAddEventsRefusesBadRepeats(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, tc := range []struct {
		bad  provisioning.Event
		want string
	}{
		{provisioning.Event{Time: t0, Count: -2}, "event 1 of 1: count -2 is negative"},
		{provisioning.Event{Time: t0, Count: 1, Last: t0}, "last time set on a single event"},
		{provisioning.Event{Time: t0, Count: 2, Last: t0.Add(-time.Second)}, "last time 2026-03-14T15:09:25.535897932+01:00 before time"},
		{provisioning.Event{Time: t0, Count: 2}, "last time 0001-01-01T00:00:00Z before time"},
	} {
		err := s.AddEvents(ctx, []provisioning.Event{tc.bad})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("AddEvents(%+v) = %v, want %q", tc.bad, err, tc.want)
		}
	}
	if n := count(t, s, "events"); n != 0 {
		t.Errorf("%d events stored by refused batches", n)
	}
}

// TestTrimEventsCountsLines: the trail's bounds count lines (rows), so a
// line of repeats is kept or trimmed whole, like any other line.
func TestTrimEventsCountsLines(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var es []provisioning.Event
	for i := range 6 {
		at := t0.Add(time.Duration(i) * time.Second)
		es = append(es, provisioning.Event{Time: at, Proto: "http", MAC: macN(1), Outcome: "config",
			Count: 100, Last: at.Add(time.Millisecond)})
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	if err := s.TrimEvents(ctx, 10, 4); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, provisioning.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[3].Time != utc(es[2].Time) || got[3].Count != 100 {
		t.Errorf("after trimming to 4 lines: %d lines, oldest %+v; want the newest 4, each counting 100", len(got), got[len(got)-1])
	}
}
