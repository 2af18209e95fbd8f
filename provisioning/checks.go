package provisioning

import "github.com/provbox/provbox/provisioning/vendor"

// check runs the fingerprint checks for a request attributed to d and
// returns the reason of the first failure, or "".
func (s *Service) check(fc fetchCtx, d *Device, p *vendor.Profile) string {
	if fc.r.Proto != "tftp" {
		ua, ok := p.ParseUA(fc.r.UserAgent)
		if !ok && fc.cfg.Checks.UserAgent {
			return reasonUserAgent
		}
		if ok && ua.HasMAC && MAC(ua.MAC) != d.MAC && fc.cfg.Checks.UAMAC {
			return reasonUAMAC
		}
	}
	if fc.cfg.Checks.Neighbour {
		if m, ok := fc.cfg.Neighbours(fc.r.RemoteIP); ok && m != d.MAC {
			return reasonNeighbour
		}
	}
	if fc.cfg.Checks.Lease {
		s.mu.RLock()
		holder, ok := s.leases.holder(fc.r.RemoteIP, fc.now)
		s.mu.RUnlock()
		if !ok || holder != d.MAC {
			return reasonNoLease
		}
	}
	return ""
}
