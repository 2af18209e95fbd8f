package httpd

import (
	"net/http"
	"time"
)

// Observer is told how each phone request ended, for counting (the
// Prometheus metrics of cmd/provbox). outcome is a fixed word: ok,
// not-found (also every refusal: phones and attackers see the same),
// client-error, server-error. It must be cheap and must not block.
type Observer interface {
	Request(outcome string, d time.Duration)
}

type nopObserver struct{}

func (nopObserver) Request(string, time.Duration) {}

// SetObserver makes the server report to o; call it before serving.
func (s *Server) SetObserver(o Observer) {
	if o == nil {
		o = nopObserver{}
	}
	s.obs = o
}

// outcomeOf is the outcome word of a response status (0: nothing was
// written, net/http answers 200).
func outcomeOf(status int) string {
	switch {
	case status == http.StatusNotFound:
		return "not-found"
	case status >= 500:
		return "server-error"
	case status >= 400:
		return "client-error"
	default:
		return "ok"
	}
}
