package setting

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// In provbox.toml 0 switches a Limit or a Timeout off, while the zero
// value of the type (a key left out) means the default.
func TestOffInTheFile(t *testing.T) {
	var c struct {
		A, B, C Limit
		D, E, F Timeout
	}
	if _, err := toml.Decode("A = 0\nB = 7\nD = \"0s\"\nE = \"3s\"\n", &c); err != nil {
		t.Fatal(err)
	}
	if !c.A.IsOff() || c.B != 7 || c.C != 0 || c.C.IsOff() {
		t.Errorf("limits %d %d %d; want off, 7, 0 (default)", c.A, c.B, c.C)
	}
	if !c.D.IsOff() || c.E.Duration() != 3*time.Second || c.F != 0 || c.F.IsOff() {
		t.Errorf("timeouts %d %d %d; want off, 3s, 0 (default)", c.D, c.E, c.F)
	}
	if c.A.Bound() != math.MaxInt32 || c.B.Bound() != 7 {
		t.Errorf("bounds %d %d", c.A.Bound(), c.B.Bound())
	}
	for _, bad := range []struct{ text, want string }{
		{"A = -1", "must be 0 (off) or more, got -1"},
		{`A = "8"`, "want a number (no quotes)"},
		{`D = "-2s"`, `must not be negative ("0s" turns it off), got -2s`},
		{`D = "2 s"`, `invalid duration: "2 s"`},
	} {
		if _, err := toml.Decode(bad.text, &c); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.text, err, bad.want)
		}
	}
	var p Limit
	OrBound(&p, 8)
	off := Off
	OrBound(&off, 8)
	if p != 8 || off != math.MaxInt32 {
		t.Errorf("OrBound: %d %d", p, off)
	}
}
