package dhcp

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// abandonedCommits records the MACs whose lease commit the server gave
// up on at its deadline, from the server's log: the one sign that a
// commit still stuck can no longer be answered.
type abandonedCommits struct {
	mu   sync.Mutex
	macs map[string]bool
}

// withAbandonedCommits makes the server log to a, and only to a.
func withAbandonedCommits(a *abandonedCommits) Option {
	return func(s *Server) { s.log = slog.New(a) }
}

// has reports whether every one of macs was abandoned.
func (a *abandonedCommits) has(macs []string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range macs {
		if !a.macs[m] {
			return false
		}
	}
	return true
}

func (a *abandonedCommits) Enabled(context.Context, slog.Level) bool { return true }

func (a *abandonedCommits) Handle(_ context.Context, r slog.Record) error {
	if r.Message != abandonedMsg {
		return nil
	}
	r.Attrs(func(at slog.Attr) bool {
		if at.Key == "mac" {
			a.mu.Lock()
			if a.macs == nil {
				a.macs = map[string]bool{}
			}
			a.macs[fmt.Sprint(at.Value.Any())] = true
			a.mu.Unlock()
		}
		return true
	})
	return nil
}

func (a *abandonedCommits) WithAttrs([]slog.Attr) slog.Handler { return a }
func (a *abandonedCommits) WithGroup(string) slog.Handler      { return a }

// abandonedMsg is what async.go logs when a commit's deadline frees its
// slot.
const abandonedMsg = "lease not stored in time, slot released, reply withheld"
