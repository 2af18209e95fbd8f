package dhcp

import (
	"sync"
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
// that may wait gets its own goroutine. release runs when p is done.
func (s *Server) wait(p *inFlight, release func(), wg *sync.WaitGroup) {
	if p == nil {
		release()
		return
	}
	if ac, ok := s.core.(asyncCommitter); ok && !p.d.probe.IsValid() && len(p.d.commit) == 1 {
		wg.Add(1)
		start := time.Now()
		l := p.d.commit[0]
		ac.CommitLeaseAsync(l, func(err error) {
			defer wg.Done()
			defer release()
			defer s.dealtWith(p.req)
			defer putReply(p.d.reply)
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
		return
	}
	wg.Go(func() {
		defer release()
		s.finish(p)
	})
}
