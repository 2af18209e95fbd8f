package provisioning

import (
	"context"
	"time"

	"github.com/provbox/provbox/provisioning/profile"
)

// candidate is a profile that recognises the requested file name.
type candidate struct {
	p *profile.Profile
	m profile.Match
}

func matchAll(reg *profile.Registry, file string) []candidate {
	var cs []candidate
	for _, p := range reg.Profiles() {
		if m := p.MatchFile(file); m.Kind != profile.None {
			cs = append(cs, candidate{p, m})
		}
	}
	return cs
}

// fetchBootstrap answers /<file>: the device's redirect config (its full
// config in flat-folder mode) if the device is known, open and passes the
// checks; a vendor common file harmlessly; anything else is refused.
func (s *Service) fetchBootstrap(ctx context.Context, fc *fetchState) FetchReply {
	cands := matchAll(fc.reg, fc.path.File)
	fc.note("file", len(cands) > 0, "%s", orNone(vendorsOf(cands), "no vendor knows this name"))
	if len(cands) == 0 {
		// Who the requester is, asked whatever the name says, so a known
		// and an unknown MAC cost the same.
		held, ok := s.heldDevice(fc.r.RemoteIP, fc.now)
		if d := s.deviceNamedIn(fc.path.File); d != nil && ok && held == d.MAC && s.passes(fc, d) {
			// A known phone asking for its other files (Poly's
			// <mac>-phone.cfg, a directory): a miss, not an attack.
			return s.miss(fc, d.MAC)
		}
		// Anyone else gets the same answer and strike whether the MAC
		// in the name is a device's or not: no oracle of known MACs.
		return s.refuse(fc, MAC{}, reasonUnknownFile, 1, firstMAC(fc.path.File))
	}
	d, c, asked := s.identify(fc, cands)
	if d != nil && !fc.dry() {
		s.obs.get().Bootstrap(fc.r.Proto, c.p.Name)
	}
	if d == nil {
		fc.note("device", false, "no known device (asked: %s)", orNone(macAttr(MAC{}, asked), "none"))
		p, shared := commonProfile(fc.reg, cands, fc.r.UserAgent)
		if p != nil {
			return s.common(fc, nil, p)
		}
		if shared {
			return s.miss(fc, MAC{})
		}
		fc.detail = s.notePending(fc, cands, asked)
		return s.refuse(fc, MAC{}, reasonUnknownMAC, 1, asked)
	}
	if fc.dry() {
		fc.note("device", true, "%s (%s, account %s)", d.MAC, d.Vendor, d.Account)
	}
	if fc.dry() {
		fc.note("flat mode", true, "%s", map[bool]string{true: "on: full config at /<file>, no lock", false: "off"}[fc.cfg.FlatMode])
	}
	if !fc.cfg.FlatMode && !d.Open(fc.now) {
		fc.note("window", false, "locked since %s", d.LockedAt.UTC().Format(time.RFC3339))
		return s.refuse(fc, d.MAC, reasonLocked, 1, d.MAC)
	}
	if !fc.cfg.FlatMode {
		if fc.dry() {
			fc.note("window", true, "open until %s", d.OpenUntil.UTC().Format(time.RFC3339))
		}
	}
	if reason := s.check(fc, d, c.p); reason != "" {
		return s.refuse(fc, d.MAC, reason, 1, d.MAC)
	}
	data, ok := s.data(d, fc.cfg)
	if !ok {
		return FetchReply{}
	}
	data.UserAgent = fc.r.UserAgent // picks the firmware generation's keys
	if fc.cfg.FlatMode {
		rd, err := fc.reg.FullShared(c.p, fc.path.File, data)
		return s.rendered(fc, d, c.p, "config", rd, err)
	}
	rd, err := fc.reg.RedirectShared(c.p, fc.path.File, data)
	if !s.current(d.MAC, data.ProvisionPath, true, fc.now) {
		// Locked, rekeyed or removed while the answer was rendered.
		return s.refuse(fc, d.MAC, reasonLocked, 1, d.MAC)
	}
	return s.rendered(fc, d, c.p, "redirect", rd, err)
}

// passes reports whether a request attributed to d passes every check
// for d. A miss is quiet only for a requester that also holds d (its
// lease, reservation or neighbour entry): "cannot judge" would tell
// anyone which MACs are devices.
func (s *Service) passes(fc *fetchState, d *Device) bool {
	p, ok := fc.reg.Profile(d.Vendor)
	return ok && s.check(fc, d, p) == ""
}

// current reports whether device m still has the secret path it was
// answered with (no rekey, no removal since) and, if open matters, is
// still open: the last look before an answer leaves.
func (s *Service) current(m MAC, path string, open bool, now time.Time) bool {
	acct, dev, ok := s.currentHashes(m, open, now)
	return ok && isSecretPath(path, acct, dev)
}

// currentHashes are m's account and device hashes now; false if m or its
// account is gone, or open is asked and m's window is shut. Comparing the
// hashes, not a path built from them, keeps the check off the heap.
func (s *Service) currentHashes(m MAC, open bool, now time.Time) (acct, dev Hash, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := s.devices[m]
	if d == nil {
		return "", "", false
	}
	a := s.accounts[d.Account]
	if a == nil {
		return "", "", false
	}
	return a.Hash, d.Hash, !open || d.Open(now)
}

// commonProfile picks whose common file answers a name no known device
// owns. The requester's User-Agent decides: its vendor's common file, or
// none when that vendor declines the name (Htek's cfg0010.xml is also a
// Grandstream model-file name, and answering it would stop an Htek before
// its MAC file). Without a vendor UA (TFTP, unknown UA) only a name one
// vendor claims as common, and no vendor declines, is answered: never
// another vendor's file by default. shared reports that some vendor
// shares or declines the name, so a miss is a phone's, not a probe.
func commonProfile(reg *profile.Registry, cands []candidate, ua string) (p *profile.Profile, shared bool) {
	uaVendor := ""
	for _, rp := range reg.Profiles() {
		if _, ok := rp.ParseUA(ua); ok {
			uaVendor = rp.Name
			break
		}
	}
	var common []*profile.Profile
	declined := false
	for _, c := range cands {
		if c.m.Kind != profile.Common && c.m.Kind != profile.Declined {
			continue
		}
		shared = true
		if uaVendor != "" && c.p.Name != uaVendor {
			continue
		}
		if c.m.Kind == profile.Declined {
			declined = true
		} else {
			common = append(common, c.p)
		}
	}
	if len(common) == 1 && !declined {
		return common[0], true
	}
	return nil, shared
}

// identify finds the device a bootstrap request is for: by the MAC in the
// file name, else (names without a MAC, like spa504G.cfg) by the MAC in
// the User-Agent, else by the DHCP lease of the requester. asked is the
// MAC the name carried, if any.
func (s *Service) identify(fc *fetchState, cands []candidate) (d *Device, c candidate, asked MAC) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, c := range cands {
		if c.m.Kind != profile.Primary || !c.m.HasMAC {
			continue
		}
		asked = c.m.MAC
		if dev := s.devices[c.m.MAC]; dev != nil && dev.Vendor == c.p.Name {
			cp := *dev
			return &cp, c, asked
		}
	}
	if !asked.IsZero() {
		return nil, candidate{}, asked
	}
	for _, c := range cands {
		if c.m.Kind != profile.Primary {
			continue
		}
		for _, m := range s.implicitMACs(fc, c.p) {
			if dev := s.devices[m]; dev != nil && dev.Vendor == c.p.Name {
				cp := *dev
				return &cp, c, m
			}
		}
	}
	return nil, candidate{}, MAC{}
}

// implicitMACs are the MACs a request without one in its name points to:
// the UA's, then the lease holder's. The caller holds s.mu.
func (s *Service) implicitMACs(fc *fetchState, p *profile.Profile) []MAC {
	var ms []MAC
	if ua, ok := p.ParseUA(fc.r.UserAgent); ok && ua.HasMAC {
		ms = append(ms, MAC(ua.MAC))
	}
	if m, ok := s.leases.holder(fc.r.RemoteIP, fc.now); ok {
		ms = append(ms, m)
	}
	return ms
}

// common answers a vendor common file; d may be nil.
func (s *Service) common(fc *fetchState, d *Device, p *profile.Profile) FetchReply {
	body, err := fc.reg.Common(p, fc.path.File)
	if err == nil && d == nil && fc.dry() {
		return fc.servedDry(MAC{}, p, "common", body)
	}
	if err != nil {
		s.log.Error("rendering common file", "vendor", p.Name, "file", fc.path.File, "err", err)
		return FetchReply{}
	}
	if d != nil {
		return s.serve(fc, d, p, "common", profile.Render{Body: body}) // uncached: no ETag kept
	}
	return FetchReply{Found: true, Body: body, ContentType: p.ContentType}
}

// rendered serves a rendered config, or logs the template failure (our
// fault: no strike) and answers not found.
func (s *Service) rendered(fc *fetchState, d *Device, p *profile.Profile, outcome string, rd profile.Render, err error) FetchReply {
	if err != nil && fc.dry() {
		fc.note("render", false, "%v", err)
		fc.decided("error", reasonRender, d.MAC)
		return FetchReply{}
	}
	if err != nil {
		s.log.Error("rendering config", "mac", d.MAC.String(), "vendor", p.Name, "file", fc.path.File, "err", err)
		s.audit(Event{Time: fc.now.UTC(), Proto: string(fc.r.Proto), IP: fc.r.RemoteIP, MAC: d.MAC, UA: fc.r.UserAgent,
			File: fc.path.redacted(), Outcome: "error", Reason: reasonRender})
		return FetchReply{}
	}
	return s.serve(fc, d, p, outcome, rd)
}

// data is what d's templates render from; false if its account vanished.
func (s *Service) data(d *Device, cfg Config) (profile.Data, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.accounts[d.Account]
	if !ok {
		s.log.Error("device without account", "mac", d.MAC.String(), "account", d.Account)
		return profile.Data{}, false
	}
	vd := renderData(cfg.BaseURL, d, a)
	if cfg.FlatMode {
		vd.ProvisionURL, vd.ProvisionPath = cfg.BaseURL+"/", "/"
	}
	return vd, true
}

// deviceNamedIn returns the known device whose MAC (12 hex digits, any
// case) the name carries, if any.
func (s *Service) deviceNamedIn(name string) *Device {
	run := 0
	for i := 0; i < len(name); i++ {
		if unhex(name[i]) == 0xff {
			run = 0
			continue
		}
		if run++; run < 12 {
			continue
		}
		m, err := ParseMAC(name[i-11 : i+1])
		if err != nil {
			continue
		}
		s.mu.RLock()
		d := s.devices[m]
		s.mu.RUnlock()
		if d != nil {
			cp := *d
			return &cp
		}
	}
	return nil
}
