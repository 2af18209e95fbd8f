package web_test

import (
	"encoding/csv"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestEventsPageShowsRepeats: identical refusals folded into one audit
// line show on the events page with their count and span, in the CSV
// export's count and last columns, and each counts on the dashboard.
func TestEventsPageShowsRepeats(t *testing.T) {
	e := newEnv(t)
	probeRepeatedly(t, e, 5)
	// One line counting 5 (two if the writer's tick falls between them).
	r := e.get(t, "/events?outcome=refused")
	if n := len(rowRE.FindAllString(r.body, -1)); n > 2 || !strings.Contains(r.body, ` identical requests">×`) ||
		!strings.Contains(r.body, `<span class="muted">to <time`) {
		t.Fatalf("5 identical refusals: %d rows, want their count shown\n%s", n, r.body)
	}
	c := e.get(t, "/events.csv?outcome=refused")
	rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][10] != "count" || rows[0][11] != "last" {
		t.Fatalf("CSV: %v\n%s", err, c.body)
	}
	total := 0
	for _, row := range rows[1:] {
		n, err := strconv.Atoi(row[10])
		if err != nil {
			t.Fatalf("CSV count %q: %v", row[10], err)
		}
		total += n
		if n == 1 {
			continue
		}
		first, err1 := time.Parse(time.RFC3339Nano, row[1])
		last, err2 := time.Parse(time.RFC3339Nano, row[11])
		if err1 != nil || err2 != nil || last.Before(first) {
			t.Errorf("CSV times %q to %q: %v %v", row[1], row[11], err1, err2)
		}
	}
	if total != 5 {
		t.Errorf("CSV lines count %d requests, want 5\n%s", total, c.body)
	}
	if d := e.get(t, "/"); !strings.Contains(d.body, `<span class="n" id="n-refusals">5</span>`) {
		t.Errorf("dashboard: the folded line does not count 5 refusals\n%s", d.body)
	}
}

// probeRepeatedly makes n identical refused requests, which the audit
// trail folds into one line (two if the writer's tick falls between them).
func probeRepeatedly(t *testing.T, e *env, n int) {
	t.Helper()
	for range n {
		e.svc.Fetch(t.Context(), provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, Path: "/favicon.ico",
			RemoteIP: netip.MustParseAddr("192.0.2.66"), UserAgent: "scanner/1.0"})
	}
}
