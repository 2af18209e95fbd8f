package provisioning

import "net/netip"

// IsDevice reports whether m is a known device (the DHCP server guards
// the leases of known devices against being moved by forged requests).
func (s *Service) IsDevice(m MAC) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.devices[m]
	return ok
}

// RefuseDHCP records in the audit trail that the DHCP server refused a
// request about device m from or for ip, with reason.
func (s *Service) RefuseDHCP(ip netip.Addr, m MAC, reason string) {
	s.audit(Event{Proto: "dhcp", IP: ip, MAC: m, Outcome: "refused", Reason: reason})
	s.obs.get().Refused("dhcp", reason)
}
