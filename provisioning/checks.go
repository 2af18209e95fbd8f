package provisioning

import (
	"net/netip"

	"github.com/provbox/provbox/provisioning/profile"
)

// check runs the fingerprint checks for a request attributed to d and
// returns the reason of the first failure, or "".
//
// Fail closed: besides the UA checks, the request must get a positive
// verdict from at least one network-binding check — the requester holds
// d's lease, or its neighbour entry carries d's MAC. A check that is off
// or cannot judge (a routed or loopback requester for the neighbour
// check) gives none; then only a requester inside unverified_networks is
// served. A negative verdict refuses wherever the requester is.
func (s *Service) check(fc *fetchState, d *Device, p *profile.Profile) string {
	if fc.r.Proto != ProtoTFTP {
		ua, ok := p.ParseUA(fc.r.UserAgent)
		if !ok && fc.cfg.Checks.UserAgent {
			fc.note("user-agent", false, "not a %s User-Agent", p.Name)
			return reasonUserAgent
		}
		if fc.dry() {
			fc.note("user-agent", true, "%s", checkDetail(fc.cfg.Checks.UserAgent, ok, "a "+p.Name+" User-Agent"))
		}
		if ok && ua.HasMAC && MAC(ua.MAC) != d.MAC && fc.cfg.Checks.UAMAC {
			fc.note("ua-mac", false, "the User-Agent names %s", MAC(ua.MAC))
			return reasonUAMAC
		}
		if fc.dry() {
			fc.note("ua-mac", true, "%s", checkDetail(fc.cfg.Checks.UAMAC, ok && ua.HasMAC, "the User-Agent names the device"))
		}
	}
	bound := false
	if fc.cfg.Checks.Neighbour {
		m, ok := fc.cfg.Neighbours(fc.r.RemoteIP)
		if ok && m != d.MAC {
			fc.note("neighbour", false, "the neighbour table has %s at %s", m, fc.r.RemoteIP)
			return reasonNeighbour
		}
		if fc.dry() {
			fc.note("neighbour", true, "%s", checkDetail(true, ok, "the neighbour entry carries the device's MAC"))
		}
		bound = ok
	} else {
		fc.note("neighbour", true, "check off")
	}
	if fc.cfg.Checks.Lease {
		s.mu.RLock()
		holder, ok := s.leases.holder(fc.r.RemoteIP, fc.now)
		s.mu.RUnlock()
		if !ok || holder != d.MAC {
			fc.note("lease", false, "%s", leaseDetail(holder, ok, fc.r.RemoteIP))
			return reasonNoLease
		}
		if fc.dry() {
			fc.note("lease", true, "%s holds the device's lease", fc.r.RemoteIP)
		}
		bound = true
	} else {
		fc.note("lease", true, "check off")
	}
	if !bound && !inNetworks(fc.r.RemoteIP, fc.cfg.Unverified) {
		fc.note("binding", false, "no network-binding check vouches for %s and it is outside unverified_networks (fail closed)", fc.r.RemoteIP)
		return reasonUnverified
	}
	if fc.dry() {
		fc.note("binding", true, "%s", map[bool]string{true: "bound by lease or neighbour entry", false: "inside unverified_networks"}[bound])
	}
	return ""
}

// checkDetail says why a check that did not refuse passed.
func checkDetail(on, judged bool, pass string) string {
	switch {
	case !on:
		return "check off"
	case !judged:
		return "cannot judge"
	}
	return pass
}

// leaseDetail says why the lease check refused.
func leaseDetail(holder MAC, ok bool, ip netip.Addr) string {
	if !ok {
		return "no live lease for " + ip.String()
	}
	return "the lease of " + ip.String() + " is " + holder.String() + "'s"
}
