package phone

import (
	"fmt"
	"net"
	"strings"
)

// gsDialect reads Grandstream <gs_provision> and Htek <hl_provision> XML
// (vendors.md §3.3, §8): P-values (<P237>host/path</P237>) or, for
// Grandstream, alias items (<item name="...">). A <mac> element must match
// the phone, or the phone rejects the file.
type gsDialect struct{ root string }

func (d gsDialect) parse(body []byte, mac net.HardwareAddr) (Settings, error) {
	root := ""
	s, err := parseXML(body, func(name string, _ map[string]string) {
		if root == "" {
			root = name
		}
	})
	if err != nil {
		return s, err
	}
	if root != d.root {
		return s, fmt.Errorf("root element <%s>, want <%s>", root, d.root)
	}
	if m, ok := s.Get("mac"); ok && m != "" && !strings.EqualFold(strings.ReplaceAll(m, ":", ""), hexMAC(mac)) {
		return s, fmt.Errorf("config is for MAC %s, not %s", m, hexMAC(mac))
	}
	return s, nil
}

// gsProtocols maps P212 / provisioning.config.protocol; Htek uses 3 for
// HTTPS in FusionPBX's template (U).
var gsProtocols = map[string]string{
	"0": "tftp", "1": "http", "2": "https", "tftp": "tftp", "http": "http", "https": "https",
}

func (d gsDialect) redirect(s Settings, _ net.HardwareAddr) (Redirect, bool, error) {
	path, ok := s.Get("P237", "provisioning.config.serverPath")
	if !ok || path == "" {
		return Redirect{}, false, nil
	}
	proto, _ := s.Get("P212", "provisioning.config.protocol")
	scheme := gsProtocols[strings.ToLower(proto)]
	if d.root == "hl_provision" && proto == "3" {
		scheme = "https"
	}
	u, err := dirURL(path, scheme)
	if err != nil {
		return Redirect{}, true, fmt.Errorf("P237 (P212=%q): %w", proto, err)
	}
	r := Redirect{Target: Target{Base: u}}
	p145, _ := s.Get("P145")
	alias, _ := s.Get("provisioning.override.dhcp.allowCommonOptions")
	p1145, _ := s.Get("P1145")
	r.DHCPOff = p145 == "0" || strings.EqualFold(alias, "No") || (d.root == "hl_provision" && p1145 == "0")
	if v, _ := s.Get("P1414", "P20165"); v == "0" {
		r.Off = append(r.Off, "pnp")
	}
	return r, true, nil
}

// Account 1 is P35 user, P36 auth, P34 password, P47 server; account 2
// P404-P406/P402 (Grandstream; Htek shares account 1's numbers).
func (d gsDialect) lines(s Settings) []Line {
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		u, a, p, srv = keysf(i, "account.%d.sip.userid"), keysf(i, "account.%d.sip.authid"),
			keysf(i, "account.%d.sip.password"), keysf(i, "account.%d.sip.server.1.address")
		switch i {
		case 1:
			u, a, p, srv = append(u, "P35"), append(a, "P36"), append(p, "P34"), append(srv, "P47")
		case 2:
			u, a, p, srv = append(u, "P404"), append(a, "P405"), append(p, "P406"), append(srv, "P402")
		}
		return u, a, p, srv
	})
}
