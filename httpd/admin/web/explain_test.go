package web

import (
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// TestExplain: the state says why, from what the core keeps.
func TestExplain(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	at := now.Add(-time.Hour)
	row := func(state string, openUntil, lockedAt, windowEnd time.Time) ops.DeviceRow {
		return ops.DeviceRow{DeviceView: provisioning.DeviceView{State: state,
			Device: provisioning.Device{OpenUntil: openUntil, LockedAt: lockedAt}}, WindowEnd: windowEnd}
	}
	fetch := []provisioning.Event{{Time: at.Add(300 * time.Millisecond), Proto: "http", Outcome: "config"}}
	byAdmin := []provisioning.Event{{Time: at.Add(2 * time.Hour), Proto: "http", Outcome: "refused"}, {Time: at, Proto: "admin", Outcome: "locked"}}
	stale := []provisioning.Event{{Time: at.Add(-time.Minute), Proto: "admin", Outcome: "locked"}}
	for _, tc := range []struct {
		name   string
		d      ops.DeviceRow
		events []provisioning.Event
		want   stateNote
	}{
		{"open", row("open", now.Add(time.Hour), time.Time{}, now.Add(time.Hour)), nil, stateNote{"open until", now.Add(time.Hour)}},
		{"provisioned", row("locked", time.Time{}, at, time.Time{}), fetch, stateNote{"provisioned at", at}},
		{"locked by admin", row("locked", time.Time{}, at, time.Time{}), byAdmin, stateNote{"locked by admin at", at}},
		{"lock cause unknown", row("locked", time.Time{}, at, time.Time{}), stale, stateNote{"locked at", at}},
		{"window expired", row("locked", time.Time{}, time.Time{}, at), nil, stateNote{"window expired at", at}},
		{"no times", row("locked", time.Time{}, time.Time{}, time.Time{}), nil, stateNote{Text: "locked"}},
	} {
		if got := explain(tc.d, now, tc.events); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
