package web

import "net/http"

// withActor marks r's context with who makes the change: the web user
// and the source address, for the audit trail. Every POST passes through
// it (post). The core of this branch has no actor yet; with the admin
// operations' ops.WithActor this becomes:
//
//	return r.WithContext(ops.WithActor(r.Context(), ops.Actor{Kind: "web", Name: User, Addr: clientIP(r).String()}))
func withActor(r *http.Request) *http.Request { return r }
