package provisioning

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkRenderData is what every served config builds before the
// render cache can compare it: the secret URL and the device's lines.
func BenchmarkRenderData(b *testing.B) {
	a := &Account{Name: "acme", Hash: Hash(strings.Repeat("A", HashLen)), SIPServer: "sip.example.net"}
	for _, n := range []int{1, 3} {
		d := &Device{MAC: MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}, Vendor: "yealink", Hash: Hash(strings.Repeat("B", HashLen))}
		for i := range n {
			d.Lines = append(d.Lines, Line{Extension: fmt.Sprint(100 + i), AuthUser: fmt.Sprint(100 + i), Password: "pw"})
		}
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if vd := renderData("http://192.0.2.1", d, a); len(vd.Lines) != n {
					b.Fatalf("%d lines, want %d", len(vd.Lines), n)
				}
			}
		})
	}
}

// renderData numbers the lines from 1 and copies each field.
func TestRenderDataLines(t *testing.T) {
	a := &Account{Hash: Hash(strings.Repeat("A", HashLen))}
	d := &Device{Hash: Hash(strings.Repeat("B", HashLen)), Lines: []Line{
		{Extension: "100", AuthUser: "u100", Password: "p100", DisplayName: "One", Label: "L1"},
		{Extension: "101", AuthUser: "u101", Password: "p101", DisplayName: "Two", Label: "L2"},
		{Extension: "102", AuthUser: "u102", Password: "p102", DisplayName: "Three", Label: "L3"},
	}}
	vd := renderData("https://prov.example.net", d, a)
	if len(vd.Lines) != len(d.Lines) {
		t.Fatalf("%d lines, want %d", len(vd.Lines), len(d.Lines))
	}
	for i, l := range vd.Lines {
		s := d.Lines[i]
		if l.Index != i+1 || l.Extension != s.Extension || l.AuthUser != s.AuthUser || l.Password != s.Password ||
			l.DisplayName != s.DisplayName || l.Label != s.Label {
			t.Errorf("line %d: %+v from %+v", i, l, s)
		}
	}
	if want := "https://prov.example.net" + secretPath(a.Hash, d.Hash); vd.ProvisionURL != want {
		t.Errorf("URL %s, want %s", vd.ProvisionURL, want)
	}
	if none := renderData("http://x", &Device{Hash: d.Hash}, a); none.Lines != nil {
		t.Errorf("a device without lines renders %d lines", len(none.Lines))
	}
}
