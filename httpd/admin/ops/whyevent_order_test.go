package ops

import (
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestEventFoundWhateverItsTime: a line is found by its ID even when a
// line written before it (a lower ID) is later in time. Requests reach
// the audit queue in about, not exactly, their order (a request decided
// earlier may be audited after one decided later), and a line of folded
// repeats takes the time of its earliest: here the second line folds a
// late repeat from before the first line, so the trail's time order and
// ID order disagree, and every line's Why? link must still find it.
func TestEventFoundWhateverItsTime(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	var now atomic.Int64
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://10.20.0.2", Now: clock})
	o := New(svc)
	ctx := t.Context()
	ask := func(ip string, at time.Duration) {
		now.Store(t0.Add(at).UnixNano())
		svc.Fetch(ctx, provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, Path: "/favicon.ico",
			RemoteIP: netip.MustParseAddr(ip), UserAgent: "scanner/1.0"})
	}
	ask("192.0.2.7", 5*time.Millisecond)
	ask("192.0.2.8", 8*time.Millisecond)
	ask("192.0.2.8", 1*time.Millisecond) // decided before the first, audited after
	es, err := svc.Events(ctx, provisioning.EventFilter{})
	if err != nil || len(es) < 2 {
		t.Fatalf("events: %+v %v", es, err)
	}
	for _, e := range es {
		got, err := o.Event(ctx, strconv.FormatInt(e.ID, 10))
		if err != nil || got.ID != e.ID {
			t.Errorf("line %d (%s from %s, time %s): %v", e.ID, e.Outcome, e.IP, e.Time.Format(time.StampMicro), err)
		}
	}
}
