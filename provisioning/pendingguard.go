package provisioning

import (
	"fmt"

	"github.com/provbox/provbox/provisioning/profile"
)

// sightingContradicted says why a bootstrap request for asked's file
// comes from a host the network or the User-Agent says is another MAC
// ("" when nothing says so): its neighbour entry or its lease is another
// MAC's, or its User-Agent names one. Such a request is not a phone
// asking for itself (phones ask for their own MAC's file), so it is no
// sighting of asked: recorded, it would let any host plant or overwrite
// the pending entry of a MAC it does not have, with its own address,
// vendor and model, for an admin to adopt. Only positive contradictions
// of the checks that are on count, as in check: a request nothing can
// judge is recorded. The answer goes into the refusal's audit line: a
// real phone behind a MAC-rewriting bridge is refused the same way once
// adopted, and this line is the admin's only clue why it is not pending.
func (s *Service) sightingContradicted(fc *fetchState, asked MAC, ua profile.UA) string {
	if ua.HasMAC && MAC(ua.MAC) != asked && fc.cfg.Checks.UAMAC {
		return fmt.Sprintf("the User-Agent names %s", MAC(ua.MAC))
	}
	if fc.cfg.Checks.Neighbour {
		if m, ok := fc.cfg.Neighbours(fc.r.RemoteIP); ok && m != asked {
			return fmt.Sprintf("the neighbour table has %s at %s", m, fc.r.RemoteIP)
		}
	}
	if !fc.cfg.Checks.Lease {
		return ""
	}
	s.mu.RLock()
	holder, ok := s.leases.holder(fc.r.RemoteIP, fc.now)
	s.mu.RUnlock()
	if ok && holder != asked {
		return fmt.Sprintf("%s holds the lease of %s", holder, fc.r.RemoteIP)
	}
	return ""
}
