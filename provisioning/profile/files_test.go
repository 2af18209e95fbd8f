package profile

import (
	"encoding/hex"
	"testing"
)

// Every file name README.md's family tables mention, and the ones our
// redirects make the phones ask for, with the answer they get from their
// own vendor's profile.
var fileExamples = []struct {
	vendor, name string
	kind         Kind
	mac, model   string
}{
	// Yealink §1.2, §0.3
	{"yealink", "805ec0112233.boot", Primary, "805ec0112233", ""},
	{"yealink", "805ec0112233.cfg", Primary, "805ec0112233", ""},
	{"yealink", "y000000000000.boot", Common, "", ""},
	{"yealink", "y000000000028.cfg", Common, "", "000000000028"},
	{"yealink", "y000000000150.cfg", Common, "", "000000000150"},
	{"yealink", "805ec0112233-local.cfg", None, "", ""},
	{"yealink", "805EC0112233.cfg", None, "", ""}, // Yealink asks in lower case
	{"yealink", "000000000000.cfg", None, "", ""},
	{"yealink", "T46-28.83.0.35.rom", None, "", ""},
	// Poly §2.2
	{"poly", "0004f2112233.cfg", Primary, "0004f2112233", ""},
	{"poly", "0004f2112233-provbox.cfg", Primary, "0004f2112233", ""},
	{"poly", "000000000000.cfg", Common, "", ""},
	{"poly", "sip.ld", None, "", ""},
	{"poly", "2345-12500-001.sip.ld", None, "", ""},
	{"poly", "0004f2112233-phone.cfg", None, "", ""},
	{"poly", "0004f2112233-web.cfg", None, "", ""},
	{"poly", "0004f2112233-license.cfg", None, "", ""},
	{"poly", "0004f2112233-directory.xml", None, "", ""},
	{"poly", "000000000000-directory.xml", None, "", ""},
	{"poly", "0004f2112233-boot.log", None, "", ""},
	{"poly", "0004f2112233-app.log", None, "", ""},
	// Grandstream §3.2
	{"grandstream", "cfg000b82112233.xml", Primary, "000b82112233", ""},
	{"grandstream", "cfg000b82112233", None, "", ""},
	{"grandstream", "cfg000b82112233.bin", None, "", ""},
	{"grandstream", "cfggrp2614.xml", Common, "", "grp2614"},
	{"grandstream", "cfg.xml", Common, "", ""},
	// Cisco SPA §4.2
	{"cisco-spa", "spa504G.cfg", Primary, "", "504G"},
	{"cisco-spa", "spa122.cfg", Primary, "", "122"},
	{"cisco-spa", "spa525G2.cfg", Primary, "", "525G2"},
	{"cisco-spa", "spa002699112233.xml", Primary, "002699112233", ""},
	{"cisco-spa", "spa.cfg", None, "", ""},
	// Cisco MPP §5.2
	{"cisco-mpp", "8841-3PCC.xml", Primary, "", "8841"},
	{"cisco-mpp", "8851-3PCC.xml", Primary, "", "8851"},
	{"cisco-mpp", "7861-3PCC.xml", Primary, "", "7861"},
	{"cisco-mpp", "Cisco/CP-8851-3PCC/001234ab45de.cfg", Primary, "001234ab45de", "8851"},
	{"cisco-mpp", "d0ec35112233.xml", Primary, "d0ec35112233", ""},
	{"cisco-mpp", "SEPD0EC35112233.cnf.xml", None, "", ""},
	// Snom §6.2
	{"snom", "snomD785.htm", Primary, "", "D785"},
	{"snom", "snomD785-000413922D24.htm", Primary, "000413922d24", "D785"},
	{"snom", "snom320.htm", Primary, "", "320"},
	{"snom", "snomD785-firmware.htm", None, "", ""},
	{"snom", "snom-general.xml", None, "", ""},
	// Fanvil §7.2
	{"fanvil", "0c383e07e16c.cfg", Primary, "0c383e07e16c", ""},
	{"fanvil", "f0X3shw1.100.cfg", Common, "", ""},
	{"fanvil", "f0X4hw1.100.cfg", Common, "", ""},
	{"fanvil", "F0V00X600000.cfg", Common, "", ""},
	{"fanvil", "F0V0V6700000.cfg", Common, "", ""},
	{"fanvil", "f0C00580000.cfg", Common, "", ""},
	// Htek §8
	{"htek", "cfg001fc11c22a9.xml", Primary, "001fc11c22a9", ""},
	{"htek", "cfg0010.xml", Declined, "", "0010"},
	{"htek", "cfg0012.xml", Declined, "", "0012"},
	{"htek", "cfg0013.xml", Declined, "", "0013"},
	{"htek", "cfg0016.xml", Declined, "", "0016"},
	{"htek", "cfg0017.xml", Declined, "", "0017"},
	{"htek", "cfg0019.xml", Declined, "", "0019"},
	// Gigaset: N510 upper, Nx70 lower; Maxwell's provisioning.xml
	{"gigaset", "7C2F80123456.xml", Primary, "7c2f80123456", ""},
	{"gigaset", "7c2f80e0d605.xml", Primary, "7c2f80e0d605", ""},
	{"gigaset", "provisioning.xml", Primary, "", ""},
	{"gigaset", "GigasetP82x.htm", None, "", ""},
	{"gigaset", "master.bin", None, "", ""},
	{"gigaset", "Gigaset-Nx70-V2.65.0-build.8504c90.bin", None, "", ""},
	// Panasonic: {MODEL}.cfg pre-provisioning, Config{MAC}.cfg standard
	{"panasonic", "KX-UT123.cfg", Primary, "", "KX-UT123"},
	{"panasonic", "KX-HDV230.cfg", Primary, "", "KX-HDV230"},
	{"panasonic", "KX-TGP550T04.cfg", Primary, "", "KX-TGP550T04"},
	{"panasonic", "KX-TGP500B04.cfg", Primary, "", "KX-TGP500B04"},
	{"panasonic", "Config0080F0C8C381.cfg", Primary, "0080f0c8c381", ""},
	{"panasonic", "Config0080f0c8c381.cfg", None, "", ""},
	{"panasonic", "ConfigCommon.cfg", None, "", ""},
	{"panasonic", "UT11x12x-01.133_HW1.fw", None, "", ""},
}

func TestFileKinds(t *testing.T) {
	r := newTestRegistry(t)
	for _, ex := range fileExamples {
		p, ok := r.Profile(ex.vendor)
		if !ok {
			t.Fatalf("no profile %s", ex.vendor)
		}
		m := p.MatchFile(ex.name)
		gotMAC := ""
		if m.HasMAC {
			gotMAC = hex.EncodeToString(m.MAC[:])
		}
		if m.Kind != ex.kind || gotMAC != ex.mac || m.Model != ex.model {
			t.Errorf("%s %q: got kind %d mac %q model %q, want %d %q %q", ex.vendor, ex.name, m.Kind, gotMAC, m.Model, ex.kind, ex.mac, ex.model)
		}
	}
}

// Names no vendor may claim: traversal, other vendors' families, junk.
func TestFileKindsNobody(t *testing.T) {
	r := newTestRegistry(t)
	for _, name := range []string{"", "/", "..", "../etc/passwd", "etc/passwd", "index.html",
		"favicon.ico", ".cfg", "0004f2112233.cfg/..", "a/0004f2112233.cfg", "\x00.cfg",
		"aastra.cfg", "00085D237429.cfg.bak", "lanpbx.cfg", "J100Supgrade.txt"} {
		for _, p := range r.Profiles() {
			if m := p.MatchFile(name); m.Kind != None {
				t.Errorf("%s claims %q as kind %d", p.Name, name, m.Kind)
			}
		}
	}
}

// What every redirect makes the phone ask for next is its own file with
// its MAC, so the core can check it against the secret URL's device.
func TestRedirectTargetsArePrimary(t *testing.T) {
	r := newTestRegistry(t)
	next := map[string][]string{
		"yealink":     {"%s.boot", "%s.cfg"},
		"poly":        {"%s.cfg", "%s-provbox.cfg"},
		"grandstream": {"cfg%s.xml"},
		"cisco-spa":   {"spa%s.xml"},
		"cisco-mpp":   {"%s.xml"},
		"snom":        {"snomD785-%S.htm"},
		"fanvil":      {"%s.cfg"},
		"htek":        {"cfg%s.xml"},
		"gigaset":     {"%s.xml", "%S.xml"},
		"panasonic":   {"Config%S.cfg"},
	}
	for _, p := range r.Profiles() {
		d := SampleData(p.Name)
		mac := hex.EncodeToString(d.MAC[:])
		if len(next[p.Name]) == 0 {
			t.Fatalf("no redirect targets listed for %s", p.Name)
		}
		for _, pat := range next[p.Name] {
			name := fmtMAC(pat, mac)
			m := p.MatchFile(name)
			if m.Kind != Primary || !m.HasMAC || m.MAC != d.MAC {
				t.Errorf("%s: %q is %+v, want Primary with the MAC", p.Name, name, m)
			}
		}
	}
}

// fmtMAC fills %s with the lower-case MAC and %S with the upper-case one.
func fmtMAC(pat, mac string) string {
	out := []byte{}
	for i := 0; i < len(pat); i++ {
		if pat[i] == '%' && i+1 < len(pat) {
			if pat[i+1] == 's' {
				out = append(out, mac...)
			} else {
				for _, c := range []byte(mac) {
					if c >= 'a' && c <= 'f' {
						c -= 'a' - 'A'
					}
					out = append(out, c)
				}
			}
			i++
			continue
		}
		out = append(out, pat[i])
	}
	return string(out)
}
