package provisioning

import (
	"errors"
	"net/url"
	"strings"
)

// maxPathLen bounds what the core parses; no phone asks for longer names.
const maxPathLen = 512

// reqPath is a parsed request path: a bootstrap file (Acct and Dev empty)
// or a file under a secret prefix.
type reqPath struct {
	Acct, Dev string
	File      string
}

func (p reqPath) secret() bool { return p.Dev != "" }

// redacted is the path as logs and the audit trail may show it: hashes
// shortened so a log reader cannot reuse them.
func (p reqPath) redacted() string {
	if !p.secret() {
		// A bootstrap name may still carry hashes (/<acct>/<dev> with no
		// file): the generic rule cuts any hash-shaped run.
		return RedactPath(p.File, false)
	}
	return Hash(p.Acct).Short() + "/" + Hash(p.Dev).Short() + "/" + RedactPath(p.File, false)
}

var errBadPath = errors.New("malformed or traversal path")

// parsePath turns a request path into its parts. HTTP paths arrive
// escaped and are unescaped once; TFTP names are taken literally. It
// refuses traversal ("..", "."), NUL and other control characters, and
// backslashes, whatever their encoding. Repeated slashes count as one: a
// phone that joins its server URL and a file name with "//" is no attacker.
func parsePath(proto Proto, raw string) (reqPath, error) {
	if len(raw) > maxPathLen {
		return reqPath{}, errBadPath
	}
	p := raw
	if proto != ProtoTFTP {
		var err error
		if p, err = url.PathUnescape(raw); err != nil {
			return reqPath{}, errBadPath
		}
	}
	var buf [maxSegments + 1]string // on the stack: a phone's path allocates no slice
	segs := buf[:0]
	for s := range strings.SplitSeq(p, "/") {
		if s == "" {
			continue
		}
		if s == "." || s == ".." || strings.ContainsFunc(s, badPathRune) {
			return reqPath{}, errBadPath
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 || strings.HasSuffix(p, "/") {
		return reqPath{}, errBadPath // a directory, not a file
	}
	if len(segs) > maxSegments {
		return reqPath{}, errBadPath
	}
	// A secret path starts with two hash-shaped segments; anything else is
	// a bootstrap name, which may have directories of its own
	// (Cisco/CP-8841-3PCC/<mac>.cfg).
	if len(segs) >= 3 && ValidHashText(segs[0]) && ValidHashText(segs[1]) {
		return reqPath{Acct: segs[0], Dev: segs[1], File: strings.Join(segs[2:], "/")}, nil
	}
	return reqPath{File: strings.Join(segs, "/")}, nil
}

// maxSegments bounds the directory depth of a request.
const maxSegments = 6

// badPathRune: controls (C0, DEL, C1), format characters (bidi
// overrides, zero widths) and broken UTF-8 (U+FFFD) are no phone's file
// name; they would reach the audit trail, and from it an admin's
// terminal (U+009B is CSI there).
func badPathRune(r rune) bool {
	return r < ' ' || r == '\\' || r == '%' || unprintableRune(r)
}
