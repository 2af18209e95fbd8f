package tftp

import (
	"errors"
	"time"
)

// Observer is told how each transfer ended, for counting (the Prometheus
// metrics of cmd/provbox). outcome is a fixed word: ok, failed, or a
// refusal's reason (banned, bad-path, not-found, transfer-timeout,
// shutdown, write-request, too-many-transfers). It must be cheap and must
// not block.
type Observer interface {
	Transfer(outcome string, d time.Duration)
}

type nopObserver struct{}

func (nopObserver) Transfer(string, time.Duration) {}

// SetObserver makes the server report to o; call it before serving.
func (s *Server) SetObserver(o Observer) {
	if o == nil {
		o = nopObserver{}
	}
	s.obs = o
}

// InFlight is the number of transfers running, lingering ones included.
func (s *Server) InFlight() int {
	s.limit.mu.Lock()
	defer s.limit.mu.Unlock()
	return s.limit.total + s.limit.lingering
}

// outcomeOf is the outcome word of a failed transfer's error.
func outcomeOf(err error) string {
	var r *refusal
	if errors.As(err, &r) {
		return r.reason
	}
	return "failed"
}
