package web

import "github.com/provbox/provbox/httpd/admin/ops"

// SetNode installs the source of the node status the dashboard shows
// (DHCP role, database health, peers); cmd/provbox installs it.
func (s *Server) SetNode(n ops.NodeService) { s.ops.SetNode(n) }
