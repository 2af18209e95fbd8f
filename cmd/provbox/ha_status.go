package main

import (
	"context"
	"time"

	"github.com/provbox/provbox/dhcp"
	"github.com/provbox/provbox/httpd/admin/ops"
)

// installDHCP points the admin surfaces (explain dhcp, rogues) and the
// metrics at srv: the one DHCP server, or that of the current failover
// term.
func (d *daemon) installDHCP(srv *dhcp.Server) {
	d.admin.SetDHCP(dhcpAdmin{srv})
	if d.web != nil {
		d.web.SetDHCP(dhcpAdmin{srv}) // the dashboard's rogue servers
	}
	if d.metrics != nil {
		d.metrics.dhcp.Store(srv)
	}
}

// installNode gives the admin API and the web dashboard the node status.
func (d *daemon) installNode() {
	d.admin.SetNode(nodeReport{d})
	if d.web != nil {
		d.web.SetNode(nodeReport{d})
	}
}

// nodeStatusTimeout bounds the database round trips of one status.
const nodeStatusTimeout = 2 * time.Second

// haSilent is how old a peer's heartbeat may be (three missed beats)
// before status calls the peer silent.
const haSilent = 3 * haBeat

// nodeReport is the daemon's node status for `provbox status`, /v1/status
// and the dashboard's overview.
type nodeReport struct{ d *daemon }

var _ ops.NodeService = nodeReport{}

func (n nodeReport) NodeStatus(ctx context.Context) ops.NodeStatus {
	ctx, cancel := context.WithTimeout(ctx, nodeStatusTimeout)
	defer cancel()
	st := n.d.st
	out := ops.NodeStatus{Role: "single", Backend: st.Backend()}
	out.Database.SyncCommit = st.SyncCommit()
	h := n.d.ha
	if h == nil {
		start := time.Now()
		err := st.Ping(ctx)
		out.Database.Latency = time.Since(start)
		setHealth(&out.Database, err)
		return out
	}
	out.Role, out.Name = h.role(), h.ha.Node()
	var err error
	out.Database.Latency, err = h.ha.Ping(ctx)
	setHealth(&out.Database, err)
	if err != nil {
		return out
	}
	if l, err := h.ha.Leader(ctx); err == nil && l.Remaining > 0 {
		out.Leader, out.Token = l.Node, l.Token
	}
	beats, err := h.ha.Nodes(ctx)
	setHealth(&out.Database, err)
	for _, b := range beats {
		if b.Node != out.Name {
			out.Peers = append(out.Peers, ops.PeerStatus{Name: b.Node, Role: b.Role, LastHeartbeat: b.Heartbeat, Age: b.Age,
				Alive: b.Age < haSilent})
		}
	}
	return out
}

func setHealth(h *ops.DatabaseHealth, err error) {
	h.OK = err == nil
	if err != nil {
		h.Error = err.Error()
	}
}
