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

// Flush returns, once, the lines left out so far: a caller that found the
// budget spent (full) calls it when the window has ended, so the count
// is reported although no further line came (a flood that stopped).
// Take then reports only what was left out after it.
func (b *LogBudget) Flush() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	m := b.muted
	b.muted = 0
	return m
}

// logRefusal writes a refusal's line within its protocol's budget: a
// flood of forged TFTP refusals, which no ban stops, must not mute the
// HTTP ones (real sources, which bans do stop: an HTTP flood ends in a
// ban, itself logged), nor the reverse.
func (s *Service) logRefusal(now time.Time, proto Proto, attrs ...any) {
	b, which := &s.refusalLog[0], "http"
	if proto == ProtoTFTP {
		b, which = &s.refusalLog[1], "tftp"
	}
	ok, full, muted := b.Take(now, refusalLogWindow, refusalLogBurst)
	if muted > 0 {
		s.logMutedRefusals(which, muted)
	}
	if full {
		s.log.Warn("request refusals not logged", "proto", which, "reason", "more than "+strconv.Itoa(refusalLogBurst)+" in "+
			refusalLogWindow.String()+"; the audit trail (provbox events) keeps every one; a count follows")
		// The count is due when the window ends, even if no refusal
		// follows then (the flood stopped) to report it.
		time.AfterFunc(refusalLogWindow, func() {
			if m := b.Flush(); m > 0 {
				s.logMutedRefusals(which, m)
			}
		})
	}
	if ok {
		s.log.Warn("request refused", attrs...)
	}
}

func (s *Service) logMutedRefusals(proto string, n int) {
	s.log.Warn("request refusals not logged", "proto", proto, "count", n, "window", refusalLogWindow.String(),
		"reason", "too many refusals; the audit trail (provbox events) keeps every one")
}
