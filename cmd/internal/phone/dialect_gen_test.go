package phone

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning/profile"
)

// A phone of one generation reads only its own keys: given the other
// generation's redirect, which switches DHCP off in a key both read (or
// in neither's), it reports itself stranded or finds no server; it never
// follows keys its firmware does not have.
func TestStrictGenerations(t *testing.T) {
	tests := []struct{ vendor, file, want string }{
		{"yealink-v80", "yealink-redirect.cfg", "no server"},
		{"yealink", "yealink-v80-redirect.cfg", "no server"},
		{"fanvil", "fanvil-redirect.cfg", "stranded"},
		{"fanvil-legacy", "fanvil-flash-redirect.cfg", "stranded"},
	}
	for _, tt := range tests {
		p, _ := Lookup(tt.vendor)
		s := readSample(t, tt.vendor, tt.file)
		_, ok, err := p.dialect.redirect(s, p.MAC(1, 1))
		switch tt.want {
		case "stranded":
			if err == nil || !strings.Contains(err.Error(), "stranded") {
				t.Errorf("%s reading %s: ok=%v err=%v, want stranded", tt.vendor, tt.file, ok, err)
			}
		case "no server":
			if ok || err != nil {
				t.Errorf("%s reading %s: ok=%v err=%v, want no server", tt.vendor, tt.file, ok, err)
			}
		}
	}
}

// Every lab phone's UA is one provbox's own profile parses, with the
// phone's MAC where the UA carries one, and it picks the generation the
// lab phone's dialect reads.
func TestLabPhonesMatchProvbox(t *testing.T) {
	reg, err := profile.New("")
	if err != nil {
		t.Fatal(err)
	}
	gen := map[string]string{"yealink": "v81", "yealink-v80": "v80", "fanvil": "new", "fanvil-legacy": "legacy",
		"poly": "ucs", "poly-edge": "edge"}
	for _, name := range Names() {
		p, _ := Lookup(name)
		vp, ok := reg.Profile(p.ProvboxVendor())
		if !ok {
			t.Fatalf("%s: provbox has no profile %s", name, p.ProvboxVendor())
		}
		mac := p.MAC(1, 0x10)
		ua, ok := vp.ParseUA(p.UA(mac))
		if !ok {
			t.Errorf("%s: provbox's %s profile rejects %q", name, vp.Name, p.UA(mac))
			continue
		}
		if ua.HasMAC && hexMAC(mac) != hex.EncodeToString(ua.MAC[:]) {
			t.Errorf("%s: UA MAC %x, phone %s", name, ua.MAC, mac)
		}
		if g := vp.Generation(p.UA(mac), ""); g != gen[name] {
			t.Errorf("%s: provbox picks generation %q, the lab phone reads %q", name, g, gen[name])
		}
	}
}
