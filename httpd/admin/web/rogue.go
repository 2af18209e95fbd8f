package web

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin/ops"
)

// SetDHCP gives the UI the DHCP server's admin operations once the
// daemon has bound it (nil: none, DHCP off): the dashboard's rogue
// DHCP servers come from it. The UI does not import the DHCP server; the
// daemon passes the operations layer's interface.
func (s *Server) SetDHCP(d ops.DHCPService) { s.ops.SetDHCP(d) }

// rogueRow is a foreign DHCP server as the dashboard lists it.
type rogueRow struct {
	ops.RogueServer
	Provisioning string // what it hands out that points phones somewhere: options 66, 150, 160, 43
}

// provisioningOptions are the options that steer a phone to a
// provisioning server: the reason a second DHCP server matters here.
var provisioningOptions = map[int]bool{66: true, 150: true, 160: true, 43: true}

// roguesShown bounds the dashboard's rogue list: forged OFFERs can make
// the DHCP side report hundreds of servers.
const roguesShown = 20

// rogues lists the most recently seen foreign DHCP servers, at most
// roguesShown, and how many were seen in all (those the DHCP side
// dropped from its full table too); false when DHCP is not
// served (nothing watches).
func (s *Server) rogues() ([]rogueRow, int, bool, error) {
	rs, err := s.ops.RogueServers()
	if errors.Is(err, ops.ErrUnavailable) {
		return nil, 0, false, nil
	}
	total := len(rs) + s.ops.RoguesDropped() // the DHCP side keeps a bounded table
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b ops.RogueServer) int { return b.LastSeen.Compare(a.LastSeen) })
	rs = rs[:min(len(rs), roguesShown)]
	out := make([]rogueRow, len(rs))
	for i, r := range rs {
		var opts []string
		for _, o := range r.Options {
			if provisioningOptions[o.Code] {
				opts = append(opts, o.Name+" ("+strconv.Itoa(o.Code)+"): "+o.Value)
			}
		}
		out[i] = rogueRow{RogueServer: r, Provisioning: strings.Join(opts, "; ")}
	}
	return out, total, true, err
}
