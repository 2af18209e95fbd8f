package dhcp

import (
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// relayAllowed reports whether req may be served: a request with giaddr
// set is relayed, and UDP sources and giaddr can be forged by any host,
// so it is accepted only when its UDP source is a relay agent its subnet
// lists (Subnet.Relays). A subnet that lists none takes no relayed
// requests at all (fail closed). Direct requests are always allowed.
func (s *Server) relayAllowed(req *dhcpv4.DHCPv4, in ingress, peer net.Addr) bool {
	if !addr4(req.GatewayIPAddr).IsValid() {
		return true
	}
	var src netip.Addr
	if u, ok := peer.(*net.UDPAddr); ok {
		src = addr4(u.IP)
	}
	if in.pool != nil && src.IsValid() && slices.Contains(in.pool.Relays, src) {
		return true
	}
	why := "relay not listed in the subnet's relays"
	switch {
	case in.pool == nil:
		why = "giaddr in no served subnet"
	case len(in.pool.Relays) == 0:
		why = "no relays listed for the subnet"
	}
	s.relayRefused(req, src, why)
	return false
}

// relayAuditEvery bounds the audit lines of dropped relayed requests: a
// forger can send them as fast as the link allows.
const relayAuditEvery = time.Second

// relayRefusalReason is the audit reason of a dropped relayed request.
const relayRefusalReason = "relay-not-listed"

// relayRefused counts a dropped relayed request and logs the first of
// each minute.
func (s *Server) relayRefused(req *dhcpv4.DHCPv4, src netip.Addr, why string) {
	now := s.now()
	s.mu.Lock()
	s.badRelay++
	n, log := s.badRelay, now.Sub(s.lastBadRelay) >= time.Minute
	if log {
		s.lastBadRelay = now
	}
	audit := now.Sub(s.lastRelayAudit) >= relayAuditEvery
	if audit {
		s.lastRelayAudit = now
	}
	s.mu.Unlock()
	// Forged for a known device: worth a line in its audit trail.
	if mac, err := provisioning.MACFromHardwareAddr(req.ClientHWAddr); audit && err == nil && s.core.IsDevice(mac) {
		s.core.RefuseDHCP(src, mac, relayRefusalReason+" ("+why+")")
	}
	if log {
		s.log.Warn("relayed request dropped", "mac", req.ClientHWAddr.String(), "remote", src.String(),
			"giaddr", req.GatewayIPAddr.String(), "reason", why, "dropped_total", n)
	}
}

// RelayRefused is how many relayed requests were dropped because their
// source is not a listed relay agent of their subnet.
func (s *Server) RelayRefused() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.badRelay
}
