package web

import (
	"compress/gzip"
	"net/http"
	"path"
	"strings"
)

// staticTypes are the files under static/ the UI serves, by extension.
var staticTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

// static serves the stylesheet, the script and the icon; they hold no
// data, so browsers may keep them for an hour.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	ctype, ok := staticTypes[path.Ext(name)]
	b, err := staticFS.ReadFile("static/" + name)
	if !ok || err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(b) //nolint:errcheck // the browser went away
}

// favicon answers the browser's own request for /favicon.ico with the
// SVG icon (the layout links it too).
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("file", "favicon.svg")
	s.static(w, r)
}

// gzipPages compresses answers for browsers that accept gzip: the device
// list of a big office is mostly repeated markup. Compression next to
// secrets (the form token, secret URLs) is safe here against BREACH-style
// length oracles because the session cookie is SameSite=Strict: a page
// of another site cannot make the browser fetch a logged-in page with
// reflected input of its choosing, which such an attack needs.
func gzipPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r) {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// gzipWriter compresses the body once the status is known, unless the
// handler already chose an encoding or the answer has no body.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func (g *gzipWriter) WriteHeader(code int) {
	if !g.decided {
		g.decided = true
		h := g.Header()
		// Redirects, 204 and 304 carry no body worth compressing.
		if code >= 200 && (code < 300 || code >= 400) && code != http.StatusNoContent && h.Get("Content-Encoding") == "" {
			h.Set("Content-Encoding", "gzip")
			h.Del("Content-Length")
			g.gz, _ = gzip.NewWriterLevel(g.ResponseWriter, gzip.BestSpeed)
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipWriter) close() {
	if g.gz != nil {
		g.gz.Close()
	}
}
