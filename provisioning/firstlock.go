package provisioning

import (
	"context"
	"time"
)

// lockFirstFetch locks device m as its first full config is served. The
// store's conditional write decides who takes the lock, so when several
// fetches race (on this box or on nodes sharing one database) it is taken,
// and audited, exactly once. A fetch that lost the race is still served:
// it was admitted while the device was open, as on a single box; the
// device's memory view takes the stored lock either way.
func (s *Service) lockFirstFetch(ctx context.Context, fc fetchState, m MAC, vendor string) error {
	now := s.now().UTC()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	took, at, err := s.st.LockOpenDevice(ctx, m, now)
	if err != nil {
		return err
	}
	s.publishLock(m, at)
	if took {
		s.audit(Event{Time: now, Proto: string(fc.r.Proto), IP: fc.r.RemoteIP, MAC: m, UA: fc.r.UserAgent,
			File: fc.path.redacted(), Outcome: "locked", Reason: "first full config"})
		s.log.Info("device locked after provisioning", "mac", m.String())
		s.obs.get().Locked(vendor)
	}
	return nil
}

// publishLock shows device m locked at at in memory; a new copy replaces
// the old, which readers may still hold. Callers hold wmu.
func (s *Service) publishLock(m MAC, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.devices[m]
	if !ok {
		return
	}
	d := *cur
	d.OpenUntil, d.LockedAt = time.Time{}, at
	s.putDevice(&d)
}
