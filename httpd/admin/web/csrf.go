package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// tokenField is the hidden form field that carries the form token.
const tokenField = "csrf"

// maxForm bounds a form body; the largest, add-device, is a few KiB.
const maxForm = 64 << 10

// newToken is the per-process form token: 256 random bits. A page from
// another site cannot read it, so it cannot forge a form that carries it.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("web: making the form token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// post wraps a state-changing handler: it parses the form and refuses
// (403, logged) a request from another site or without the form token.
func (s *Server) post(next http.HandlerFunc) http.HandlerFunc { return s.postLimit(maxForm, next) }

// postLimit is post with a body of at most limit bytes (an upload).
func (s *Server) postLimit(limit int64, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		err := sameOrigin(r)
		if err == nil {
			if err = parseForm(r, limit); err != nil {
				err = fmt.Errorf("reading the form: %w", err)
			}
		}
		if err == nil && subtle.ConstantTimeCompare([]byte(r.PostFormValue(tokenField)), []byte(s.token)) != 1 {
			err = errors.New("the form token is missing or wrong; reload the page and try again")
		}
		if err != nil {
			s.log.Warn("web request refused", "ip", clientIP(r).String(), "path", r.URL.Path, "reason", err.Error())
			s.errorPage(w, r, http.StatusForbidden, err)
			return
		}
		next(w, withActor(r))
	}
}

// sameOrigin refuses a request a browser says comes from another site.
// Browsers send Origin with every POST; Referer and Sec-Fetch-Site cover
// older ones. A client that sends none of them (curl) is judged by the
// form token alone.
func sameOrigin(r *http.Request) error {
	if o := r.Header.Get("Origin"); o != "" {
		if !sameHost(o, r.Host) {
			return fmt.Errorf("Origin %q is not this site", o)
		}
		return nil
	}
	if ref := r.Referer(); ref != "" && !sameHost(ref, r.Host) {
		return fmt.Errorf("Referer %q is not this site", ref)
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return fmt.Errorf("Sec-Fetch-Site %q: the request comes from another site", site)
	}
	return nil
}

// sameHost reports whether raw is an http(s) URL of host. "null" (a
// sandboxed or file page) has no host and never matches.
func sameHost(raw, host string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return u.Host != "" && strings.EqualFold(u.Host, host)
}

// parseForm reads a urlencoded or (an upload) multipart form.
func parseForm(r *http.Request, limit int64) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(limit)
	}
	return r.ParseForm()
}
