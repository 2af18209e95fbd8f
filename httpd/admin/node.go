package admin

import (
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
)

// NodeInfo is /v1/status's node part: the DHCP role (single, active or
// standby), the database's health and the other nodes' heartbeats.
type NodeInfo struct {
	Role     string       `json:"role"`
	Name     string       `json:"name,omitempty"`
	Backend  string       `json:"backend"`
	Leader   string       `json:"leader,omitempty"`
	Token    int64        `json:"token,omitempty"`
	Database DatabaseInfo `json:"database"`
	Peers    []PeerInfo   `json:"peers,omitempty"`
}

// DatabaseInfo is the state database's health as last checked.
type DatabaseInfo struct {
	OK         bool    `json:"ok"`
	Error      string  `json:"error,omitempty"`
	LatencyMS  float64 `json:"latency_ms"`
	SyncCommit string  `json:"synchronous_commit,omitempty"`
}

// PeerInfo is another node's last heartbeat.
type PeerInfo struct {
	Name          string    `json:"name"`
	Role          string    `json:"role"`
	LastHeartbeat time.Time `json:"last_heartbeat"`
	AgeSeconds    float64   `json:"age_seconds"`
	Alive         bool      `json:"alive"`
}

// SetNode installs the source of the node status (cmd/provbox).
func (h *Handler) SetNode(n ops.NodeService) { h.ops.SetNode(n) }

// nodeInfo converts the operations layer's node status.
func nodeInfo(n ops.NodeStatus) *NodeInfo {
	out := &NodeInfo{Role: n.Role, Name: n.Name, Backend: n.Backend, Leader: n.Leader, Token: n.Token,
		Database: DatabaseInfo{OK: n.Database.OK, Error: n.Database.Error,
			LatencyMS: float64(n.Database.Latency.Microseconds()) / 1000, SyncCommit: n.Database.SyncCommit}}
	for _, p := range n.Peers {
		out.Peers = append(out.Peers, PeerInfo{Name: p.Name, Role: p.Role, LastHeartbeat: p.LastHeartbeat, AgeSeconds: p.Age.Seconds(), Alive: p.Alive})
	}
	return out
}
