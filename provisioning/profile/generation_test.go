package profile

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// uaBuilders write a User-Agent of a vendor's phone for a model and
// firmware, in the forms of ua_test.go's examples. A profile without one
// is exercised with no UA (TFTP): its generation is then unknown.
var uaBuilders = map[string]func(model, fw string, mac [6]byte) string{
	"yealink": func(model, fw string, mac [6]byte) string {
		return fmt.Sprintf("Yealink SIP-%s %s %s", model, fw, macColon(mac))
	},
	"fanvil": func(model, fw string, mac [6]byte) string {
		return fmt.Sprintf("Fanvil %s %s %x", model, fw, mac[:])
	},
	"poly": func(model, fw string, mac [6]byte) string {
		family := "PolycomVVX"
		if strings.HasPrefix(model, "Edge") {
			family = "PolyEdge"
		} else if strings.HasPrefix(model, "CCX") {
			family = "PolyCCX"
		}
		return fmt.Sprintf("FileTransport %s-%s-UA/%s (SN:%x) Type/Application", family, model, fw, mac[:])
	},
}

// genUA is a UA of generation g's first model, or "" without a builder.
func genUA(p *Profile, g Generation, model string, mac [6]byte) string {
	b := uaBuilders[p.Name]
	if b == nil || g.Name == "" {
		return ""
	}
	return b(model, g.Firmware, mac)
}

// Each generation's UAs pick that generation; the firmware outranks the
// model, and a model alone decides only where the references agree.
func TestGenerationPick(t *testing.T) {
	r := newTestRegistry(t)
	cases := []struct{ vendor, ua, model, want string }{
		{"yealink", "Yealink SIP-T46G 28.80.0.95 00:15:65:4a:a9:37", "", "v80"},
		{"yealink", "Yealink SIP-T46G 28.81.0.110 00:15:65:4a:a9:37", "", "v81"},
		{"yealink", "yealink SIP-T28P 2.73.0.50 00:15:65:12:34:56", "", "v80"},
		{"yealink", "Yealink SIP-T77U 185.87.0.10 44:db:d2:bd:b5:69", "", "v81"},
		{"yealink", "", "T28P", "v80"},
		{"yealink", "", "T46G", ""}, // got both: unknown without a firmware
		{"yealink", "", "", ""},
		{"fanvil", "Fanvil X4U 2.12.10.1 0c383e07e16c", "", "new"},
		{"fanvil", "Fanvil X6U Pro 0.0.10 0c383e2cd782", "", "new"},
		{"fanvil", "Fanvil X4 2.10.2.6887 0c383e07e16c", "", "legacy"},
		{"fanvil", "Fanvil X5S 2.4.1 0c383e07e16c", "", "legacy"},
		{"fanvil", "Fanvil X6 2.4.1 0c383e07e16c", "", ""}, // the references disagree
		{"fanvil", "Fanvil i10SV 2.12.10.1 0c383e2397f4", "", ""},
		{"fanvil", "", "V67", "new"},
		{"poly", "FileTransport PolycomVVX-VVX_410-UA/5.9.5.0614 Type/Application", "", "ucs"},
		{"poly", "FileTransport PolyEdge-Edge_E450-UA/8.0.0.15602 Type/Application", "", "edge"},
		{"poly", "", "", ""},
	}
	for _, c := range cases {
		p, _ := r.Profile(c.vendor)
		if got := p.Generation(c.ua, c.model); got != c.want {
			t.Errorf("%s %q model %q: generation %q, want %q", c.vendor, c.ua, c.model, got, c.want)
		}
	}
	for _, p := range r.Profiles() {
		for _, g := range p.Generations() {
			for _, m := range g.Models {
				ua := genUA(p, g, m, SampleData(p.Name).MAC)
				if got := p.Generation(ua, ""); ua != "" && got != g.Name {
					t.Errorf("%s: %q picks %q, want %q", p.Name, ua, got, g.Name)
				}
			}
		}
	}
}

// The no-stranding invariant: for every profile, generation and model,
// and every provisioning URL form, a redirect (and a full config) that
// switches off DHCP-supplied provisioning also sets the secret URL in
// that generation's own dialect, as its reader — which reads only that
// generation's keys — parses it back. The same holds for the answer
// given when the generation cannot be told (no UA): every generation
// must find its server in it.
func TestNoStranding(t *testing.T) {
	r := newTestRegistry(t)
	const hashes = "k3Jq0vZ8-pTs2YbWnRc4LmXe/Qw7_Ha9dZr1UfYp5NcT0sBgK/"
	urls := []string{"https://prov.example.org/" + hashes, "http://192.0.2.10:8080/prov/" + hashes,
		"tftp://192.0.2.10/" + hashes, "http://192.0.2.10/"}
	checked := 0
	for _, p := range r.Profiles() {
		for _, g := range p.Generations() {
			read := readerFor(p, g.Name)
			if read == nil {
				t.Errorf("%s %s: no reader in redirect_test.go's readers", p.Name, g.Name)
				continue
			}
			models := append([]string{""}, g.Models...) // "": no UA, generation unknown
			for _, model := range models {
				for _, u := range urls {
					d := SampleData(p.Name)
					d.ProvisionURL = u
					if model != "" {
						d.UserAgent = genUA(p, g, model, d.MAC)
					}
					for _, f := range primaries(p) {
						for _, kind := range []string{"redirect", "full"} {
							body := must(t)(r.render(p, kind+".tmpl", f, d))
							facts, err := read(t, r, p, f, d, body)
							where := fmt.Sprintf("%s %s model %q UA %q %s %s (%s)", p.Name, g.Name, model, d.UserAgent, kind, f, u)
							switch {
							case err != nil:
								t.Errorf("%s: %v\n%s", where, err, body)
							case !facts.dhcpOff:
								t.Errorf("%s: DHCP provisioning not switched off:\n%s", where, body)
							case facts.url != u:
								t.Errorf("%s: STRANDED: DHCP off, server %q, want %q:\n%s", where, facts.url, u, body)
							}
							checked++
						}
					}
				}
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d combinations checked", checked)
	}
}

// A V80 redirect carries no V81 key and the other way round: a phone is
// told only what its firmware reads, when its generation is known.
func TestGenerationKeysApart(t *testing.T) {
	r := newTestRegistry(t)
	p, _ := r.Profile("yealink")
	d := SampleData("yealink")
	mac := hex.EncodeToString(d.MAC[:])
	d.UserAgent = "Yealink SIP-T28P 2.73.0.50 " + macColon(d.MAC)
	old := string(must(t)(r.Redirect(p, mac+".cfg", d)))
	d.UserAgent = "Yealink SIP-T46S 66.86.0.15 " + macColon(d.MAC)
	cur := string(must(t)(r.Redirect(p, mac+".cfg", d)))
	if strings.Contains(old, "static.") || !strings.Contains(old, "\nauto_provision.server.url") {
		t.Errorf("V80 redirect:\n%s", old)
	}
	if strings.Contains(cur, "\nauto_provision.") || !strings.Contains(cur, "static.auto_provision.server.url") {
		t.Errorf("V81 redirect:\n%s", cur)
	}
	// Over TFTP (no UA) the device's configured model decides where the
	// references agree: a T28P never got V81.
	d.UserAgent, d.Model = "", "T28P"
	if tftp := string(must(t)(r.Redirect(p, mac+".cfg", d))); strings.Contains(tftp, "static.") {
		t.Errorf("T28P redirect without a UA:\n%s", tftp)
	}
	f, _ := r.Profile("fanvil")
	fd := SampleData("fanvil")
	fd.UserAgent = "Fanvil X4 2.10.2.6887 " + hex.EncodeToString(fd.MAC[:])
	legacy := string(must(t)(r.Redirect(f, hex.EncodeToString(fd.MAC[:])+".cfg", fd)))
	fd.UserAgent = "Fanvil X4U 2.12.10.1 " + hex.EncodeToString(fd.MAC[:])
	newer := string(must(t)(r.Redirect(f, hex.EncodeToString(fd.MAC[:])+".cfg", fd)))
	if strings.Contains(legacy, "Flash") || !strings.Contains(legacy, "Download Server IP") {
		t.Errorf("legacy Fanvil redirect:\n%s", legacy)
	}
	if strings.Contains(newer, "Download") || !strings.Contains(newer, "Flash Server IP") {
		t.Errorf("new Fanvil redirect:\n%s", newer)
	}
}
