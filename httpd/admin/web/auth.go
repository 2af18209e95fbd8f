package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
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

// guards are the limiter keys a login attempt counts against: its
// trusted browser's alone, or its source's and the account's.
func (s *Server) guards(r *http.Request, ip netip.Addr, user string) ([]guard, bool) {
	if id, ok := s.trust.id(r); ok {
		return []guard{{"browser " + id, s.cfg.MaxFailures}}, true
	}
	if user != User {
		user = "(other)" // one key for every wrong name, so they cannot fill memory
	}
	return []guard{{sourceKey(ip), s.cfg.MaxFailures}, {accountKey(user), 2 * s.cfg.MaxFailures}}, false
}

// failed records and logs a wrong password.
func (s *Server) failed(gs []guard, ip netip.Addr, trusted bool, now time.Time) {
	ns := s.limiter.fail(gs, now)
	s.log.Warn("web login failed", "ip", ip.String(), "reason", "wrong user or password", "failures", ns[0], "trusted_browser", trusted)
	for i, g := range gs {
		if ns[i] == g.free {
			s.log.Warn("web logins slowed down", "ip", ip.String(), "reason", "too many failed logins", "key", g.key)
		}
	}
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
