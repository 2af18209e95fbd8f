package dhcp

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// ifaceCache maps interface indexes to their IPv4 prefixes, read from the
// kernel on a miss (at most once a second, so a flood of packets from an
// unconfigured interface costs no syscalls).
type ifaceCache struct {
	mu      sync.RWMutex
	byIndex map[int][]netip.Prefix
	local   map[netip.Addr]bool
	loaded  time.Time
}

func (c *ifaceCache) prefixes(idx int) []netip.Prefix {
	c.mu.RLock()
	p, ok := c.byIndex[idx]
	c.mu.RUnlock()
	if ok {
		return p
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.loaded) < time.Second {
		return c.byIndex[idx]
	}
	c.loadLocked()
	return c.byIndex[idx]
}

func (c *ifaceCache) loadLocked() {
	c.loaded = time.Now()
	c.byIndex, c.local = map[int][]netip.Prefix{}, map[netip.Addr]bool{}
	ifs, err := net.Interfaces()
	if err != nil {
		return
	}
	for _, ifc := range ifs {
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		var ps []netip.Prefix
		for _, a := range addrs {
			n, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip, ok := netip.AddrFromSlice(n.IP.To4())
			if !ok {
				continue
			}
			ones, _ := n.Mask.Size()
			if n.IP.To4() != nil && len(n.Mask) == net.IPv6len {
				ones -= 96
			}
			ps = append(ps, netip.PrefixFrom(ip, ones))
			c.local[ip] = true
		}
		c.byIndex[ifc.Index] = ps
	}
}

// isLocal reports whether a is one of this host's addresses (as last read).
func (c *ifaceCache) isLocal(a netip.Addr) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.local[a]
}

// resolve finds the client's subnet and our address there: a relayed
// request by its giaddr (RFC 2131 section 4.3.1), a direct one by the
// addresses of the interface it arrived on.
func (s *Server) resolve(req *dhcpv4.DHCPv4, ifIndex int, dst netip.Addr) ingress {
	unicastDst := dst.IsValid() && dst.As4() != [4]byte{255, 255, 255, 255}
	if gi := addr4(req.GatewayIPAddr); gi.IsValid() {
		in := ingress{pool: s.poolContaining(gi)}
		if unicastDst {
			in.serverID = dst
		} else if ps := s.ifaces.prefixes(ifIndex); len(ps) > 0 {
			in.serverID = ps[0].Addr()
		}
		return in
	}
	ps := s.ifaces.prefixes(ifIndex)
	for _, pfx := range ps {
		if p := s.poolContaining(pfx.Addr()); p != nil {
			return ingress{pool: p, serverID: pfx.Addr()}
		}
	}
	in := ingress{}
	if unicastDst {
		in.serverID = dst
	} else if len(ps) > 0 {
		in.serverID = ps[0].Addr()
	}
	return in
}
