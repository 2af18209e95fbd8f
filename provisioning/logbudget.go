package provisioning

import (
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
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

// BudgetNotice is what the log says of the lines a budget leaves out.
type BudgetNotice struct {
	Msg   string // the notice's message ("request refusals not logged")
	Many  string // why lines were left out ("too many refusals")
	Kept  string // where each one still counts ("the audit trail keeps every one")
	Attrs []any  // added to every notice ("proto", "tftp")
}

// Log runs line when the budget (burst lines per window) allows it at
// now. The first line it leaves out in a window is announced, and the
// count of those left out is logged when the window ends, even if no
// further line comes to report it (a flood that stopped).
func (b *LogBudget) Log(log *slog.Logger, now time.Time, window time.Duration, burst int, n BudgetNotice, line func()) {
	ok, full, muted := b.Take(now, window, burst)
	if muted > 0 {
		n.muted(log, window, muted)
	}
	if full {
		log.Warn(n.Msg, append(slices.Clip(n.Attrs), "reason",
			fmt.Sprintf("more than %d in %v; %s; a count follows", burst, window, n.Kept))...)
		n := n // only this branch's copy escapes to the timer: no allocation per line
		time.AfterFunc(window, func() {
			if m := b.Flush(); m > 0 {
				n.muted(log, window, m)
			}
		})
	}
	if ok {
		line()
	}
}

func (n BudgetNotice) muted(log *slog.Logger, window time.Duration, count int) {
	log.Warn(n.Msg, append(slices.Clip(n.Attrs), "count", count, "window", window.String(), "reason", n.Many+"; "+n.Kept)...)
}
