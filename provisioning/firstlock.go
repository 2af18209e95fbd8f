package provisioning

// lockFirstFetch locks device m as its first full config is served, and
// returns once the lock is durable. The store's conditional write decides
// who takes the lock, so when several fetches race (on this box or on
// nodes sharing one database) it is taken, and audited, exactly once. A
// fetch that lost the race is still served: it was admitted while the
// device was open, as on a single box; the device's memory view takes the
// stored lock either way. Concurrent locks share one transaction
// (devicewrites.go), and the requester's context does not cancel the
// lock: once the core decided to serve, the device ends up locked.
func (s *Service) lockFirstFetch(fc *fetchState, m MAC, vendor string) error {
	now := s.now().UTC()
	r := s.devW.lock(m, now)
	if r.Err != nil {
		return r.Err
	}
	if r.Took {
		s.audit(Event{Time: now, Proto: string(fc.r.Proto), IP: fc.r.RemoteIP, MAC: m, UA: fc.r.UserAgent,
			File: fc.path.redacted(), Outcome: "locked", Reason: "first full config"})
		s.log.Info("device locked after provisioning", "mac", m.String())
		s.obs.get().Locked(vendor)
	}
	return nil
}
