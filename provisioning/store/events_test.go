package store

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func TestEventsRoundTripAndOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	phone := mac(t, "80:5e:c0:11:22:33")
	es := []provisioning.Event{
		{Time: t0, Proto: "dhcp", IP: netip.MustParseAddr("10.0.0.50"), MAC: phone, Outcome: "ack"},
		{Time: t0.Add(time.Second), Proto: "http", IP: netip.MustParseAddr("10.0.0.50"), MAC: phone,
			UA: "Yealink SIP-T54W 96.86.0.100 80:5e:c0:11:22:33", File: "y000000000000.cfg", Outcome: "redirect"},
		{Time: t0.Add(time.Second), Proto: "tftp", IP: netip.MustParseAddr("fd00::66"),
			File: "../../etc/passwd", Outcome: "refused", Reason: "bad-path"}, // same time: id breaks the tie
		{Time: t0.Add(-time.Hour), Proto: "admin", MAC: phone, Outcome: "unlocked"}, // no IP
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, provisioning.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []provisioning.Event{es[2], es[1], es[0], es[3]}
	for i := range want {
		if got[i].ID == 0 {
			t.Errorf("event %d has no ID", i)
		}
		want[i].ID = got[i].ID
		want[i].Time = utc(want[i].Time)
	}
	checkEqual(t, "Events (newest first)", got, want)
	if !(got[0].ID > got[1].ID && got[1].ID > got[2].ID) {
		t.Errorf("IDs %d, %d, %d: want them in insertion order", got[0].ID, got[1].ID, got[2].ID)
	}
}

func TestEventsFilter(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a, b := macN(1), macN(2)
	var es []provisioning.Event
	for i := range 30 {
		m := [3]provisioning.MAC{a, b, {}}[i%3]
		es = append(es, provisioning.Event{Time: t0.Add(time.Duration(i) * time.Minute),
			Proto: "http", MAC: m, File: string(rune('A' + i))})
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	files := func(f provisioning.EventFilter) string {
		got, err := s.Events(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		for _, e := range got {
			if !f.MAC.IsZero() && e.MAC != f.MAC {
				t.Errorf("filter %v returned %v", f.MAC, e.MAC)
			}
			out.WriteString(e.File)
		}
		return out.String()
	}
	for _, tc := range []struct {
		name string
		f    provisioning.EventFilter
		want string
	}{
		{"all", provisioning.EventFilter{}, "^]\\[ZYXWVUTSRQPONMLKJIHGFEDCBA"},
		{"mac a", provisioning.EventFilter{MAC: a}, "\\YVSPMJGDA"},
		{"mac b", provisioning.EventFilter{MAC: b}, "]ZWTQNKHEB"},
		{"since", provisioning.EventFilter{Since: t0.Add(25 * time.Minute)}, "^]\\[Z"},
		{"since, exact instant in another zone", provisioning.EventFilter{Since: t0.Add(27 * time.Minute).In(time.UTC)}, "^]\\"},
		{"mac and since", provisioning.EventFilter{MAC: a, Since: t0.Add(20 * time.Minute)}, "\\YV"},
		{"limit", provisioning.EventFilter{Limit: 4}, "^]\\["},
		{"mac and limit", provisioning.EventFilter{MAC: b, Limit: 2}, "]Z"},
		{"since in the future", provisioning.EventFilter{Since: t0.Add(time.Hour)}, ""},
		{"since beyond the storable range", provisioning.EventFilter{Since: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, ""},
		{"since before the storable range", provisioning.EventFilter{MAC: a, Since: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)}, "\\YVSPMJGDA"},
		{"unknown mac", provisioning.EventFilter{MAC: macN(3)}, ""},
	} {
		if got := files(tc.f); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestEventsDefaultLimit(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	es := make([]provisioning.Event, DefaultEventLimit+5)
	for i := range es {
		es[i] = provisioning.Event{Time: t0.Add(time.Duration(i)), Proto: "tftp", Outcome: "refused"}
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, provisioning.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != DefaultEventLimit || !got[0].Time.Equal(es[len(es)-1].Time) {
		t.Errorf("got %d events starting at %v, want the newest %d", len(got), got[0].Time, DefaultEventLimit)
	}
}

func TestAddEventsRefusesBadBatch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ok := provisioning.Event{Time: t0, Proto: "http"}
	for _, tc := range []struct {
		bad  provisioning.Event
		want string
	}{
		{provisioning.Event{Proto: "http"}, "event 2 of 2: time missing"},
		{provisioning.Event{Time: time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)}, "event 2 of 2: time 2400-01-01T00:00:00Z is outside"},
	} {
		err := s.AddEvents(ctx, []provisioning.Event{ok, tc.bad})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("AddEvents = %v, want %q", err, tc.want)
		}
	}
	if n := count(t, s, "events"); n != 0 {
		t.Errorf("%d events stored by refused batches", n)
	}
}

func TestTrimEvents(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	known := macN(1)
	var es []provisioning.Event
	for i := range 100 {
		e := provisioning.Event{Time: t0.Add(time.Duration(i%50) * time.Second), Proto: "http", Outcome: "refused"}
		if i%10 == 0 {
			e.MAC = known
		}
		es = append(es, e) // times repeat: the trim must count exactly
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	all, _ := s.Events(ctx, provisioning.EventFilter{Limit: 1000})
	var unknown []provisioning.Event
	for _, e := range all {
		if e.MAC.IsZero() {
			unknown = append(unknown, e)
		}
	}
	for _, keep := range []int{1000, 90, 37, 1, 0} {
		if err := s.TrimEvents(ctx, keep, 1000); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Events(ctx, provisioning.EventFilter{Limit: 1000})
		gotUnknown := []provisioning.Event{}
		knownLeft := 0
		for _, e := range got {
			if e.MAC.IsZero() {
				gotUnknown = append(gotUnknown, e)
			} else {
				knownLeft++
			}
		}
		want := append([]provisioning.Event{}, unknown[:min(keep, len(unknown))]...)
		checkEqual(t, "kept unknown events (the newest)", gotUnknown, want)
		if knownLeft != 10 {
			t.Errorf("keep %d: %d events of a known device left, want all 10", keep, knownLeft)
		}
	}
	if err := s.TrimEvents(ctx, -1, 10); err == nil {
		t.Error("TrimEvents(-1, 10) succeeded")
	}
	// The overall bound trims events of known devices too, oldest first.
	before, _ := s.Events(ctx, provisioning.EventFilter{Limit: 1000})
	if err := s.TrimEvents(ctx, 1000, 4); err != nil {
		t.Fatal(err)
	}
	left, _ := s.Events(ctx, provisioning.EventFilter{Limit: 1000})
	checkEqual(t, "events kept by the overall bound (the newest)", left, before[:4])
}

func TestEventIDsNotReusedAfterTrim(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	es := make([]provisioning.Event, 20)
	for i := range es {
		es[i] = provisioning.Event{Time: t0.Add(time.Duration(i)), Proto: "tftp"}
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Events(ctx, provisioning.EventFilter{})
	if err := s.TrimEvents(ctx, 0, 1000); err != nil {
		t.Fatal(err)
	}
	if err := s.AddEvents(ctx, es[:1]); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Events(ctx, provisioning.EventFilter{})
	if len(after) != 1 || after[0].ID <= before[0].ID {
		t.Errorf("after trimming %d events (newest ID %d), the next got %v: want a new, higher ID",
			len(before), before[0].ID, after)
	}
}
