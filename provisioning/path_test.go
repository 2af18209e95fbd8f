package provisioning

import (
	"strings"
	"testing"
)

func TestParsePath(t *testing.T) {
	const h1, h2 = "AAAAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBBBB"
	ok := []struct {
		proto, in string
		want      reqPath
	}{
		{"http", "/805ec0112233.cfg", reqPath{File: "805ec0112233.cfg"}},
		{"tftp", "805ec0112233.cfg", reqPath{File: "805ec0112233.cfg"}},
		{"tftp", "/spa504G.cfg", reqPath{File: "spa504G.cfg"}},
		{"http", "/" + h1 + "/" + h2 + "/805ec0112233.cfg", reqPath{Acct: h1, Dev: h2, File: "805ec0112233.cfg"}},
		{"http", "/cfg%20x.xml", reqPath{File: "cfg x.xml"}},
		{"tftp", "/Cisco/CP-8841-3PCC/d0ec35112233.cfg", reqPath{File: "Cisco/CP-8841-3PCC/d0ec35112233.cfg"}},
		{"http", "/a/b", reqPath{File: "a/b"}},
		{"http", "/" + h1 + "/" + h2 + "//805ec0112233.cfg", reqPath{Acct: h1, Dev: h2, File: "805ec0112233.cfg"}},
		{"http", "//805ec0112233.cfg", reqPath{File: "805ec0112233.cfg"}},
		{"http", "/" + h1 + "/" + h2, reqPath{File: h1 + "/" + h2}},
		{"http", "/" + h1 + "/" + h2 + "/sub/x.rom", reqPath{Acct: h1, Dev: h2, File: "sub/x.rom"}},
	}
	for _, c := range ok {
		got, err := parsePath(Proto(c.proto), c.in)
		if err != nil || got != c.want {
			t.Errorf("parsePath(%q, %q) = %+v, %v; want %+v", c.proto, c.in, got, err, c.want)
		}
	}
	bad := []struct{ proto, in string }{
		{"http", "/../etc/passwd"}, {"http", "/%2e%2e/etc/passwd"}, {"http", "/%2E%2E%2Fetc%2Fpasswd"},
		{"http", "/a/../b"}, {"http", "/./x.cfg"}, {"http", "/"}, {"http", ""}, {"http", "//"},
		{"http", "/x.cfg%00"}, {"tftp", "x.cfg\x00.txt"}, {"tftp", "..\\..\\boot.ini"}, {"http", "/%zz"},
		{"http", "/a/b/c/d/e/f/g"}, {"http", "/" + h1 + "/" + h2 + "/"}, {"tftp", "%2e%2e/x"},
		{"http", "/%252e%252e/x"},
		// What a terminal acts on: C1 CSI (encoded, and as a raw 8-bit
		// byte), OSC, a bidi override, a zero width space, DEL.
		{"http", "/%C2%9B2J.cfg"}, {"tftp", "\x9b2J.cfg"}, {"tftp", "\xc2\x9d8;;x\xc2\x9c.cfg"},
		{"http", "/%E2%80%AEgfc.x"}, {"tftp", "a\u200bb.cfg"}, {"http", "/x%7F.cfg"}, {"http", "/%EF%BF%BD.cfg"},
	}
	for _, c := range bad {
		if got, err := parsePath(Proto(c.proto), c.in); err == nil {
			t.Errorf("parsePath(%q, %q) = %+v; want refusal", c.proto, c.in, got)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"/805ec0112233.cfg", "/a/b/c", "/%2e%2e/x", "x\x00", "/../.."} {
		f.Add("http", s)
		f.Add("tftp", s)
	}
	f.Fuzz(func(t *testing.T, proto, s string) {
		p, err := parsePath(Proto(proto), s)
		if err != nil {
			return
		}
		for _, seg := range []string{p.Acct, p.Dev, p.File} {
			if seg == ".." || seg == "." {
				t.Fatalf("traversal segment accepted from %q: %+v", s, p)
			}
		}
		if p.File == "" {
			t.Fatalf("empty file accepted from %q", s)
		}
	})
}

// Hashes never reach the log or the audit trail in full, whatever shape
// the path has.
func TestRedactedPathHoldsNoHash(t *testing.T) {
	const h1, h2 = "AAAAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBBBB"
	for _, raw := range []string{"/" + h1 + "/" + h2, "/" + h1 + "/" + h2 + "/x.cfg", "/" + h1 + "x.cfg", "/a/" + h2} {
		p, err := parsePath("http", raw)
		if err != nil {
			continue
		}
		if r := p.redacted(); strings.Contains(r, h1) || strings.Contains(r, h2) {
			t.Errorf("redacted(%q) = %q holds a full hash", raw, r)
		}
	}
}

// isSecretPath agrees with comparing against the built secretPath, for
// the path itself and for near misses (other hash, swapped, cut, padded).
func TestIsSecretPath(t *testing.T) {
	a, d := Hash(strings.Repeat("A", HashLen)), Hash(strings.Repeat("b", HashLen))
	other := Hash(strings.Repeat("C", HashLen))
	path := secretPath(a, d)
	for _, p := range []string{path, secretPath(d, a), secretPath(a, other), secretPath(other, d),
		path[:len(path)-1], path + "/", "/" + path, path[1:], "x" + path[1:], "", "/", "//" + string(a) + string(d) + "/",
		"/" + string(a) + "x" + string(d) + "/", "/" + string(a) + "/" + string(d) + "x"} {
		if got, want := isSecretPath(p, a, d), p == path; got != want {
			t.Errorf("isSecretPath(%q) = %v, want %v", p, got, want)
		}
	}
}
