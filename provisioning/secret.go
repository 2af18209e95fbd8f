package provisioning

import (
	"context"
	"time"

	"github.com/provbox/provbox/provisioning/profile"
)

// dummyHash is compared against when no device matches, so a miss does
// the same constant-time work as a hit.
const dummyHash = Hash("AAAAAAAAAAAAAAAAAAAAAAAA")

// bySecret finds the device whose account and device hashes both equal
// the path's, comparing in constant time.
func (s *Service) bySecret(acct, dev string) (*Device, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, found := s.devHash[Hash(dev)]
	d := s.devices[m]
	devHash, acctHash := dummyHash, dummyHash
	if found && d != nil {
		devHash = d.Hash
		if a := s.accounts[d.Account]; a != nil {
			acctHash = a.Hash
		}
	}
	okDev, okAcct := devHash.Equal(dev), acctHash.Equal(acct)
	if !found || d == nil || !okDev || !okAcct {
		return nil, false
	}
	cp := *d
	return &cp, true
}

// fetchSecret answers /<account_hash>/<device_hash>/<file>: the device's
// full config after the checks; the first success locks initial
// provisioning. A phone's own misses under its valid prefix are plain
// not-founds, not strikes.
func (s *Service) fetchSecret(ctx context.Context, fc *fetchState) FetchReply {
	d, ok := s.bySecret(fc.path.Acct, fc.path.Dev)
	if !ok {
		if d, old, ok := s.byOldPath(fc); ok {
			if fc.dry() {
				fc.note("hash", true, "a retired path of %s, in rekey grace until %s", d.MAC, old.End(fc.cfg.RotationGrace).UTC().Format(time.RFC3339))
			}
			return s.fetchOld(fc, d, old)
		}
		fc.note("hash", false, "no device (nor retired path in grace) has this secret path")
		return s.refuse(fc, MAC{}, reasonBadHash, s.secretWeight(fc), MAC{})
	}
	if fc.dry() {
		fc.note("hash", true, "names %s (%s, account %s)", d.MAC, d.Vendor, d.Account)
	}
	p, data, reply, ok := s.ownFile(fc, d, "the device's own file")
	if !ok {
		return reply
	}
	data.UserAgent = fc.r.UserAgent // picks the firmware generation's keys
	rd, err := fc.reg.FullShared(p, fc.path.File, data)
	if acct, dev, ok := s.currentHashes(d.MAC, false, fc.now); !ok || acct != Hash(fc.path.Acct) || dev != Hash(fc.path.Dev) {
		// Rekeyed or removed while the config was rendered: a rekey with
		// grace left this path redirecting.
		if d, old, ok := s.byOldPath(fc); ok {
			return s.fetchOld(fc, d, old)
		}
		return s.refuse(fc, d.MAC, reasonBadHash, 1, MAC{})
	}
	if fc.dry() {
		fc.note("window", true, "%s", lockDetail(fc.cfg.FlatMode, d.Open(fc.now)))
	}
	if err == nil && !fc.cfg.FlatMode && d.Open(fc.now) && !fc.dry() {
		// Lock before answering: a served config always leaves a
		// durable lock behind, even if the box dies right after.
		if lerr := s.lockFirstFetch(fc, d.MAC, p.Name); lerr != nil {
			s.log.Error("locking after provisioning", "mac", d.MAC.String(), "err", lerr)
			return FetchReply{}
		}
	}
	if err == nil && !fc.dry() {
		s.movedOn(ctx, d.MAC, fc.now)
	}
	return s.rendered(fc, d, p, "config", rd, err)
}

// secretWeight makes guesses at secret paths from non-phones cost more.
func (s *Service) secretWeight(fc *fetchState) int {
	if fc.r.Proto == ProtoTFTP {
		return 1
	}
	for _, p := range fc.reg.Profiles() {
		if _, ok := p.ParseUA(fc.r.UserAgent); ok {
			return 1
		}
	}
	return 3
}

// fetchOld answers a secret path a rekey retired, still in grace: the
// device's own files get the vendor's redirect config pointing at the
// current secret URL, after the same checks as a full config, so a phone
// that polls its old URL moves without a reset. Whoever holds a leaked old
// URL gains no more than the redirect, and only by passing every check.
func (s *Service) fetchOld(fc *fetchState, d *Device, old OldPath) FetchReply {
	p, data, reply, ok := s.ownFile(fc, d, "the device's own file: redirect to its current URL")
	if !ok {
		return reply
	}
	rd, err := fc.reg.RedirectShared(p, fc.path.File, data)
	if !s.oldAlive(old.Digest, d.MAC, fc.now) {
		// Expired, retired or removed while the answer was rendered.
		return s.refuse(fc, MAC{}, reasonBadHash, s.secretWeight(fc), MAC{})
	}
	return s.rendered(fc, d, p, outcomeRekeyRedirect, rd, err)
}

// secretChecks are the checks a request for a device's own file under a
// secret path must pass: the same for the current path (full config) and
// a retired one (redirect), so a grace never lowers the bar.
func (s *Service) secretChecks(fc *fetchState, d *Device, p *profile.Profile) string {
	return s.check(fc, d, p)
}

// outcomeRekeyRedirect is the audit outcome of a redirect answered at a
// retired secret path.
const outcomeRekeyRedirect = "rekey-redirect"

// lockDetail says what serving a full config does to the window.
func lockDetail(flat, open bool) string {
	switch {
	case flat:
		return "flat mode: no lock"
	case open:
		return "open: serving locks initial provisioning"
	}
	return "locked: the secret URL still serves the full config"
}

// ownFile is what the current and a retired secret path share: the file
// must be one of the device's own, and the requester must pass every
// check of a full config. ok false: reply is the answer (a miss, a common
// file, a refusal).
func (s *Service) ownFile(fc *fetchState, d *Device, own string) (*profile.Profile, profile.Data, FetchReply, bool) {
	p, ok := fc.reg.Profile(d.Vendor)
	if !ok {
		s.log.Error("device of unknown vendor", "mac", d.MAC.String(), "vendor", d.Vendor)
		return nil, profile.Data{}, FetchReply{}, false
	}
	m := p.MatchFile(fc.path.File)
	switch {
	case m.Kind == profile.None || m.Kind == profile.Declined:
		return nil, profile.Data{}, s.miss(fc, d.MAC), false
	case m.Kind == profile.Common:
		return nil, profile.Data{}, s.common(fc, d, p), false
	case m.HasMAC && MAC(m.MAC) != d.MAC:
		fc.note("file-mac", false, "the file names %s", MAC(m.MAC))
		return nil, profile.Data{}, s.refuse(fc, d.MAC, reasonFileMAC, 2, m.MAC), false
	}
	if fc.dry() {
		fc.note("file-mac", true, "%s", own)
	}
	if reason := s.secretChecks(fc, d, p); reason != "" {
		return nil, profile.Data{}, s.refuse(fc, d.MAC, reason, 1, d.MAC), false
	}
	data, ok := s.data(d, fc.cfg)
	return p, data, FetchReply{}, ok
}
