package web_test

import (
	"context"
	"encoding/csv"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/store"
)

// TestEventsWindowOverlapsRepeats: a line of folded repeats that began
// before a time window and went on into it is in the window on the events
// page, in the CSV export and in the dashboard's count of the day's
// refusals, each of its requests counted; a line that ended before the
// window is not.
func TestEventsWindowOverlapsRepeats(t *testing.T) {
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Minute)
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	es := []provisioning.Event{
		{Time: now.Add(-30 * time.Hour), Proto: "http", IP: netip.MustParseAddr("192.0.2.7"), UA: "scanner/1.0", File: "/x.cfg",
			Outcome: "refused", Reason: "bad-path", Count: 40, Last: now.Add(-2 * time.Hour)},
		{Time: now.Add(-26 * time.Hour), Proto: "http", IP: netip.MustParseAddr("192.0.2.8"), Outcome: "refused", Reason: "bad-path"},
	}
	if err := st.AddEvents(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	st.Close()
	e := newEnvIn(t, dir, nil, nil)
	at := func(d time.Duration) string { return now.Add(d).Format("2006-01-02T15:04") }
	for _, tc := range []struct {
		query string
		want  []string // the requesters shown
	}{
		{"since=" + at(-3*time.Hour), []string{"192.0.2.7"}},
		{"since=" + at(-10*time.Hour) + "&until=" + at(-5*time.Hour), []string{"192.0.2.7"}},
		{"since=" + at(-time.Hour), nil},
		{"until=" + at(-27*time.Hour), []string{"192.0.2.7"}},
		{"since=" + at(-27*time.Hour) + "&until=" + at(-25*time.Hour), []string{"192.0.2.8", "192.0.2.7"}}, // newest first, by first request,
	} {
		q, _ := url.ParseQuery(tc.query)
		q.Set("outcome", "refused")
		r := e.get(t, "/events?"+q.Encode())
		if n := len(rowRE.FindAllString(r.body, -1)); n != len(tc.want) {
			t.Errorf("events page %s: %d lines, want %v", tc.query, n, tc.want)
		}
		c := e.get(t, "/events.csv?"+q.Encode())
		rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
		if err != nil || len(rows) != len(tc.want)+1 {
			t.Errorf("CSV %s: %d rows, %v; want %v", tc.query, len(rows)-1, err, tc.want)
			continue
		}
		for i, ip := range tc.want {
			if rows[i+1][3] != ip {
				t.Errorf("CSV %s: row %d is %q, want %s", tc.query, i+1, rows[i+1][3], ip)
			}
		}
	}
	if r := e.get(t, "/"); !strings.Contains(r.body, `<span class="n" id="n-refusals">40</span>`) {
		t.Errorf("the dashboard does not count the 40 refusals that went on into the day:\n%s", r.body)
	}
}
