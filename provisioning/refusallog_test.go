package provisioning

import (
	"testing"
	"time"
)

// TestLogBudget: burst lines per window, one "full" signal when it is
// spent, and the count left out reported once, at the next window.
func TestLogBudget(t *testing.T) {
	var b LogBudget
	t0 := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	logged, fulls := 0, 0
	for i := range 10 {
		ok, full, muted := b.Take(t0.Add(time.Duration(i)*time.Millisecond), time.Second, 3)
		if ok {
			logged++
		}
		if full {
			fulls++
		}
		if muted != 0 {
			t.Fatalf("take %d: muted %d within the first window", i, muted)
		}
	}
	if logged != 3 || fulls != 1 {
		t.Fatalf("first window: %d logged, %d full signals; want 3 and 1", logged, fulls)
	}
	if ok, full, muted := b.Take(t0.Add(time.Second), time.Second, 3); !ok || full || muted != 7 {
		t.Fatalf("next window: ok %v full %v muted %d; want true false 7", ok, full, muted)
	}
	if _, _, muted := b.Take(t0.Add(2500*time.Millisecond), time.Second, 3); muted != 0 {
		t.Fatalf("the count was reported twice: %d", muted)
	}
	// A clock stepped back starts a new window rather than muting forever.
	if ok, _, _ := b.Take(t0, time.Second, 3); !ok {
		t.Fatal("a clock stepped back muted the log")
	}
}
