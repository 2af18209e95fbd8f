package main

import (
	"fmt"
	"time"

	"github.com/provbox/provbox/httpd/admin"
)

// nodeFields are `provbox status` lines about the node: its DHCP role,
// the database's health and each peer's last heartbeat.
func nodeFields(n *admin.NodeInfo) [][2]string {
	if n == nil {
		return nil
	}
	role := n.Role
	if n.Name != "" {
		role += " (node " + n.Name + ")"
	}
	db := fmt.Sprintf("%s, ok, %.1f ms", n.Backend, n.Database.LatencyMS)
	if !n.Database.OK {
		db = fmt.Sprintf("%s, DOWN: %s", n.Backend, n.Database.Error)
	}
	if n.Database.SyncCommit != "" {
		db += ", synchronous_commit " + n.Database.SyncCommit
	}
	out := [][2]string{{"dhcp role", role}, {"database", db}}
	if n.Role != "single" {
		leader := "none"
		if n.Leader != "" {
			leader = fmt.Sprintf("%s (token %d)", n.Leader, n.Token)
		}
		out = append(out, [2]string{"dhcp leader", leader})
		if len(n.Peers) == 0 {
			out = append(out, [2]string{"peer", "none has reported a heartbeat"})
		}
	}
	for _, p := range n.Peers {
		age := time.Duration(p.AgeSeconds * float64(time.Second)).Round(100 * time.Millisecond)
		state := p.Role
		if !p.Alive {
			state = "SILENT (last reported " + p.Role + ")"
		}
		out = append(out, [2]string{"peer " + p.Name, fmt.Sprintf("%s, last heartbeat %s (%s ago)", state, fmtTime(p.LastHeartbeat), age)})
	}
	return out
}
