package tftp

import (
	"strings"
	"unicode/utf8"

	"github.com/provbox/provbox/provisioning"
)

// maxLoggedName bounds what one log line carries of a requested name.
const maxLoggedName = 256

// redactName returns a requested file name fit for logs: any segment
// holding a hash-shaped run (an account or device hash, or a guess at one)
// is cut to its first 4 characters and "…", so full hashes never reach the
// logs. (httpd has the same rule for URL paths.)
func redactName(name string) string {
	if len(name) > 4*maxLoggedName {
		name = name[:4*maxLoggedName]
	}
	segs := strings.Split(name, "/")
	for i, s := range segs {
		if hasHashRun(s) {
			segs[i] = firstRunes(s, 4) + "…"
		}
	}
	out := strings.Join(segs, "/")
	if len(out) > maxLoggedName {
		out = truncate(out, maxLoggedName) + "…"
	}
	return out
}

// hasHashRun reports whether s contains provisioning.HashLen consecutive
// characters of the hash alphabet (URL-safe base64).
func hasHashRun(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' {
			if run++; run >= provisioning.HashLen {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
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
