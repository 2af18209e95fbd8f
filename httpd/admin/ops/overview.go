package ops

import (
	"context"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// overviewEvents bounds how much of the last day's audit trail an
// overview counts; past it the counts say "at least".
const overviewEvents = 20000

// Overview is what a dashboard shows: devices by state, the last day's
// refusals and bans, leases and the latest events.
type Overview struct {
	Devices, Open, Locked int
	// Provisioned are locked devices whose phone has fetched (seen);
	// Expired are locked devices whose window ended with no lock taken
	// (the phone never came).
	Provisioned, Expired int
	// Refusals and Bans count the audit trail's "refused" and "banned"
	// events since Since; Capped says the trail had more than was read.
	Refusals, Bans int
	Since          time.Time
	Capped         bool
	ActiveBans     int
	Leases         []provisioning.Lease
	Recent         []provisioning.Event // newest first
	Node           *NodeStatus          // role, peers, database; nil when not installed
}

// Overview sums up the core at now; recent is how many of the latest
// events to include.
func (o *Ops) Overview(ctx context.Context, now time.Time, recent int) (Overview, error) {
	v := Overview{Since: now.Add(-24 * time.Hour), Leases: o.Leases()}
	if n, ok := o.Node(ctx); ok {
		v.Node = &n
	}
	for _, d := range o.svc.Devices() {
		v.Devices++
		switch {
		case o.svc.View(d).State == "open":
			v.Open++
		case !d.LockedAt.IsZero():
			v.Locked++
			if !d.LastSeen.IsZero() {
				v.Provisioned++
			}
		default:
			v.Locked++
			if !d.OpenUntil.IsZero() {
				v.Expired++
			}
		}
	}
	if o.bans != nil {
		v.ActiveBans = len(o.bans.Bans())
	}
	es, err := o.svc.Events(ctx, provisioning.EventFilter{Since: v.Since, Limit: overviewEvents})
	if err != nil {
		return v, err
	}
	v.Capped = len(es) >= overviewEvents
	for _, e := range es {
		switch e.Outcome {
		case "refused":
			// A line of repeats counts each, and is in when its last
			// request is (the Since filter): a line that began before
			// the day counts whole, as the lab's judges count it.
			v.Refusals += e.Times()
		case "banned":
			v.Bans++
		}
	}
	if len(es) > recent {
		es = es[:recent]
	}
	if len(es) < recent {
		// A quiet day: the latest events may be older than a day.
		if es, err = o.svc.Events(ctx, provisioning.EventFilter{Limit: recent}); err != nil {
			return v, err
		}
	}
	v.Recent = es
	return v, nil
}
