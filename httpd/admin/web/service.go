package web

import (
	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
)

// Core is what the web UI needs from the provisioning core: what the
// admin operations use (bans and rekey without grace included), plus the
// vendor registry for the add-device form. *provisioning.Service
// satisfies it.
type Core interface {
	ops.Core
	ops.BanCore
	ops.NoGraceCore
	Registry() *profile.Registry
}

var _ Core = (*provisioning.Service)(nil)
