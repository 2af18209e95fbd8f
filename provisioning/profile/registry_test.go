package profile

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The full config carries every line's credentials; the redirect, the
// common answers and the boot files never carry a password, raw or
// escaped.
func TestCredentialsOnlyInFull(t *testing.T) {
	r := newTestRegistry(t)
	for _, p := range r.Profiles() {
		d := SampleData(p.Name)
		for _, f := range p.samples {
			switch p.MatchFile(f).Kind {
			case Primary:
				red := must(t)(r.Redirect(p, f, d))
				full := must(t)(r.Full(p, f, d))
				for _, l := range d.Lines {
					for _, form := range []string{l.Password, xmlEscape(l.Password)} {
						if bytes.Contains(red, []byte(form)) {
							t.Errorf("%s %s: redirect contains line %d's password", p.Name, f, l.Index)
						}
					}
					if isIndirect(p, f) {
						continue
					}
					want := l.Password
					if p.ContentType == "application/xml" {
						want = xmlEscape(l.Password)
					}
					for _, v := range []string{want, l.Extension} {
						if !bytes.Contains(full, []byte(v)) {
							t.Errorf("%s %s: full config lacks line %d's %q", p.Name, f, l.Index, v)
						}
					}
				}
			case Common:
				c := must(t)(r.Common(p, f))
				if bytes.Contains(c, []byte("://")) || bytes.Contains(c, []byte(d.Lines[0].Password)) {
					t.Errorf("%s %s: common answer carries a URL or password", p.Name, f)
				}
			}
		}
	}
}

// isIndirect: files that only point at the device's configuration file
// (Yealink's boot file, Poly's master config).
func isIndirect(p *Profile, f string) bool {
	return strings.HasSuffix(f, ".boot") || (p.Name == "poly" && !strings.HasSuffix(f, "-provbox.cfg"))
}

func TestRenderRefusals(t *testing.T) {
	r := newTestRegistry(t)
	p, _ := r.Profile("yealink")
	d := SampleData("yealink")
	if _, err := r.Redirect(p, "805ec0aabbcc.cfg", d); !errors.Is(err, ErrWrongMAC) {
		t.Errorf("another device's file: %v", err)
	}
	if _, err := r.Full(p, "y000000000028.cfg", d); !errors.Is(err, ErrNotPrimary) {
		t.Errorf("a common file as full config: %v", err)
	}
	if _, err := r.Common(p, "001565112233.cfg"); err == nil {
		t.Error("a device's own file answered as common")
	}
	d.Lines[0].Password = "two\nlines"
	if _, err := r.Full(p, "001565112233.cfg", d); err == nil || !strings.Contains(err.Error(), "line 1: password") {
		t.Errorf("unrenderable password: %v", err)
	}
}

func TestProfilesAndDHCP(t *testing.T) {
	r := newTestRegistry(t)
	want := []string{"yealink", "poly", "grandstream", "cisco-spa", "cisco-mpp", "snom", "fanvil", "htek", "gigaset", "panasonic"}
	got := names(r.Profiles())
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("profiles %v, want %v", got, want)
	}
	for _, p := range r.Profiles() {
		if len(p.DHCP.OUIs) == 0 || len(p.DHCP.Options) == 0 || p.Title == "" || p.ContentType == "" {
			t.Errorf("%s: incomplete profile %+v", p.Name, p.DHCP)
		}
		// Each sample MAC carries one of the vendor's own OUIs.
		d := SampleData(p.Name)
		if [3]byte(d.MAC[:3]) != p.DHCP.OUIs[0] {
			t.Errorf("%s: sample MAC %x outside its OUIs", p.Name, d.MAC)
		}
	}
	// Option 60 as phones send it, matched the way the rules say: Poly's
	// is binary (RFC 3925), Cisco MPP's NUL-terminated.
	class := map[string]string{
		"poly":        "\x00\x00\x36\x3d\x2a\x01\x07Polycom\x02\x0bVVX-VVX_410",
		"cisco-mpp":   "CP-8841-3PCC\x00",
		"cisco-spa":   "Cisco Systems, Inc. IP Phone SPA504G",
		"snom":        "snomD785",
		"grandstream": "Grandstream GXP1405 dslforum.org",
		"gigaset":     "Gigaset_N720_DM_PRO",
		"panasonic":   "Panasonic",
	}
	for name, c := range class {
		var hits []string
		for _, p := range r.Profiles() {
			if classMatches(p.DHCP, c) {
				hits = append(hits, p.Name)
			}
		}
		if len(hits) != 1 || hits[0] != name {
			t.Errorf("option 60 %q matched %v, want [%s]", c, hits, name)
		}
	}
}

func classMatches(r DHCPRule, c string) bool {
	for _, p := range r.ClassPrefixes {
		if strings.HasPrefix(c, p) {
			return true
		}
	}
	for _, s := range r.ClassContains {
		if strings.Contains(c, s) {
			return true
		}
	}
	return false
}

// writeOverride puts one override file in a fresh directory.
func writeOverride(t *testing.T, vendor, name, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, vendor), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, vendor, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOverride(t *testing.T) {
	dir := writeOverride(t, "fanvil", "common.tmpl", "<<VOIP CONFIG FILE>>Version:2.0002\n# site {{.File}}\n<<END OF FILE>>\n")
	r, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := r.Profile("fanvil")
	got := must(t)(r.Common(p, "f0X3shw1.100.cfg"))
	if !strings.Contains(string(got), "# site f0X3shw1.100.cfg") {
		t.Errorf("override not used: %s", got)
	}
	// The other templates stay built in, and may still use the partials.
	d := SampleData("fanvil")
	if full := must(t)(r.Full(p, hex.EncodeToString(d.MAC[:])+".cfg", d)); !bytes.Contains(full, []byte("DHCP Option        :0")) {
		t.Errorf("built-in full config lost:\n%s", full)
	}
}

// A broken override is refused at load with its file and line.
func TestOverrideBroken(t *testing.T) {
	cases := []struct{ vendor, name, text, want string }{
		{"yealink", "full.tmpl", "#!version:1.0.0.1\nok\n{{if}}\n", "full.tmpl:3"},
		{"poly", "redirect.tmpl", "<a>\n{{.NoSuchField}}</a>\n", "redirect.tmpl:2"},
		{"snom", "full.tmpl", "<settings>\n{{template \"nope\" .}}\n</settings>\n", "full.tmpl:2"},
		{"htek", "redirect.tmpl", "<hl_provision>\n<unclosed>\n</hl_provision>\n", "broken XML"},
		{"grandstream", "extra.tmpl", "x", "no built-in template of that name"},
		{"nosuch", "full.tmpl", "x", "not a vendor directory"},
	}
	for _, c := range cases {
		dir := writeOverride(t, c.vendor, c.name, c.text)
		_, err := New(dir)
		if err == nil {
			t.Errorf("%s/%s: broken override accepted", c.vendor, c.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || (c.vendor != "nosuch" && !strings.Contains(msg, filepath.Join(dir, c.vendor))) {
			t.Errorf("%s/%s: error %q lacks %q or the file's path", c.vendor, c.name, msg, c.want)
		}
	}
	if _, err := New(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing override directory was accepted")
	}
}
