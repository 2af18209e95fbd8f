package phone

import (
	"fmt"
	"net"
	"strings"
)

// gsDialect reads Grandstream <gs_provision> and Htek <hl_provision> XML
// (provisioning/profile/references/grandstream.md, htek.md): P-values (<P237>host/path</P237>) or, for
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

// gsAccounts are the P-values of accounts 1-4 (user, auth, password,
// server) in Grandstream's 4xx/5xx/6xx blocks; Htek (FusionPBX uc926)
// numbers account 2 in the 7xx block.
var gsAccounts = map[string][][4]string{
	"gs_provision": {{"P35", "P36", "P34", "P47"}, {"P404", "P405", "P406", "P402"},
		{"P504", "P505", "P506", "P502"}, {"P604", "P605", "P606", "P602"}},
	"hl_provision": {{"P35", "P36", "P34", "P47"}, {"P735", "P736", "P734", "P747"},
		{"P504", "P505", "P506", "P502"}},
}

func (d gsDialect) lines(s Settings) []Line {
	accts := gsAccounts[d.root]
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		u, a, p, srv = keysf(i, "account.%d.sip.userid"), keysf(i, "account.%d.sip.authid"),
			keysf(i, "account.%d.sip.password"), keysf(i, "account.%d.sip.server.1.address")
		if i <= len(accts) {
			k := accts[i-1]
			u, a, p, srv = append(u, k[0]), append(a, k[1]), append(p, k[2]), append(srv, k[3])
		}
		return u, a, p, srv
	})
}
