package lab

import (
	"testing"
	"time"
)

// TestCountRefusalsOfFoldedLines: the audit trail folds identical repeats
// of a request into one line (count, last), so the framer's judge counts
// the requests a line stands for, not lines, and takes a line whose
// repeats ran past the framer's start.
func TestCountRefusalsOfFoldedLines(t *testing.T) {
	since := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	es := []event{
		{Time: since.Add(time.Second), IP: "10.0.0.9", Outcome: "refused", Reason: "bad-path", Count: 4, Last: since.Add(1100 * time.Millisecond)},
		{Time: since.Add(-50 * time.Millisecond), IP: "10.0.0.9", Outcome: "refused", Reason: "bad-hash", Count: 3, Last: since.Add(100 * time.Millisecond)},
		{Time: since.Add(2 * time.Second), IP: "10.0.0.9", Outcome: "refused", Reason: "unknown-mac 00:11:22:33:44:55"},
		{Time: since.Add(-time.Minute), IP: "10.0.0.9", Outcome: "refused", Reason: "bad-path"}, // before: not the framer's
		{Time: since.Add(time.Second), IP: "10.0.0.8", Outcome: "refused", Reason: "bad-path", Count: 9, Last: since.Add(2 * time.Second)},
	}
	if n := refusalsOf(es, "10.0.0.9", since); n != 8 {
		t.Errorf("counted %d forged refusals, want 8 (4 + 3 + 1)", n)
	}
}
