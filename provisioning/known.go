package provisioning

import "net/netip"

// KnownAddress reports whether ip is bound to a known device: it holds a
// device's live lease or reserved address, or the kernel's neighbour
// table maps it to a device's MAC. The protocol servers use it only to
// share out scarce resources (transfer slots, connections), never to
// grant access: a forged source may pass it, and then only takes from
// the share of the device it pretends to be. The neighbour table is read
// last, as it costs a lookup outside memory.
func (s *Service) KnownAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	now := s.now()
	s.mu.RLock()
	m, ok := s.leases.holder(ip, now)
	if ok && s.devices[m] != nil {
		s.mu.RUnlock()
		return true
	}
	for _, d := range s.devices {
		if d.IP.IsValid() && d.IP == ip {
			s.mu.RUnlock()
			return true
		}
	}
	neigh := s.cfg.Neighbours
	s.mu.RUnlock()
	if neigh == nil {
		return false
	}
	nm, ok := neigh(ip)
	if !ok || nm.IsZero() {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.devices[nm] != nil
}
