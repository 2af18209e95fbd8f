package ops

import (
	"context"
	"fmt"
	"strconv"

	"github.com/provbox/provbox/provisioning"
)

// Event is the audit line with ID id (as a URL carries it).
func (o *Ops) Event(ctx context.Context, id string) (provisioning.Event, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || n == 1<<63-1 {
		return provisioning.Event{}, Badf("event %q: want an event ID", id)
	}
	es, err := o.svc.Events(ctx, provisioning.EventFilter{ID: n, Limit: 1})
	if err != nil {
		return provisioning.Event{}, err
	}
	if len(es) == 0 {
		return provisioning.Event{}, fmt.Errorf("event %d: %w", n, provisioning.ErrNotFound)
	}
	return es[0], nil
}

// Why is a refused request's audit line explained again, as it would be
// decided now: a file request (Fetch) or a DHCP client (DHCP). Err says
// why it could not be replayed (a redacted secret path, DHCP off); the
// line itself is always there.
type Why struct {
	Event provisioning.Event
	Fetch *provisioning.Explanation
	DHCP  *DHCPExplanation
	Err   error
}

// WhyEvent explains the audit line id again with explain's dry run (no
// strike, lock, lease or audit line). Only an unknown or malformed id is
// an error; a line that cannot be replayed says so in Why.Err.
func (o *Ops) WhyEvent(ctx context.Context, id string) (Why, error) {
	e, err := o.Event(ctx, id)
	if err != nil {
		return Why{}, err
	}
	w := Why{Event: e}
	if e.Proto == "dhcp" {
		if e.MAC.IsZero() {
			w.Err = Badf("this DHCP line names no client MAC to explain")
			return w, nil
		}
		var x DHCPExplanation
		if x, w.Err = o.ExplainDHCP(ctx, DHCPQuery{MAC: e.MAC.String()}); w.Err == nil {
			w.DHCP = &x
		}
		return w, nil
	}
	var x provisioning.Explanation
	if x, w.Err = o.ExplainEvent(ctx, e); w.Err == nil {
		w.Fetch = &x
	}
	return w, nil
}
