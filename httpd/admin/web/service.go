package web

import (
	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
)

// Service is what the web UI needs from the provisioning core: what the
// admin operations use (bans and rekey without grace included), plus the
// vendor registry for the add-device form. *provisioning.Service
// satisfies it.
type Service interface {
	ops.Service
	ops.BanService
	ops.NoGraceService
	Registry() *profile.Registry
}

var _ Service = (*provisioning.Service)(nil)
