package ops

import (
	"context"
	"sync/atomic"
	"time"
)

// NodeStatus is the daemon's place among the nodes sharing its database:
// its DHCP role, the database's health and the other nodes' heartbeats.
type NodeStatus struct {
	// Role is "single" (no failover: this box alone answers DHCP, if it
	// serves DHCP), "active" (holds the DHCP leadership) or "standby".
	Role    string
	Name    string // this node's name (failover only)
	Backend string // "sqlite" or "postgres"
	// Leader and Token are the node holding the DHCP leadership and its
	// fencing token, as the database has them ("" and 0: nobody).
	Leader   string
	Token    int64
	Database DatabaseHealth
	Peers    []PeerStatus // the other nodes, by name
}

// DatabaseHealth is the outcome of one round trip to the state database.
type DatabaseHealth struct {
	OK         bool
	Error      string
	Latency    time.Duration
	SyncCommit string // PostgreSQL's synchronous_commit ("" on SQLite)
}

// PeerStatus is another node's last heartbeat, aged on the database's
// clock.
type PeerStatus struct {
	Name, Role    string // Role as the peer last reported it
	LastHeartbeat time.Time
	Age           time.Duration
	Alive         bool // its heartbeat is recent (a few missed beats at most)
}

// NodeService reports the node status; cmd/provbox installs it with
// SetNode.
type NodeService interface {
	NodeStatus(ctx context.Context) NodeStatus
}

type nodeHolder struct{ p atomic.Pointer[NodeService] }

// SetNode installs the node status source (nil: none).
func (o *Ops) SetNode(n NodeService) {
	if n == nil {
		o.node.p.Store(nil)
		return
	}
	o.node.p.Store(&n)
}

// Node returns the node status, false when no source is installed.
func (o *Ops) Node(ctx context.Context) (NodeStatus, bool) {
	p := o.node.p.Load()
	if p == nil {
		return NodeStatus{}, false
	}
	return (*p).NodeStatus(ctx), true
}
