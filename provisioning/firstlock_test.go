package provisioning

import (
	"sync"
	"testing"
)

// TestFirstFetchLockIsAudited: the lock a first full config takes is an
// audit event, once, even when the phone's fetches race.
func TestFirstFetchLockIsAudited(t *testing.T) {
	f := newFixture(t, nil)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if r := f.get(f.secret("805ec0112233.cfg"), nil); !r.Found {
				t.Error("a genuine first fetch was refused")
			}
		})
	}
	wg.Wait()
	es, err := f.s.Events(t.Context(), EventFilter{MAC: phoneMAC, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var locks []Event
	for _, e := range es {
		if e.Outcome == "locked" {
			locks = append(locks, e)
		}
	}
	if len(locks) != 1 || locks[0].Reason != "first full config" || locks[0].IP != phoneIP {
		t.Fatalf("lock events %+v, want one, first full config, from %s", locks, phoneIP)
	}
}
