package dhcp

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// asyncCommitter is a Core that can make a lease durable without a
// goroutine waiting for it (*provisioning.Service can): done runs once
// the lease is durable (nil) or was not stored, never before.
type asyncCommitter interface {
	CommitLeaseAsync(l provisioning.Lease, done func(error))
}

// wait finishes p, which begin decided on the reading goroutine, without
// holding that goroutine up. An ACK (one lease to commit, no ARP probe)
// is handed to the core's group commit and sent from its callback: the
// reply still leaves only once its lease is durable, and no goroutine
// waits per lease (a goroutine start and two thread wake-ups a lease, a
// large part of the CPU at a few thousand leases a second). Anything else
// that may wait gets its own goroutine. release runs when p is done, or
// when its commit is abandoned at the deadline (commitAsync).
func (s *Server) wait(p *inFlight, release func(), wg *sync.WaitGroup) {
	if p == nil {
		release()
		return
	}
	if ac, ok := s.core.(asyncCommitter); ok && !p.d.probe.IsValid() && len(p.d.commit) == 1 {
		s.commitAsync(ac, p, release, wg)
		return
	}
	wg.Go(func() {
		defer release()
		s.finish(p)
	})
}

// Who finished an asynchronous commit first: its callback (the lease came
// back in time) or the commitTTL timer (it did not).
const (
	commitPending int32 = iota
	commitAnswered
	commitAbandoned
)

// commitAsync hands p's lease to the core's group commit and replies from
// its callback. A commit that has not come back within commitTTL (a store
// that hangs) is abandoned: its admission slot is released then, as the
// goroutine of a synchronous commit gave it up when its context ran out,
// so a hung store cannot keep every slot and shut out the clients'
// retransmissions and new clients for as long as it hangs. Exactly one of
// the timer and the callback wins (a compare-and-swap), so the slot is
// released once; an abandoned commit that completes later never replies,
// and a callback that wins still passes the liveness check (reply).
func (s *Server) commitAsync(ac asyncCommitter, p *inFlight, release func(), wg *sync.WaitGroup) {
	wg.Add(1)
	start := time.Now()
	l := p.d.commit[0]
	var state atomic.Int32
	timer := time.AfterFunc(s.commitTTL, func() {
		if state.CompareAndSwap(commitPending, commitAbandoned) {
			s.log.Error("lease not stored in time, slot released, reply withheld", "mac", l.MAC, "ip", l.IP, "after", s.commitTTL)
			release()
		}
	})
	ac.CommitLeaseAsync(l, func(err error) {
		defer wg.Done()
		defer s.dealtWith(p.req)
		defer putReply(p.d.reply)
		timer.Stop()
		if !state.CompareAndSwap(commitPending, commitAnswered) {
			s.log.Error("lease commit came back after its slot was released, reply withheld", "mac", l.MAC, "ip", l.IP,
				"took", time.Since(start), "err", err)
			return
		}
		defer release()
		if errors.Is(err, provisioning.ErrLeaseBacklog) {
			// At the rate REQUESTs arrive while the store hangs:
			// overload, counted and logged as such, not a line each.
			s.shed("lease store backlogged")
			return
		}
		if err != nil {
			s.log.Error("lease not stored, reply withheld", "mac", l.MAC, "ip", l.IP, "err", err)
			return
		}
		// As commit's deadline: a client has retried by now, and the
		// reply may no longer match what it asks.
		if took := time.Since(start); took > s.commitTTL {
			s.log.Error("lease stored too late, reply withheld", "mac", l.MAC, "ip", l.IP, "took", took)
			return
		}
		s.reply(p)
	})
}
