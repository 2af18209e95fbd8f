package provisioning

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxLoggedPath bounds what one log line carries of a requested path.
const MaxLoggedPath = 256

// RedactPath returns a requested path (an HTTP URL path when escaped is
// true, else a TFTP name) fit for logs: any segment holding a hash-shaped
// run — an account or device hash, or a guess at one — is cut to its first
// 4 characters and "…", and the result is bounded. HTTP segments are
// unescaped first, so escaping cannot smuggle a hash into the log.
func RedactPath(p string, escaped bool) string {
	if len(p) > 4*MaxLoggedPath {
		p = p[:4*MaxLoggedPath]
	}
	if !escaped && !hasHashRun(p) {
		// Nothing to cut ('/' is no hash character, so no run spans two
		// segments): the split and join below would rebuild p, at two
		// allocations per logged request.
		return bounded(p)
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if escaped {
			if u, err := url.PathUnescape(s); err == nil {
				s = u
			}
		}
		if hasHashRun(s) {
			s = firstRunes(s, 4) + "…"
		}
		segs[i] = s
	}
	return bounded(strings.Join(segs, "/"))
}

// bounded cuts a redacted path to MaxLoggedPath, marking the cut.
func bounded(out string) string {
	if len(out) > MaxLoggedPath {
		out = truncate(out, MaxLoggedPath) + "…"
	}
	return out
}

// hasHashRun reports whether s holds HashLen consecutive characters of the
// hash alphabet. Ordinary phone file names never do.
func hasHashRun(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if !isHashChar(s[i]) {
			run = 0
			continue
		}
		if run++; run >= HashLen {
			return true
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
