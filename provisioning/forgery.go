package provisioning

import (
	"net/netip"
	"time"
)

// The forgery model: a UDP (TFTP) request's source address can be forged
// by any host that can reach the box, so a refused TFTP request must not
// let a forger get an address that holds a known device banned, struck or
// refused. An address holds a known device when it holds the live DHCP
// lease of a known device's MAC, is a known device's reserved address, or
// its entry in the kernel's neighbour table carries a known device's MAC.
//
// Such an address gets no strike from a TFTP refusal; its genuine (TCP)
// refusals count without any of the TFTP strikes struck before it held
// the device; and a ban TFTP strikes helped to issue (a Forgeable ban) is
// lifted at its next request once it holds a known device, so a phone
// framed while it was off-line is served when it comes back.
//
// What it cannot cover: an address that holds nothing provbox can see at
// the time (DHCP elsewhere or off, no reservation, and no neighbour entry
// because the phone has not talked to the box yet) is struck like any
// other, though such a Forgeable ban is lifted once the phone appears. A
// host that answers ARP for the phone's address (ARP spoofing) owns that
// address as far as the box can tell. And a host that clones a known
// device's MAC gets no TFTP strikes at the address the neighbour table
// shows it at: cloning is the known limit of MAC-based identity.

// reasonFramed is why a Forgeable ban is lifted.
const reasonFramed = "framed: the address holds a known device"

// holdsKnownDevice reports whether ip holds a known device at now.
func (s *Service) holdsKnownDevice(ip netip.Addr, now time.Time) bool {
	_, ok := s.heldDevice(ip, now)
	return ok
}

// heldDevice is the known device ip holds at now, for the forgery guard:
// boundDevice, unless the lab's sabotage (UnguardedUDP) turned it off.
func (s *Service) heldDevice(ip netip.Addr, now time.Time) (MAC, bool) {
	s.mu.RLock()
	off := s.cfg.UnguardedUDP
	s.mu.RUnlock()
	if off {
		return MAC{}, false
	}
	return s.boundDevice(ip, now)
}

// KnownAddress reports whether ip holds a known device now. The protocol
// servers use it only to share out scarce resources (transfer slots,
// connections), never to grant access: a forged source may pass it, and
// then only takes from the share of the device it pretends to be.
func (s *Service) KnownAddress(ip netip.Addr) bool {
	_, ok := s.boundDevice(ip, s.now())
	return ok
}

// boundDevice is the known device ip holds at now: the one whose live
// lease or reserved address (the device's own, or [[dhcp.reservation]])
// it is, else the one its neighbour entry names. The neighbour table is
// read last, only if the cheap checks fail, and outside the lock.
func (s *Service) boundDevice(ip netip.Addr, now time.Time) (MAC, bool) {
	ip = ip.Unmap().WithZone("")
	s.mu.RLock()
	neighbours := s.cfg.Neighbours
	m, held := s.leases.holder(ip, now)
	if !held {
		m, held = s.cfg.Reserved[ip]
	}
	held = held && s.devices[m] != nil
	if !held {
		m, held = s.devIP[ip] // an index: a scan of forged sources must not cost a walk of every device
	}
	s.mu.RUnlock()
	if held || neighbours == nil {
		return m, held
	}
	m, ok := neighbours(ip)
	if !ok || m.IsZero() {
		return MAC{}, false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return m, s.devices[m] != nil
}

// maxMACScan bounds how much of a string firstMAC reads.
const maxMACScan = 512

// firstMAC returns the first MAC spelled in s (12 hex digits in a row, or
// six pairs joined by ':' or '-'), or the zero MAC: scan detection counts
// every MAC a request presents, in its file name or its User-Agent.
func firstMAC(s string) MAC {
	s = s[:min(len(s), maxMACScan)]
	for i := 0; i+12 <= len(s); i++ {
		if unhex(s[i]) == 0xff {
			continue
		}
		if i+17 <= len(s) && (s[i+2] == ':' || s[i+2] == '-') {
			if m, err := ParseMAC(s[i : i+17]); err == nil {
				return m
			}
		}
		if m, err := ParseMAC(s[i : i+12]); err == nil {
			return m
		}
	}
	return MAC{}
}
