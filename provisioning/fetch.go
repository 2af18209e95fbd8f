package provisioning

import (
	"context"
	"net/netip"
	"time"
)

// Request is a file request from a phone (or anyone) over TFTP or HTTP.
type Request struct {
	Proto     string     // "http", "https" or "tftp"
	Path      string     // HTTP: the escaped URL path (r.URL.EscapedPath()); TFTP: the file name as sent
	RemoteIP  netip.Addr // the requester
	UserAgent string     // HTTP only
}

// Response is the core's answer. A refusal and an unknown file look the
// same: Found is false and nothing else is set.
type Response struct {
	Found       bool
	Body        []byte
	ContentType string
	ModTime     time.Time
}

// Fetch decides what a file request gets: a redirect config at bootstrap,
// a full config at the secret URL, a harmless common file, or not found.
// Every refusal is audited and reported as a strike.
func (s *Service) Fetch(ctx context.Context, r Request) Response {
	return Response{} // being written
}
