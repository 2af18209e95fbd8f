package phone

import (
	"fmt"
	"net"
	"strings"
)

// snomDialect reads Snom setting files (provisioning/profile/references/snom.md): XML
// <setting-files><file url=""/> lists, <settings><phone-settings> values
// (idx="N" for per-line ones), or the old "name: value" text where "!" or
// "&" after the name marks write permission.
type snomDialect struct{}

func (snomDialect) parse(body []byte, _ net.HardwareAddr) (Settings, error) {
	trimmed := strings.TrimSpace(string(body))
	if !strings.HasPrefix(trimmed, "<") || strings.HasPrefix(trimmed, "<html>") {
		return parseSnomText(body)
	}
	var follow []string
	s, err := parseXML(body, func(name string, attrs map[string]string) {
		if name == "file" && attrs["url"] != "" {
			follow = append(follow, attrs["url"])
		}
	})
	s.Follow = follow
	return s, err
}

func parseSnomText(body []byte) (Settings, error) {
	s, err := parseLines(body, ":", func(string) error { return nil })
	out := newSettings()
	for k, v := range s.kv {
		out.kv[strings.TrimRight(k, "!&")] = v
	}
	return out, err
}

// snomMAC expands {mac}, which Snom replaces with its MAC in the case of
// its own file names (upper; U).
func snomMAC(v string, mac net.HardwareAddr) string {
	return strings.ReplaceAll(v, "{mac}", upperMAC(mac))
}

func (snomDialect) redirect(s Settings, mac net.HardwareAddr) (Redirect, bool, error) {
	v, ok := s.Get("setting_server")
	if !ok || v == "" {
		return Redirect{}, false, nil
	}
	v = snomMAC(v, mac)
	var r Redirect
	var err error
	if strings.HasSuffix(v, "/") {
		r.Target.Base, err = dirURL(v, "")
	} else {
		r.Target.File, err = absURL(v, "")
	}
	if err != nil {
		return Redirect{}, true, fmt.Errorf("setting_server: %w", err)
	}
	// Omitting dhcp from provisioning_order makes the phone ignore what
	// DHCP supplies (§6.1).
	if order, ok := s.Get("provisioning_order"); ok {
		r.DHCPOff = true
		for _, tok := range strings.Fields(order) {
			if name, _, _ := strings.Cut(tok, ":"); name == "dhcp" {
				r.DHCPOff = false
			}
		}
	}
	if v, _ := s.Get("pnp_config"); v == "off" {
		r.Off = append(r.Off, "pnp")
	}
	return r, true, nil
}

func (snomDialect) lines(s Settings) []Line {
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		// XML: <user_name idx="1">; old text: user_name1.
		return keysf(i, "user_name.%d", "user_name%d"), keysf(i, "user_pname.%d", "user_pname%d"),
			keysf(i, "user_pass.%d", "user_pass%d"), keysf(i, "user_host.%d", "user_host%d")
	})
}
