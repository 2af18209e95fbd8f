package dhcp

import (
	"context"
	"log/slog"
	"time"

	"github.com/provbox/provbox/provisioning"
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
	s.decisionLog.Log(s.log, s.now(), decisionLogWindow, decisionLogBurst, provisioning.BudgetNotice{
		Msg: "dhcp decisions not logged", Many: "too many acks, naks or declines", Kept: "every one was answered"},
		func() { s.log.Log(context.Background(), level, msg, attrs...) })
}
