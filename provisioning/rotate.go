package provisioning

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// RekeyDevice replaces a device's hash. Its old secret URL keeps
// redirecting the device's checked phone to the new one for the rotation
// grace, then dies; with no grace it dies at once.
func (s *Service) RekeyDevice(ctx context.Context, m MAC) (Device, error) {
	return s.rekeyDevice(ctx, m, true)
}

// RekeyDeviceNoGrace replaces a device's hash and ends every old URL of
// the device at once, this one and those of earlier rekeys: for a leak
// whose holder may pass the fingerprint checks.
func (s *Service) RekeyDeviceNoGrace(ctx context.Context, m MAC) (Device, error) {
	return s.rekeyDevice(ctx, m, false)
}

func (s *Service) rekeyDevice(ctx context.Context, m MAC, grace bool) (Device, error) {
	r, err := s.beginRehash(m)
	if err != nil {
		return Device{}, err
	}
	defer s.wmu.Unlock()
	cfg, now := r.cfg, r.now
	var retired []OldPath
	if a := s.accounts[r.d.Account]; a != nil && grace && cfg.RotationGrace > 0 {
		retired = append(retired, retire(a.Hash, r.cur.Hash, m, causeDeviceRekey, now, cfg.RotationGrace))
	}
	if err := s.st.Rekey(ctx, Rekey{Device: &r.d, Retire: retired, DropPending: !grace, Now: now}); err != nil {
		return Device{}, fmt.Errorf("storing device %s: %w", m, err)
	}
	s.mu.Lock()
	r.publish(s)
	if !grace {
		s.old.dropMAC(m)
	}
	s.publishOld(retired, now)
	s.mu.Unlock()
	s.auditRekey(ctx, now, m, causeDeviceRekey, retired, grace)
	return r.d, nil
}

// RekeyAccount replaces an account's hash: every secret URL of its devices
// changes at once. Each old URL redirects its device's checked phone to
// the new one for the rotation grace, then dies.
func (s *Service) RekeyAccount(ctx context.Context, name string) (Account, error) {
	return s.rekeyAccount(ctx, name, true)
}

// RekeyAccountNoGrace replaces an account's hash and ends every old URL of
// its devices at once.
func (s *Service) RekeyAccountNoGrace(ctx context.Context, name string) (Account, error) {
	return s.rekeyAccount(ctx, name, false)
}

func (s *Service) rekeyAccount(ctx context.Context, name string, grace bool) (Account, error) {
	h, err := NewHash()
	if err != nil {
		return Account{}, err
	}
	now := s.now().UTC()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cfg, _ := s.config()
	cur, ok := s.accounts[name]
	if !ok {
		return Account{}, fmt.Errorf("account %q: %w", name, ErrNotFound)
	}
	a := *cur
	a.Hash = h
	var retired []OldPath
	var macs []MAC
	for _, d := range s.devices {
		if d.Account != name {
			continue
		}
		macs = append(macs, d.MAC)
		if grace && cfg.RotationGrace > 0 {
			retired = append(retired, retire(cur.Hash, d.Hash, d.MAC, causeAccountRekey, now, cfg.RotationGrace))
		}
	}
	if err := s.st.Rekey(ctx, Rekey{Account: &a, Retire: retired, DropPending: !grace, Now: now}); err != nil {
		return Account{}, fmt.Errorf("storing account %q: %w", name, err)
	}
	s.mu.Lock()
	delete(s.acctHash, cur.Hash)
	s.accounts[name], s.acctHash[h] = &a, &a
	if !grace {
		for _, m := range macs {
			s.old.dropMAC(m)
		}
	}
	s.publishOld(retired, now)
	s.mu.Unlock()
	s.log.Info("account rekeyed", "account", name, "old_urls_in_grace", len(retired))
	for _, m := range macs {
		var mine []OldPath
		if i := slices.IndexFunc(retired, func(p OldPath) bool { return p.MAC == m }); i >= 0 {
			mine = retired[i : i+1]
		}
		s.auditRekey(ctx, now, m, causeAccountRekey, mine, grace)
	}
	return a, nil
}

// publishOld makes stored old paths live and forgets expired ones, as the
// store just did. The caller holds s.mu.
func (s *Service) publishOld(retired []OldPath, now time.Time) {
	s.old.expire(now)
	for _, p := range retired {
		s.old.put(p)
	}
}

// auditRekey records a rotation in device m's audit trail and the log:
// which old path (redacted) redirects until when, or that none does.
func (s *Service) auditRekey(ctx context.Context, now time.Time, m MAC, cause string, retired []OldPath, grace bool) {
	reason := cause + "; no grace: the old URL is dead"
	if !grace {
		reason = cause + " without grace: every old URL is dead"
	}
	if len(retired) > 0 {
		p := retired[0]
		reason = fmt.Sprintf("%s; old URL %s redirects until %s", cause, p.Shown, p.Until.Format(time.RFC3339))
	}
	s.AuditAdmin(ctx, Event{Time: now, MAC: m, Outcome: "rekeyed", Reason: reason})
	s.log.Info("device rekeyed", "mac", m.String(), "reason", reason)
}

// loadOldPaths reads the retired paths at start: they survive restarts.
func (s *Service) loadOldPaths(ctx context.Context) error {
	ps, err := s.st.OldPaths(ctx)
	if err != nil {
		return fmt.Errorf("loading retired secret paths: %w", err)
	}
	for _, p := range ps {
		if s.devices[p.MAC] != nil {
			s.old.put(p)
		}
	}
	return nil
}

// byOldPath finds the device whose retired path (acct, dev) is still in
// grace.
func (s *Service) byOldPath(fc *fetchState) (*Device, OldPath, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.old.lookup(fc.path.Acct, fc.path.Dev, fc.now, fc.cfg.RotationGrace)
	d := s.devices[p.MAC]
	if !ok || d == nil {
		return nil, OldPath{}, false
	}
	cp := *d
	return &cp, p, true
}

// oldAlive reports whether old path dg of m is still in grace: the last
// look before a redirect leaves.
func (s *Service) oldAlive(dg PathDigest, m MAC, now time.Time) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.old.byDigest[dg]
	return ok && p.MAC == m && s.devices[m] != nil && now.Before(p.End(s.cfg.RotationGrace))
}

// movedLinger is how long old paths still answer once the phone fetched
// its config at the new URL: long enough for the rest of the walk it was
// on (a Yealink boot file sends it to the new URL midway through its list
// of files), short enough that the old URL does not outlive its use.
const movedLinger = 10 * time.Minute

// movedOn ends device m's old paths movedLinger after its phone fetched
// its full config at the current URL: the phone has moved.
func (s *Service) movedOn(ctx context.Context, m MAC, now time.Time) {
	end := now.Add(movedLinger)
	s.mu.RLock()
	later := s.old.endsAfter(m, end)
	s.mu.RUnlock()
	if !later {
		return // none, or already ending: no write on every config fetch
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.st.EndOldPaths(ctx, m, end); err != nil {
		s.log.Error("ending old secret URLs", "mac", m.String(), "err", err)
		return
	}
	s.mu.Lock()
	s.old.endMAC(m, end)
	s.mu.Unlock()
	s.log.Info("old secret URLs end soon: the phone fetched its new one", "mac", m.String(), "until", end.Format(time.RFC3339))
}
