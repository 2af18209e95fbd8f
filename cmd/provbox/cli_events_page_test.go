package main

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/provisioning"
)

// TestCLIEventsPagesAndWindow drives `provbox events` against a daemon
// whose trail's time and ID orders disagree (lines written out of time
// order, folded repeats, as late audit batches and two HA nodes write
// them): walking the pages with --before meets every line exactly once,
// in the order shown; --since finds a line of repeats that began before
// it and went on after it.
func TestCLIEventsPagesAndWindow(t *testing.T) {
	now := time.Now()
	r := rand.New(rand.NewPCG(3, 4))
	es := []provisioning.Event{{Time: now.Add(-3 * time.Hour), Proto: "tftp", IP: netip.MustParseAddr("192.0.2.9"),
		Outcome: "refused", Reason: "straddle", Count: 12, Last: now.Add(-10 * time.Minute)}}
	for i := range 40 {
		e := provisioning.Event{Time: now.Add(-time.Duration(2+r.IntN(30)) * time.Hour), Proto: "http",
			IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + i%4)}), Outcome: "refused", Reason: "bad-path"}
		if i%6 == 0 {
			e.Count, e.Last = 3, e.Time.Add(time.Minute)
		}
		es = append(es, e)
	}
	cfgPath := daemonWithEvents(t, es)

	all := decodeJSON[[]admin.Event](t, mustCLI(t, cfgPath, "events", "--limit", "1000", "--json"))
	if len(all) != len(es) {
		t.Fatalf("%d lines, want %d", len(all), len(es))
	}
	var walked []int64
	before := ""
	for range len(es) + 1 {
		args := []string{"events", "--limit", "4", "--json"}
		if before != "" {
			args = append(args, "--before", before)
		}
		page := decodeJSON[[]admin.Event](t, mustCLI(t, cfgPath, args...))
		for _, e := range page {
			walked = append(walked, e.ID)
		}
		if len(page) < 4 {
			break
		}
		before = strconv.FormatInt(page[len(page)-1].ID, 10)
	}
	want := make([]int64, len(all))
	for i, e := range all {
		want[i] = e.ID
	}
	if !slices.Equal(walked, want) {
		t.Errorf("pages with --before met\n%v\nwant every line once, in the order shown\n%v", walked, want)
	}
	got := decodeJSON[[]admin.Event](t, mustCLI(t, cfgPath, "events", "--since", "1h", "--json"))
	if len(got) != 1 || got[0].Reason != "straddle" || got[0].Count != 12 {
		t.Errorf("events --since 1h: %+v; want the 12 repeats from 3h ago until 10 minutes ago", got)
	}
}
