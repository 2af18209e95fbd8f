package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// User is the one user name the UI accepts.
const User = "admin"

// maxPasswordFile bounds what ReadPasswordFile reads: a password, not a
// file someone pointed it at by mistake.
const maxPasswordFile = 4096

// ReadPasswordFile returns the admin password held in path, without
// surrounding white space. The file must be a regular file, readable by
// its owner only (mode 0600 or 0400), and hold exactly one non-empty
// line. Errors name the file and the problem.
func ReadPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("web password file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("web password file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("web password file %s: not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("web password file %s: mode %04o gives group or others access; want 0600 or 0400 (chmod 600 %s)", path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPasswordFile+1))
	if err != nil {
		return "", fmt.Errorf("web password file: %w", err)
	}
	if len(b) > maxPasswordFile {
		return "", fmt.Errorf("web password file %s: over %d bytes; it should hold only the password", path, maxPasswordFile)
	}
	pw := strings.TrimSpace(string(b))
	switch {
	case pw == "":
		return "", fmt.Errorf("web password file %s: is empty", path)
	case strings.ContainsAny(pw, "\r\n"):
		return "", fmt.Errorf("web password file %s: holds more than one line; it should hold only the password", path)
	}
	return pw, nil
}

// authenticate lets a request through with the right user and password.
// A source over its failure budget gets 429 whatever it sends; a wrong
// password is a failure, logged. A request without credentials is not:
// browsers send one first to learn that a password is wanted.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := clientIP(r)
		now := s.cfg.Now()
		if wait := s.limiter.wait(ip, now); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
			http.Error(w, "Too many failed logins from your address; try again in a minute.", http.StatusTooManyRequests)
			return
		}
		user, pass, ok := r.BasicAuth()
		if ok && s.validLogin(user, pass) {
			next.ServeHTTP(w, r)
			return
		}
		if ok {
			n := s.limiter.fail(ip, now)
			s.log.Warn("web login failed", "ip", ip.String(), "reason", "wrong user or password", "failures", n)
			if n == s.cfg.MaxFailures {
				s.log.Warn("web logins refused for a while", "ip", ip.String(), "reason", "too many failed logins")
			}
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="provbox admin", charset="UTF-8"`)
		http.Error(w, "Log in as "+User+" with the password from the web password file.", http.StatusUnauthorized)
	})
}

// validLogin compares both names in constant time; hashing first keeps
// the password's length from leaking through the comparison.
func (s *Server) validLogin(user, pass string) bool {
	uh, want := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(User))
	ph := sha256.Sum256([]byte(pass))
	u := subtle.ConstantTimeCompare(uh[:], want[:])
	p := subtle.ConstantTimeCompare(ph[:], s.passHash.Load()[:])
	return u&p == 1
}

// clientIP is the peer's address. Proxies' headers are not trusted: the
// UI is meant to be reached directly or through an SSH tunnel.
func clientIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
