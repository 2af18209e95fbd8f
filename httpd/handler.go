package httpd

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
)

// Core is what the server consumes from the provisioning core;
// *provisioning.Service satisfies it.
type Core interface {
	// Fetch decides a file request: it runs every check, writes the audit
	// trail and reports strikes. A refusal comes back as Found == false.
	Fetch(ctx context.Context, r provisioning.FetchRequest) provisioning.FetchReply
	// Banned is cheap and is asked before anything else.
	Banned(ip netip.Addr) bool
	// KnownAddress reports whether ip is bound to a known device; it is
	// asked once per source holding connections, to share them out.
	KnownAddress(ip netip.Addr) bool
}

// notFoundBody is the one body every refusal carries.
var notFoundBody = []byte("404 page not found\n")

// writeNotFound is the single writer of refusals, so a banned address, an
// unknown file, a wrong hash and a traversal attempt are indistinguishable:
// same status, same headers (only Date's value differs), same body.
func writeNotFound(w http.ResponseWriter) {
	h := w.Header()
	clear(h)
	h["Content-Type"] = []string{"text/plain; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(notFoundBody))}
	h["X-Content-Type-Options"] = []string{"nosniff"}
	h["Cache-Control"] = []string{"no-store"}
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(notFoundBody) // dropped by net/http for HEAD
}

// ServeHTTP answers one phone request. The ban check comes first, before
// the method or path is looked at.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	ip := remoteIP(r)
	switch {
	case !ip.IsValid() || s.core.Banned(ip):
		writeNotFound(sw)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		s.serveFile(sw, r, ip)
	case r.Method == http.MethodPut || r.Method == http.MethodPost:
		// Phone uploads (logs, local overrides) are acknowledged and
		// dropped: cheap, and never a strike. net/http discards a small
		// unread body itself and closes the connection after a big one.
		sw.WriteHeader(http.StatusNoContent)
	default:
		sw.Header().Set("Allow", "GET, HEAD")
		http.Error(sw, "method not allowed", http.StatusMethodNotAllowed)
	}
	s.obs.Request(outcomeOf(sw.status), time.Since(start))
	if !s.log.Enabled(r.Context(), slog.LevelDebug) {
		return // the arguments below cost more than the check
	}
	s.log.Debug("request", "ip", ip, "method", r.Method, "file", provisioning.RedactPath(r.URL.EscapedPath(), true),
		"status", sw.status, "bytes", sw.bytes, "duration", time.Since(start))
}

// serveFile hands the request to the core and writes its answer.
// http.ServeContent provides HEAD, Range and conditional GET
// (If-Modified-Since against ModTime, If-None-Match against the ETag);
// writePlain gives the same answer to a request that asks for none.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, ip netip.Addr) {
	resp := s.core.Fetch(r.Context(), provisioning.FetchRequest{
		Proto:     proto(r),
		Path:      r.URL.EscapedPath(),
		RemoteIP:  ip,
		UserAgent: r.UserAgent(),
	})
	if !resp.Found {
		writeNotFound(w)
		return
	}
	h := w.Header()
	// This answer's own values share one backing array (one allocation,
	// not two); capped slices, so an append cannot reach a neighbour.
	vals := make([]string, 2)
	ct := octetStream
	if resp.ContentType != "" {
		vals[0] = resp.ContentType
		ct = vals[0:1:1]
	}
	// Canonical keys set directly, constant values shared: net/http only
	// reads them (and copies the header before writing it).
	h["Content-Type"] = ct
	tag := resp.ETag // a cached render's, computed once per render
	if tag == "" {
		tag = etag(resp.Body)
	}
	vals[1] = tag
	h["Etag"] = vals[1:2:2]
	// Configs may hold credentials: no shared caches, always revalidate.
	h["Cache-Control"] = privateNoCache
	if !writePlain(w, r, resp.ModTime, resp.Body) {
		http.ServeContent(w, r, "", resp.ModTime, bytes.NewReader(resp.Body))
	}
}

func proto(r *http.Request) provisioning.Proto {
	if r.TLS != nil {
		return provisioning.ProtoHTTPS
	}
	return provisioning.ProtoHTTP
}

func remoteIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// Header values the answers share; never written to.
var (
	octetStream    = []string{"application/octet-stream"}
	privateNoCache = []string{"private, no-cache"}
)

// etag is the strong validator of a body that came without one: the
// same function the render cache uses, so a tag does not depend on
// whether the body was cached.
func etag(body []byte) string { return profile.ETag(body) }

// statusWriter records what was written, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}
