package phone

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const secretDir = "http://10.9.0.1/0123456789abcdef0123456789abcdef/fedcba9876543210fedcba9876543210/"

func readSample(t *testing.T, vendor, file string) Settings {
	t.Helper()
	p, err := Lookup(vendor)
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.dialect.parse(body, p.MAC(1, 1))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

func TestRedirectReaders(t *testing.T) {
	tests := []struct {
		vendor, file string
		want         Target
		dhcpOff      bool
		off          string
	}{
		{"yealink", "yealink-redirect.cfg", Target{Base: secretDir}, true, "pnp,zero-touch"},
		{"poly", "poly-redirect.cfg", Target{Base: secretDir}, true, "ztp"},
		{"grandstream", "grandstream-redirect.xml", Target{Base: secretDir}, true, "pnp"},
		{"grandstream", "grandstream-alias.xml", Target{Base: secretDir}, true, ""},
		{"cisco-spa", "cisco-spa-redirect.xml", Target{File: secretDir + "spa503de5010001.xml"}, true, ""},
		{"cisco-mpp", "cisco-mpp-redirect.xml", Target{File: secretDir + "d0ec35010001.xml"}, true, "dhcp-options,webex"},
		{"snom", "snom-redirect.xml", Target{File: secretDir + "snomD785-00041301" + "0001.htm"}, true, "pnp"},
		{"snom", "snom-dhcpon.xml", Target{Base: "http://10.9.0.1/a/b/"}, false, ""},
		{"snom", "snom-old.htm", Target{Base: "http://10.9.0.1/a/b/"}, true, ""},
		{"yealink-v80", "yealink-v80-redirect.cfg", Target{Base: secretDir}, true, "pnp"},
		{"fanvil-legacy", "fanvil-redirect.cfg", Target{File: secretDir + "0c383e020001.cfg"}, true, "pnp"},
		{"fanvil", "fanvil-flash-redirect.cfg", Target{File: secretDir + "0c383e010001.cfg"}, true, "pnp"},
		{"fanvil", "fanvil-full.xml", Target{File: secretDir + "0c383e010001.cfg"}, true, ""},
		{"htek", "htek-redirect.xml", Target{Base: secretDir}, true, "pnp"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, _ := Lookup(tt.vendor)
			s := readSample(t, tt.vendor, tt.file)
			r, ok, err := p.dialect.redirect(s, p.MAC(1, 1))
			if err != nil || !ok {
				t.Fatalf("redirect: ok=%v err=%v", ok, err)
			}
			if r.Target != tt.want {
				t.Errorf("target %+v, want %+v", r.Target, tt.want)
			}
			if r.DHCPOff != tt.dhcpOff {
				t.Errorf("DHCPOff %v, want %v", r.DHCPOff, tt.dhcpOff)
			}
			if got := strings.Join(r.Off, ","); got != tt.off {
				t.Errorf("off %q, want %q", got, tt.off)
			}
		})
	}
}

// Configs a phone must not take as a redirect.
func TestNotARedirect(t *testing.T) {
	tests := []struct{ vendor, file string }{
		{"poly", "poly-unset.cfg"},              // no device.set / .set: ignored
		{"cisco-spa", "cisco-spa-relative.xml"}, // still relative to DHCP
		{"yealink", "yealink-boot.boot"},
		{"poly", "poly-master.cfg"},
		{"snom", "snom-settingfiles.xml"},
		{"htek", "htek-full.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, _ := Lookup(tt.vendor)
			s := readSample(t, tt.vendor, tt.file)
			if r, ok, err := p.dialect.redirect(s, p.MAC(1, 1)); ok || err != nil {
				t.Fatalf("took %+v (err %v) as a redirect", r, err)
			}
		})
	}
}

func TestFollow(t *testing.T) {
	tests := []struct {
		vendor, file string
		want         string
	}{
		{"yealink", "yealink-boot.boot", "y000000000066.cfg,805ec0010001.cfg"},
		{"poly", "poly-master.cfg", "64167f010001-redirect.cfg"},
		{"snom", "snom-settingfiles.xml", "snomD785-redirect.xml"},
	}
	for _, tt := range tests {
		s := readSample(t, tt.vendor, tt.file)
		if got := strings.Join(s.Follow, ","); got != tt.want {
			t.Errorf("%s: follow %q, want %q", tt.file, got, tt.want)
		}
	}
}

func TestLineReaders(t *testing.T) {
	tests := []struct {
		vendor, file string
		lines        int
	}{
		{"yealink", "yealink-full.cfg", 2},
		{"poly", "poly-full.cfg", 1},
		{"grandstream", "grandstream-full.xml", 1},
		{"grandstream", "grandstream-alias.xml", 1},
		{"cisco-spa", "cisco-spa-full.xml", 1},
		{"snom", "snom-full.xml", 1},
		{"snom", "snom-old.htm", 1},
		{"fanvil", "fanvil-full.xml", 1},
		{"htek", "htek-full.xml", 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, _ := Lookup(tt.vendor)
			ls := p.dialect.lines(readSample(t, tt.vendor, tt.file))
			if len(ls) != tt.lines {
				t.Fatalf("%d lines %+v, want %d", len(ls), ls, tt.lines)
			}
			l := ls[0]
			if l.User != "1001" {
				t.Errorf("user %q", l.User)
			}
			if tt.file != "snom-old.htm" && (l.Password != "s3cret-1001" || l.Server != "pbx.example") {
				t.Errorf("line %+v", l)
			}
		})
	}
}

// Redirect samples carry no credentials.
func TestRedirectHasNoLines(t *testing.T) {
	for _, v := range []string{"yealink-redirect.cfg", "poly-redirect.cfg", "grandstream-redirect.xml", "cisco-spa-redirect.xml", "snom-redirect.xml", "fanvil-redirect.cfg", "htek-redirect.xml"} {
		vendor := strings.SplitN(v, "-", 2)[0]
		if strings.HasPrefix(v, "cisco") {
			vendor = "cisco-spa"
		}
		p, _ := Lookup(vendor)
		if ls := p.dialect.lines(readSample(t, vendor, v)); len(ls) != 0 {
			t.Errorf("%s: lines %+v", v, ls)
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct{ vendor, body, want string }{
		{"grandstream", "<gs_provision><mac>c074ad999999</mac></gs_provision>", "not c074ad010001"},
		{"grandstream", "<hl_provision/>", "want <gs_provision>"},
		{"cisco-mpp", "<flat-profile><Profile_Rule>", "malformed XML"},
		{"cisco-mpp", "<settings/>", "want <flat-profile>"},
		{"yealink", "#!version:1.0.0.1\ngarbage line\n", "line 2"},
		{"fanvil", "<<VOIP CONFIG FILE>>\nnonsense\n", "not a Fanvil setting"},
	}
	for _, tt := range tests {
		p, _ := Lookup(tt.vendor)
		_, err := p.dialect.parse([]byte(tt.body), p.MAC(1, 1))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q: err %v, want %q", tt.vendor, tt.body, err, tt.want)
		}
	}
	p, _ := Lookup("cisco-spa")
	s := newSettings()
	s.set("Profile_Rule", "http://10.9.0.1/$BOGUS/x.xml")
	if _, _, err := p.dialect.redirect(s, p.MAC(1, 1)); err != nil {
		t.Errorf("unknown macro must stay literal like the phone: %v", err)
	}
	s.set("Profile_Rule", "gopher://10.9.0.1/x")
	if _, _, err := p.dialect.redirect(s, p.MAC(1, 1)); err == nil || !strings.Contains(err.Error(), "unsupported scheme") {
		t.Errorf("gopher: %v", err)
	}
}

func TestRedact(t *testing.T) {
	got := Redact("http://10.0.0.1/Dn452TBQmbb4iX0aCXRbyJis/7m-bSsN5qnYWWtN_azsBQtO7/cfg001fc1100001.xml")
	if got != "http://10.0.0.1/Dn452T…/7m-bSs…/cfg001fc1100001.xml" {
		t.Errorf("redact %q", got)
	}
}
