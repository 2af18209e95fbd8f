package web

import (
	"net/http"

	"github.com/provbox/provbox/httpd/admin/ops"
)

// withActor marks r's context with who makes the change: the web user
// and the source address, for the audit trail. Every POST passes through
// it (post).
func withActor(r *http.Request) *http.Request {
	return r.WithContext(ops.WithActor(r.Context(), ops.Actor{Kind: "web", Name: User, Addr: clientIP(r).String()}))
}
