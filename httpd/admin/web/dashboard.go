package web

import (
	"net/http"
	"net/netip"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// DHCPInfo tells the UI about the DHCP server, which the core does not
// know: whether it runs and its pools, for the dashboard's pool use and
// the leases page.
type DHCPInfo struct {
	Enabled bool
	Pools   []Pool
}

// Pool is one subnet's dynamic range.
type Pool struct {
	Subnet      netip.Prefix
	First, Last netip.Addr
}

// size is the number of addresses in the range (IPv4).
func (p Pool) size() int {
	if !p.First.Is4() || !p.Last.Is4() {
		return 0
	}
	a, b := p.First.As4(), p.Last.As4()
	f := int(a[0])<<24 | int(a[1])<<16 | int(a[2])<<8 | int(a[3])
	l := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
	return max(0, l-f+1)
}

func (p Pool) holds(ip netip.Addr) bool {
	return p.First.Compare(ip) <= 0 && ip.Compare(p.Last) <= 0
}

type poolUse struct {
	Subnet, Range string
	Used, Size    int
	Percent       int
}

type dashboardPage struct {
	base
	ops.Overview
	DHCP         bool
	Pools        []poolUse
	OtherLeases  int            // leases in no configured pool (reservations)
	HasPending   bool           // the core tracks pending phones
	Pending      []PendingPhone // the most recently seen first, at most 5
	PendingCount int
	RogueWatch   bool       // DHCP is served, so foreign servers are watched for
	Rogues       []rogueRow // foreign DHCP servers seen, not in known_servers: the most recent
	RogueCount   int        // all of them
	RoguesMore   int        // not listed
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	p := dashboardPage{base: s.base("Dashboard", "home"), DHCP: s.cfg.DHCP.Enabled}
	var err error
	if p.Overview, err = s.ops.Overview(r.Context(), s.cfg.Now(), 15); err != nil {
		p.Error = "The audit trail could not be read: " + err.Error()
	}
	p.Pools, p.OtherLeases = s.poolUse(p.Leases)
	ps, tracked, err := s.pendingPhones()
	if err != nil {
		p.Error = "The pending phones could not be read: " + err.Error()
	}
	p.HasPending, p.PendingCount = tracked, len(ps)
	p.Pending = ps[:min(len(ps), 5)]
	if p.Rogues, p.RogueCount, p.RogueWatch, err = s.rogues(); err != nil {
		p.Error = "The rogue DHCP servers could not be read: " + err.Error()
	}
	p.RoguesMore = p.RogueCount - len(p.Rogues)
	s.render(w, r, http.StatusOK, "dashboard", p)
}

// poolUse counts the current leases in each configured pool.
func (s *Server) poolUse(leases []provisioning.Lease) ([]poolUse, int) {
	now := s.cfg.Now()
	var out []poolUse
	used := make([]int, len(s.cfg.DHCP.Pools))
	other := 0
	for _, l := range leases {
		if !l.Expires.IsZero() && l.Expires.Before(now) {
			continue
		}
		in := false
		for i, p := range s.cfg.DHCP.Pools {
			if p.holds(l.IP) {
				used[i]++
				in = true
				break
			}
		}
		if !in {
			other++
		}
	}
	for i, p := range s.cfg.DHCP.Pools {
		u := poolUse{Subnet: p.Subnet.String(), Range: p.First.String() + "–" + p.Last.String(), Used: used[i], Size: p.size()}
		if u.Size > 0 {
			u.Percent = min(100, u.Used*100/u.Size)
		}
		out = append(out, u)
	}
	return out, other
}
