package ops

import (
	"context"

	"github.com/provbox/provbox/provisioning"
)

// Actor is who makes an admin change: the surface puts it in the
// request's context with WithActor (the web UI: the web user and the
// client address; the API: the unix user of the socket peer) and every
// change is audited under it.
type Actor = provisioning.Actor

// WithActor returns ctx carrying a; pass it to the operations.
func WithActor(ctx context.Context, a Actor) context.Context { return provisioning.WithActor(ctx, a) }

// Auditor records admin changes; *provisioning.Service satisfies it.
// Optional: a core without it (a test fake) audits nothing.
type Auditor interface {
	AuditAdmin(ctx context.Context, e provisioning.Event)
}

var _ Auditor = (*provisioning.Service)(nil)

// audit records a successful change (err == nil) with the context's
// actor: outcome says what ("device-added"), mac which device if any,
// reason the details.
func (o *Ops) audit(ctx context.Context, err error, outcome string, mac provisioning.MAC, reason string) {
	a, ok := o.svc.(Auditor)
	if err != nil || !ok {
		return
	}
	a.AuditAdmin(ctx, provisioning.Event{MAC: mac, Outcome: outcome, Reason: reason})
}

func grace(noGrace bool) string {
	if noGrace {
		return " (no grace)"
	}
	return ""
}
