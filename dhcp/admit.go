package dhcp

import (
	"context"
	"time"
)

// slotWait is how long a reader waits for one of the maxInFlight slots
// before it sheds a packet. A burst (a boot storm) keeps every slot taken
// for a group commit or a few, not longer: waiting lets the socket's
// receive buffer hold the rest of the burst, answered well within a
// client's first retransmission (about 4 s, RFC 2131 section 4.1), where
// shedding would cost each of those clients those 4 s. A slot that stays
// taken for slotWait means the handlers are stuck (a stalled commit waits
// up to commitTTL), not busy.
const slotWait = time.Second

// admission hands out in-flight slots to one reader. Once a wait has run
// out the reader sheds at once, without waiting again, until a slot
// frees: under a stall the queue is then the socket buffer and nothing
// more, and the reader drains it promptly, so that the clients' fresh
// retransmissions, not packets gone stale, take the slots that free.
type admission struct {
	sem     chan struct{}
	wait    time.Duration
	stalled bool
}

// acquire takes a slot (release it with <-sem), or reports false: shed.
func (a *admission) acquire(ctx context.Context) bool {
	select {
	case a.sem <- struct{}{}:
		a.stalled = false
		return true
	default:
	}
	if a.stalled {
		return false
	}
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case a.sem <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	a.stalled = true
	return false
}
