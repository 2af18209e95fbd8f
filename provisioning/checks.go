package provisioning

import "github.com/provbox/provbox/provisioning/profile"

// check runs the fingerprint checks for a request attributed to d and
// returns the reason of the first failure, or "".
//
// Fail closed: besides the UA checks, the request must get a positive
// verdict from at least one network-binding check — the requester holds
// d's lease, or its neighbour entry carries d's MAC. A check that is off
// or cannot judge (a routed or loopback requester for the neighbour
// check) gives none; then only a requester inside unverified_networks is
// served. A negative verdict refuses wherever the requester is.
func (s *Service) check(fc fetchState, d *Device, p *profile.Profile) string {
	if fc.r.Proto != ProtoTFTP {
		ua, ok := p.ParseUA(fc.r.UserAgent)
		if !ok && fc.cfg.Checks.UserAgent {
			return reasonUserAgent
		}
		if ok && ua.HasMAC && MAC(ua.MAC) != d.MAC && fc.cfg.Checks.UAMAC {
			return reasonUAMAC
		}
	}
	bound := false
	if fc.cfg.Checks.Neighbour {
		m, ok := fc.cfg.Neighbours(fc.r.RemoteIP)
		if ok && m != d.MAC {
			return reasonNeighbour
		}
		bound = ok
	}
	if fc.cfg.Checks.Lease {
		s.mu.RLock()
		holder, ok := s.leases.holder(fc.r.RemoteIP, fc.now)
		s.mu.RUnlock()
		if !ok || holder != d.MAC {
			return reasonNoLease
		}
		bound = true
	}
	if !bound && !inNetworks(fc.r.RemoteIP, fc.cfg.Unverified) {
		return reasonUnverified
	}
	return ""
}
