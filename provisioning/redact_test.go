package provisioning

import (
	"strings"
	"testing"
)

const (
	redAcct = "q3Z9xWk2LmN8pR4tV6yB1cD0"
	redDev  = "Hf7_Jk-2Ls9Qw3Er5Ty8Ui1O"
)

func TestRedactPath(t *testing.T) {
	cases := []struct {
		in      string
		escaped bool
		want    string
	}{
		{"/y000000000028.cfg", true, "/y000000000028.cfg"},
		{"/SEP001122334455.cnf.xml", true, "/SEP001122334455.cnf.xml"},
		{"/" + redAcct + "/" + redDev + "/001565aabbcc.cfg", true, "/q3Z9…/Hf7_…/001565aabbcc.cfg"},
		// Escaping a hash does not smuggle it into the log.
		{"/%71" + redAcct[1:] + "/x.cfg", true, "/q3Z9…/x.cfg"},
		{"/" + redAcct + "x.cfg", true, "/q3Z9…"},
		{"/%2e%2e/etc/passwd", true, "/../etc/passwd"},
		{"/bad%zzescape", true, "/bad%zzescape"},
		{"/spa504G.cfg", false, "/spa504G.cfg"},
		{redAcct + "/" + redDev + "/001565aabbcc.cfg", false, "q3Z9…/Hf7_…/001565aabbcc.cfg"},
		{"%71" + redAcct[1:], false, "%713…"},
	}
	for _, c := range cases {
		if got := RedactPath(c.in, c.escaped); got != c.want {
			t.Errorf("RedactPath(%q, %v) = %q, want %q", c.in, c.escaped, got, c.want)
		}
	}
	for _, esc := range []bool{true, false} {
		if got := RedactPath("/"+strings.Repeat("a.", 2000), esc); len(got) > MaxLoggedPath+len("…") {
			t.Errorf("long path logged as %d bytes", len(got))
		}
	}
}

// FuzzRedactPath: whatever the path, the logged form holds no hash-shaped
// run and stays bounded.
func FuzzRedactPath(f *testing.F) {
	f.Add("/"+redAcct+"/"+redDev+"/001565aabbcc.cfg", true)
	f.Add("/%71"+redAcct[1:]+"%2F"+redDev, true)
	f.Add("/"+redAcct+redDev, false)
	f.Fuzz(func(t *testing.T, p string, escaped bool) {
		got := RedactPath(p, escaped)
		if hasHashRun(got) {
			t.Fatalf("RedactPath(%q) = %q keeps a hash-shaped run", p, got)
		}
		if len(got) > MaxLoggedPath+len("…") {
			t.Fatalf("RedactPath(%q) is %d bytes", p, len(got))
		}
	})
}

// redactBySplit is RedactPath as it was before its no-hash fast path:
// every path goes through the split, the per-segment cut and the join.
func redactBySplit(p string) string {
	if len(p) > 4*MaxLoggedPath {
		p = p[:4*MaxLoggedPath]
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if hasHashRun(s) {
			segs[i] = firstRunes(s, 4) + "…"
		}
	}
	return bounded(strings.Join(segs, "/"))
}

// TestRedactPathFastPathMatchesSplit: the fast path for names without a
// hash-shaped run gives what the split gives, for hash runs at and around
// segment boundaries, long paths and multi-byte runes at the cut.
func TestRedactPathFastPathMatchesSplit(t *testing.T) {
	hash := strings.Repeat("aB3_", HashLen/4+1)[:HashLen]
	short := hash[:HashLen-1]
	parts := []string{"", "/", "cfg.xml", short, short + "/" + short, hash, "/" + hash + "/",
		"é", "%41", "..", strings.Repeat("ü/x", 40), strings.Repeat("a-", 200)}
	n := 0
	for _, a := range parts {
		for _, b := range parts {
			for _, c := range parts {
				p := a + b + c
				if got, want := RedactPath(p, false), redactBySplit(p); got != want {
					t.Errorf("RedactPath(%q) = %q, split gives %q", p, got, want)
				}
				n++
			}
		}
	}
	if n != len(parts)*len(parts)*len(parts) {
		t.Fatalf("compared %d paths", n)
	}
}
