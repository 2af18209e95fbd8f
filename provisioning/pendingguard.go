package provisioning

import "github.com/provbox/provbox/provisioning/profile"

// sightingContradicted reports whether a bootstrap request for asked's
// file comes from a host the network or the User-Agent says is another
// MAC: its neighbour entry or its lease is another MAC's, or its
// User-Agent names one. Such a request is not a phone asking for itself
// (phones ask for their own MAC's file), so it is no sighting of asked:
// recorded, it would let any host plant or overwrite the pending entry
// of a MAC it does not have, with its own address, vendor and model,
// for an admin to adopt. Only positive contradictions of the checks that
// are on count, as in check: a request nothing can judge is recorded.
func (s *Service) sightingContradicted(fc *fetchState, asked MAC, ua profile.UA) bool {
	if ua.HasMAC && MAC(ua.MAC) != asked && fc.cfg.Checks.UAMAC {
		return true
	}
	if fc.cfg.Checks.Neighbour {
		if m, ok := fc.cfg.Neighbours(fc.r.RemoteIP); ok && m != asked {
			return true
		}
	}
	if !fc.cfg.Checks.Lease {
		return false
	}
	s.mu.RLock()
	holder, ok := s.leases.holder(fc.r.RemoteIP, fc.now)
	s.mu.RUnlock()
	return ok && holder != asked
}
