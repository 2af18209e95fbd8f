package provisioning

import (
	"strconv"
	"sync"
	"time"
)

// The log keeps at most refusalLogBurst "request refused" lines per
// refusalLogWindow. TFTP sources can be forged, so no ban stops a flood
// of refusals from ever new addresses; a line for each would let the
// sender fill the journal and, past journald's rate limit (10,000 lines
// in 30 s by default), silence every line of provbox, those about the
// attack included. The audit trail and the metrics still count every
// refusal; the log says how many lines it left out.
const (
	refusalLogWindow = 10 * time.Second
	refusalLogBurst  = 200
)

// LogBudget counts the lines of a window, for a log line that requests
// can make as often as their senders like; the zero value is ready.
type LogBudget struct {
	mu    sync.Mutex
	start time.Time
	used  int
	muted int
}

// Take reports whether a line may be logged at now; full is true for the
// one call that finds the budget just spent, and muted is how many lines
// an earlier window left out (reported once).
func (b *LogBudget) Take(now time.Time, window time.Duration, burst int) (ok, full bool, muted int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.start) >= window || now.Before(b.start) {
		muted, b.muted = b.muted, 0
		b.start, b.used = now, 0
	}
	if b.used >= burst {
		b.muted++
		return false, b.muted == 1, muted
	}
	b.used++
	return true, false, muted
}

// logRefusal writes a refusal's line within the budget.
func (s *Service) logRefusal(now time.Time, attrs ...any) {
	ok, full, muted := s.refusalLog.Take(now, refusalLogWindow, refusalLogBurst)
	if muted > 0 {
		s.log.Warn("request refusals not logged", "count", muted, "window", refusalLogWindow.String(),
			"reason", "too many refusals; the audit trail (provbox events) keeps every one")
	}
	if full {
		s.log.Warn("request refusals not logged", "reason", "more than "+strconv.Itoa(refusalLogBurst)+" in "+
			refusalLogWindow.String()+"; the audit trail (provbox events) keeps every one; a count follows")
	}
	if ok {
		s.log.Warn("request refused", attrs...)
	}
}
