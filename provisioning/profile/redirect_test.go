package profile

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// redirectFacts is what a redirect says, as read back by the readers:
// the URL the phone will provision from and whether DHCP options stop
// choosing the server.
type redirectFacts struct {
	url     string
	dhcpOff bool
}

// readRedirect reads one vendor's redirect body for file.
func readRedirect(t *testing.T, r *Registry, p *Profile, gen, file string, d Data, body []byte) redirectFacts {
	t.Helper()
	facts, err := readerFor(p, gen)(t, r, p, file, d, body)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", p.Name, file, err, body)
	}
	return facts
}

type reader func(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error)

// readers are keyed by profile name, or "name/generation" where a
// family's generations read different keys: each reads only its own
// generation's keys, as that firmware would.
var readers = map[string]reader{
	"yealink/v80": yealinkReader(""),
	"yealink/v81": yealinkReader("static."),
	"poly":        readPoly,
	"grandstream": func(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
		kv, err := readLeaves(body, "gs_provision", "config")
		if err != nil {
			return redirectFacts{}, err
		}
		scheme := map[string]string{"0": "tftp", "1": "http", "2": "https"}[kv["P212"]]
		return redirectFacts{url: scheme + "://" + kv["P237"] + "/", dhcpOff: kv["P145"] == "0"}, nil
	},
	"cisco-spa": ciscoReader("spa$MA.xml"),
	"cisco-mpp": ciscoReader("$MA.xml"),
	"snom": func(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
		kv, err := readLeaves(body, "settings", "phone-settings")
		if err != nil {
			return redirectFacts{}, err
		}
		order := strings.Fields(kv["provisioning_order"])
		noDHCP := len(order) > 0 && !slices.ContainsFunc(order, func(s string) bool { return strings.HasPrefix(s, "dhcp") })
		return redirectFacts{url: kv["setting_server"], dhcpOff: noDHCP && kv["pnp_config"] == "off"}, nil
	},
	"fanvil/legacy": fanvilReader("Download Server IP", "Config File Name", "Download Protocol"),
	"fanvil/new":    fanvilReader("Flash Server IP", "Flash File Name", "Flash Protocol"),
	"htek": func(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
		kv, err := readLeaves(body, "hl_provision", "config")
		if err != nil {
			return redirectFacts{}, err
		}
		return redirectFacts{url: kv["P237"], dhcpOff: kv["P145"] == "0" && kv["P20165"] == "0"}, nil
	},
}

// readerFor returns the reader of p's generation gen.
func readerFor(p *Profile, gen string) reader {
	if r := readers[p.Name+"/"+gen]; r != nil {
		return r
	}
	return readers[p.Name]
}

// yealinkReader reads the provisioning keys with prefix ("" up to V80,
// "static." from V81); a boot file is followed to the .cfg it includes.
func yealinkReader(prefix string) reader {
	return func(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
		kv, inc, err := readKV(body)
		if err != nil {
			return redirectFacts{}, err
		}
		if strings.HasSuffix(file, ".boot") {
			// A boot file carries only includes: it includes the device's own
			// .cfg from the secret URL, whose content must then switch DHCP off.
			if len(inc) != 1 {
				return redirectFacts{}, fmt.Errorf("want one include, got %q", inc)
			}
			dir, name := inc[0][:strings.LastIndex(inc[0], "/")+1], inc[0][strings.LastIndex(inc[0], "/")+1:]
			if name != hex.EncodeToString(d.MAC[:])+".cfg" {
				return redirectFacts{}, fmt.Errorf("include names %q, not the device's .cfg", name)
			}
			full, err := r.Full(p, name, d)
			if err != nil {
				return redirectFacts{}, err
			}
			if kv, _, err = readKV(full); err != nil {
				return redirectFacts{}, err
			}
			if kv[prefix+"auto_provision.server.url"] != dir {
				return redirectFacts{}, fmt.Errorf("included config points at %q, not %q", kv[prefix+"auto_provision.server.url"], dir)
			}
		}
		return redirectFacts{url: kv[prefix+"auto_provision.server.url"],
			dhcpOff: kv[prefix+"auto_provision.dhcp_option.enable"] == "0" && kv[prefix+"auto_provision.pnp_enable"] == "0"}, nil
	}
}

// fanvilReader reads the AUTOUPDATE module with one generation's server,
// file and protocol keys.
func fanvilReader(serverKey, fileKey, protoKey string) reader {
	return func(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
		kv, err := readFanvil(body)
		if err != nil {
			return redirectFacts{}, err
		}
		const m = "AUTOUPDATE CONFIG MODULE/"
		dhcpOff := kv[m+"DHCP Option"] == "0" && kv[m+"PNP Enable"] == "0"
		if kv[m+serverKey] == "" { // no server in this generation's keys
			return redirectFacts{dhcpOff: dhcpOff}, nil
		}
		scheme := map[string]string{"2": "tftp", "4": "http", "5": "https"}[kv[m+protoKey]]
		path, ok := strings.CutSuffix(kv[m+fileKey], "$mac.cfg")
		if !ok {
			return redirectFacts{}, fmt.Errorf("%s %q does not end in $mac.cfg", fileKey, kv[m+fileKey])
		}
		return redirectFacts{url: scheme + "://" + kv[m+serverKey] + "/" + path, dhcpOff: dhcpOff}, nil
	}
}

// ciscoReader: the Profile_Rule is absolute (scheme and host, not "/…"),
// which is what stops DHCP option use, and names the MAC file.
func ciscoReader(suffix string) reader {
	return func(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
		kv, err := readLeaves(body, "flat-profile")
		if err != nil {
			return redirectFacts{}, err
		}
		rule := kv["Profile_Rule"]
		base, ok := strings.CutSuffix(rule, suffix)
		if !ok {
			return redirectFacts{}, fmt.Errorf("Profile_Rule %q does not end in %s", rule, suffix)
		}
		u, err := url.Parse(rule)
		abs := err == nil && u.Scheme != "" && u.Host != "" && !strings.HasPrefix(rule, "/")
		return redirectFacts{url: base, dhcpOff: abs && kv["Provision_Enable"] == "Yes"}, nil
	}
}

// The redirect of every Primary file of every vendor yields the secret
// URL and the DHCP-off setting, for each provisioning scheme.
func TestRedirectsReadBack(t *testing.T) {
	r := newTestRegistry(t)
	for _, p := range r.Profiles() {
		for _, g := range p.Generations() {
			if readerFor(p, g.Name) == nil {
				t.Fatalf("no reader for %s %s", p.Name, g.Name)
			}
		}
		const hashes = "k3Jq0vZ8-pTs2YbWnRc4LmXe/Qw7_Ha9dZr1UfYp5NcT0sBgK/"
		for _, u := range []string{"https://prov.example.org/" + hashes, "http://192.0.2.10:8080/prov/" + hashes,
			"tftp://192.0.2.10/" + hashes, "http://192.0.2.10/" /* flat-folder mode */} {
			d := SampleData(p.Name)
			d.ProvisionURL = u
			for _, f := range primaries(p) {
				body, err := r.Redirect(p, f, d)
				if err != nil {
					t.Fatalf("%s %s: %v", p.Name, f, err)
				}
				// No UA (TFTP): the generation is unknown, and every
				// generation must read the redirect as pointing home.
				for _, g := range p.Generations() {
					facts := readRedirect(t, r, p, g.Name, f, d, body)
					if facts.url != d.ProvisionURL {
						t.Errorf("%s %s %s: redirect points at %q, want %q", p.Name, g.Name, f, facts.url, d.ProvisionURL)
					}
					if !facts.dhcpOff {
						t.Errorf("%s %s %s: redirect does not switch DHCP options off:\n%s", p.Name, g.Name, f, body)
					}
					// The full config keeps the same provisioning settings, so a
					// re-provision never falls back to DHCP.
					full, err := r.Full(p, f, d)
					if err != nil {
						t.Fatal(err)
					}
					if ff := readRedirect(t, r, p, g.Name, f, d, full); ff != facts {
						t.Errorf("%s %s %s: full config provisioning %+v differs from redirect %+v", p.Name, g.Name, f, ff, facts)
					}
				}
			}
		}
	}
}

func primaries(p *Profile) []string {
	var out []string
	for _, f := range p.samples {
		if p.MatchFile(f).Kind == Primary {
			out = append(out, f)
		}
	}
	return out
}

// readPoly follows a master config to its CONFIG_FILES, then reads
// the device.* attributes.
func readPoly(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
	a, err := readAttrs(body)
	if err != nil {
		return redirectFacts{}, err
	}
	if cf, ok := a["CONFIG_FILES"]; ok { // the master config: follow CONFIG_FILES
		if cf != hex.EncodeToString(d.MAC[:])+"-provbox.cfg" {
			return redirectFacts{}, fmt.Errorf("CONFIG_FILES=%q", cf)
		}
		next, err := r.Redirect(p, cf, d)
		if err != nil {
			return redirectFacts{}, err
		}
		return readPoly(t, r, p, cf, d, next)
	}
	set := a["device.set"] == "1" && a["device.dhcp.bootSrvUseOpt.set"] == "1" &&
		a["device.prov.serverName.set"] == "1" && a["device.prov.serverType.set"] == "1"
	return redirectFacts{url: strings.ToLower(a["device.prov.serverType"]) + "://" + a["device.prov.serverName"] + "/",
		dhcpOff: set && a["device.dhcp.bootSrvUseOpt"] == "Static"}, nil
}
