package provisioning

import (
	"context"
	"fmt"
)

// Actor is who made an admin change: the web user and the address it
// came from, or the unix user of the CLI's socket peer. The audit trail
// keeps it with every admin event.
type Actor struct {
	Kind string // "web", "cli" or "" (unknown: a test or an internal caller)
	Name string // web user name, unix user name (or "uid N" when unresolved)
	Addr string // the web client's address; the CLI's pid ("pid 123")
}

// String is the actor as the audit trail shows it: "cli:alice (pid 42)",
// "web:admin@10.0.0.5"; "" for an unknown actor.
func (a Actor) String() string {
	switch {
	case a.Kind == "" && a.Name == "":
		return ""
	case a.Kind == "web" && a.Addr != "":
		return fmt.Sprintf("web:%s@%s", a.Name, a.Addr)
	case a.Addr != "":
		return fmt.Sprintf("%s:%s (%s)", a.Kind, a.Name, a.Addr)
	}
	return a.Kind + ":" + a.Name
}

type actorKey struct{}

// WithActor returns ctx carrying a, so the admin changes made with it are
// audited under a's name.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom is the actor ctx carries; the zero Actor when none.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// AuditAdmin records an admin change (Proto "admin") with the actor ctx
// carries. The admin operations layer calls it after each change it
// makes; the core's own admin audits (lock, unlock) go through it too.
func (s *Service) AuditAdmin(ctx context.Context, e Event) {
	e.Proto = "admin"
	if e.Actor == "" {
		e.Actor = ActorFrom(ctx).String()
	}
	s.audit(e)
}
