package httpd

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/provbox/provbox/provisioning"
)

// maxLoggedPath bounds what one log line carries of an attacker's path.
const maxLoggedPath = 256

// redactPath returns the escaped URL path p in a form fit for logs: each
// segment is unescaped, and any segment holding a hash-shaped run (the
// account or device hash of a secret URL, or a guess at one) is cut to its
// first 4 characters and "…", so full hashes never reach the logs.
func redactPath(p string) string {
	if len(p) > 4*maxLoggedPath {
		p = p[:4*maxLoggedPath]
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		if hasHashRun(s) {
			s = firstRunes(s, 4) + "…"
		}
		segs[i] = s
	}
	out := strings.Join(segs, "/")
	if len(out) > maxLoggedPath {
		out = truncate(out, maxLoggedPath) + "…"
	}
	return out
}

// hasHashRun reports whether s contains provisioning.HashLen consecutive
// characters of the hash alphabet (URL-safe base64). Ordinary phone file
// names never do.
func hasHashRun(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if isHashChar(s[i]) {
			run++
			if run >= provisioning.HashLen {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func isHashChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
