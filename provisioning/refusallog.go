package provisioning

import "time"

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

// logRefusal writes a refusal's line within its protocol's budget: a
// flood of forged TFTP refusals, which no ban stops, must not mute the
// HTTP ones (real sources, which bans do stop: an HTTP flood ends in a
// ban, itself logged), nor the reverse.
func (s *Service) logRefusal(now time.Time, proto Proto, attrs ...any) {
	b, which := &s.refusalLog[0], "http"
	if proto == ProtoTFTP {
		b, which = &s.refusalLog[1], "tftp"
	}
	b.Log(s.log, now, refusalLogWindow, refusalLogBurst, BudgetNotice{Msg: "request refusals not logged",
		Many: "too many refusals", Kept: "the audit trail (provbox events) keeps every one", Attrs: []any{"proto", which}},
		func() { s.log.Warn("request refused", attrs...) })
}
