package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
)

// TestWhyPageShowsRepeats: the Why? page of a refused line that stands
// for several identical requests says how many and when the last came,
// as the events page does: the admin who follows the link from "×5" must
// not read it as one request.
func TestWhyPageShowsRepeats(t *testing.T) {
	e := newEnv(t)
	probeRepeatedly(t, e, 5)
	es, err := e.svc.Events(t.Context(), provisioning.EventFilter{Outcome: "refused"})
	if err != nil || len(es) == 0 {
		t.Fatalf("events: %v, %d", err, len(es))
	}
	var folded *provisioning.Event
	for i := range es {
		if es[i].Count > 1 {
			folded = &es[i]
		}
	}
	if folded == nil {
		t.Skip("the writer's tick split every repeat: nothing folded")
	}
	r := e.get(t, fmt.Sprintf("/events/%d/why", folded.ID))
	if want := fmt.Sprintf(`title="%d identical requests">×%d</span>`, folded.Count, folded.Count); !strings.Contains(r.body, want) ||
		!strings.Contains(r.body, `<span class="muted">to <time`) {
		t.Fatalf("Why? of a line of %d repeats: want %q and the last time\n%s", folded.Count, want, r.body)
	}
}
