package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Session lifetimes: a session ends after sessionIdle without a request
// (default 30 minutes), after sessionMaxAge whatever happens (12 hours),
// and the table holds at most maxSessions (64): an office has a handful
// of admins.
const (
	defaultSessionIdle = 30 * time.Minute
	sessionMaxAge      = 12 * time.Hour
	maxSessions        = 64
)

// public are the paths served without a session: the login form and
// what it needs to look right.
func public(path string) bool {
	return path == "/login" || path == "/favicon.ico" || strings.HasPrefix(path, "/static/")
}

// authenticate lets a request with a live session through. Any other
// request for a page gets the login form (401) where it asked, so the
// browser comes back to that page after logging in.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if public(r.URL.Path) || s.sessions.valid(sessionID(r), s.cfg.Now()) {
			next.ServeHTTP(w, r)
			return
		}
		back := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			back = "/"
		}
		s.loginPage(w, r, http.StatusUnauthorized, back, "")
	})
}

type loginPage struct {
	base
	Next string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, code int, next, msg string) {
	p := loginPage{base: s.base("Log in", ""), Next: localPath(next)}
	p.CSRF, p.Anon, p.Error = "", true, msg // the form token is for logged-in pages only
	s.render(w, r, code, "login", p)
}

func (s *Server) getLogin(w http.ResponseWriter, r *http.Request) {
	s.loginPage(w, r, http.StatusOK, r.URL.Query().Get("next"), "")
}

// postLogin checks the form's user and password. A source, account or
// trusted browser still in its delay gets 429 whatever it sends; a wrong
// password is a failure against each guard, logged. Success opens a
// session and marks the browser trusted. The form comes only from this
// site (Origin checks; it carries no token, having no session yet).
func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := sameOrigin(r); err != nil {
		s.log.Warn("web request refused", "ip", clientIP(r).String(), "path", r.URL.Path, "reason", err.Error())
		s.loginPage(w, r, http.StatusForbidden, "/", err.Error())
		return
	}
	ip, now := clientIP(r), s.cfg.Now()
	user, pass, next := r.PostFormValue("user"), r.PostFormValue("password"), r.PostFormValue("next")
	gs, trusted := s.guards(r, ip, user)
	if wait := s.limiter.wait(gs, now); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		s.loginPage(w, r, http.StatusTooManyRequests, next, "Too many failed logins; try again in a few seconds.")
		return
	}
	if !s.validLogin(user, pass) {
		s.failed(gs, ip, trusted, now)
		s.loginPage(w, r, http.StatusUnauthorized, next, "Wrong user or password.")
		return
	}
	if !trusted {
		http.SetCookie(w, s.trust.issue())
	}
	http.SetCookie(w, sessionCookieFor(r, s.sessions.start(now), 0))
	s.log.Info("web login", "ip", ip.String())
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

// logout ends the session; it is a POST with the form token like every
// change, so another site cannot log the admin out.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.sessions.end(sessionID(r))
	http.SetCookie(w, sessionCookieFor(r, "", -1))
	s.log.Info("web logout", "ip", clientIP(r).String())
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// localPath is next if it is a path on this site, else "/": a crafted
// login link cannot send the browser elsewhere afterwards.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") ||
		u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
