package phone

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFamilyRedirectReaders(t *testing.T) {
	tests := []struct {
		vendor, file string
		want         Target
		dhcpOff      bool
	}{
		// The first CFG_STANDARD_FILE_PATH wins; {MAC} is the upper-case MAC.
		{"panasonic", "panasonic-redirect.cfg", Target{File: secretDir + "Config0080F0010001.cfg"}, true},
		// 160 and 159 left on: DHCP still names a server.
		{"panasonic", "panasonic-160on.cfg", Target{File: "http://10.9.0.1/a/b/Config0080F0010001.cfg"}, false},
		{"gigaset", "gigaset-redirect.xml", Target{Base: secretDir}, true},
		{"gigaset", "gigaset-dhcpon.xml", Target{Base: "http://10.9.0.1/a/b/"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, _ := Lookup(tt.vendor)
			s := readSample(t, tt.vendor, tt.file)
			r, ok, err := p.dialect.redirect(s, p.MAC(1, 1))
			if err != nil || !ok {
				t.Fatalf("redirect: ok=%v err=%v", ok, err)
			}
			if r.Target != tt.want || r.DHCPOff != tt.dhcpOff {
				t.Errorf("got %+v DHCPOff %v, want %+v %v", r.Target, r.DHCPOff, tt.want, tt.dhcpOff)
			}
		})
	}
}

// Files these phones refuse outright, as a phone ignores a file it cannot
// read: an Nx70 base's file on a Maxwell, spaces around '=' on a Panasonic.
func TestFamilyRefusals(t *testing.T) {
	for _, tt := range []struct{ vendor, file string }{
		{"gigaset", "gigaset-nx70.xml"},
		{"panasonic", "panasonic-spaces.cfg"},
		{"panasonic", "gigaset-redirect.xml"},
		{"gigaset", "panasonic-redirect.cfg"},
	} {
		p, _ := Lookup(tt.vendor)
		body, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.dialect.parse(body, p.MAC(1, 1)); err == nil {
			t.Errorf("%s read %s", tt.vendor, tt.file)
		}
	}
}

func TestFamilyLines(t *testing.T) {
	for _, tt := range []struct {
		vendor, file string
		want         []Line
	}{
		// The value runs to the line's last quote.
		{"panasonic", "panasonic-full.cfg", []Line{{Index: 1, User: "201", AuthUser: "201", Password: `pw "quoted"`, Server: "pbx.example.org"}}},
		// Nx70 accounts are not a Maxwell's.
		{"gigaset", "gigaset-full.xml", []Line{{Index: 1, User: "201", AuthUser: "201", Password: "pw-201", Server: "pbx.example.org"},
			{Index: 2, User: "299", Password: "pw-299"}}},
	} {
		p, _ := Lookup(tt.vendor)
		got := p.dialect.lines(readSample(t, tt.vendor, tt.file))
		if !sameLines(got, tt.want) {
			t.Errorf("%s: lines %+v, want %+v", tt.file, got, tt.want)
		}
	}
}
