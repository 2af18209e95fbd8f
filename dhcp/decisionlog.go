package dhcp

import (
	"context"
	"log/slog"
	"strconv"
	"time"
)

// The decision lines at info level (ACK, NAK, DECLINE) keep at most
// decisionLogBurst lines per decisionLogWindow. DHCP is unauthenticated
// and a REQUEST costs one datagram, so anyone on the segment can have
// provbox NAK, or ACK a renewal, at the rate it likes; a line for each
// would let it fill the journal and, past journald's rate limit, silence
// every line of provbox. Phones renew at T1 (hours): a site's real
// decisions stay far below the budget except right after a power cut,
// when the log says how many lines it left out and the lease table
// holds every lease.
const (
	decisionLogWindow = 10 * time.Second
	decisionLogBurst  = 200
)

// logDecision writes a decision's line, within the budget when its level
// is info or above (debug lines are off unless asked for).
func (s *Server) logDecision(level slog.Level, msg string, attrs ...any) {
	if level < slog.LevelInfo {
		s.log.Log(context.Background(), level, msg, attrs...)
		return
	}
	ok, full, muted := s.decisionLog.Take(s.now(), decisionLogWindow, decisionLogBurst)
	if muted > 0 {
		s.log.Warn("dhcp decisions not logged", "count", muted, "window", decisionLogWindow.String(),
			"reason", "too many acks, naks or declines; every one was answered")
	}
	if full {
		s.log.Warn("dhcp decisions not logged", "reason", "more than "+strconv.Itoa(decisionLogBurst)+" in "+
			decisionLogWindow.String()+"; a count follows")
		time.AfterFunc(decisionLogWindow, func() {
			if m := s.decisionLog.Flush(); m > 0 {
				s.log.Warn("dhcp decisions not logged", "count", m, "window", decisionLogWindow.String(),
					"reason", "too many acks, naks or declines; every one was answered")
			}
		})
	}
	if ok {
		s.log.Log(context.Background(), level, msg, attrs...)
	}
}
