package web_test

import (
	"context"
	"encoding/csv"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/store"
)

// TestEventsCSVIgnoresPageCursor: the CSV export is every line the search
// selects, whichever page it was asked from: a URL carrying a page's
// cursor (page and before, as the Older link makes them) exports the
// whole search, not the lines after the cursor. (The export drops the
// page number; it must drop the cursor with it.)
func TestEventsCSVIgnoresPageCursor(t *testing.T) {
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Minute)
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var es []provisioning.Event
	for i := range 3 {
		es = append(es, provisioning.Event{Time: now.Add(time.Duration(i-10) * time.Minute), Proto: "tftp",
			IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + i)}), Outcome: "refused", Reason: "bad-path"})
	}
	if err := st.AddEvents(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	all, err := st.Events(context.Background(), provisioning.EventFilter{})
	st.Close()
	if err != nil || len(all) != 3 {
		t.Fatalf("the trail: %d lines, %v", len(all), err)
	}
	e := newEnvIn(t, dir, nil, nil)
	c := e.get(t, "/events.csv?outcome=refused&page=2&before="+strconv.FormatInt(all[0].ID, 10))
	rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("CSV asked from page 2: %d lines, %v; want all 3 the search selects\n%s", len(rows)-1, err, c.body)
	}
}
