package phone

import (
	"fmt"
	"net"
	"strings"
)

// yealinkDialect reads Yealink text configs: "#!version:1.0.0.1",
// "key = value" lines, and in .boot files include:config "file" lines
// fetched in order. It is strict about its generation, as the firmware
// is: V81 and later read only the static.* provisioning keys, and a
// legacy (up to V80) phone only the same keys without "static."
// (provisioning/profile/references/yealink.md).
type yealinkDialect struct{ legacy bool }

func (d yealinkDialect) key(k string) string {
	if d.legacy {
		return k
	}
	return "static." + k
}

func (yealinkDialect) parse(body []byte, _ net.HardwareAddr) (Settings, error) {
	var follow []string
	s, err := parseLines(body, "=", func(line string) error {
		rest, ok := strings.CutPrefix(line, "include:config")
		if !ok {
			return fmt.Errorf("not a Yealink setting: %q", line)
		}
		f := strings.Trim(strings.TrimSpace(rest), `"<>`)
		if f == "" {
			return fmt.Errorf("include:config names no file")
		}
		follow = append(follow, f)
		return nil
	})
	s.Follow = follow
	return s, err
}

func (d yealinkDialect) redirect(s Settings, _ net.HardwareAddr) (Redirect, bool, error) {
	off, _ := s.Get(d.key("auto_provision.dhcp_option.enable"))
	v, ok := s.Get(d.key("auto_provision.server.url"))
	if !ok || v == "" {
		if off == "0" {
			return Redirect{DHCPOff: true}, true, fmt.Errorf("stranded: %s is 0 and no %s is set", d.key("auto_provision.dhcp_option.enable"), d.key("auto_provision.server.url"))
		}
		return Redirect{}, false, nil
	}
	u, err := dirURL(v, "")
	if err != nil {
		return Redirect{}, true, fmt.Errorf("%s: %w", d.key("auto_provision.server.url"), err)
	}
	r := Redirect{Target: Target{Base: u}, DHCPOff: off == "0"}
	if v, _ := s.Get(d.key("auto_provision.pnp_enable")); v == "0" {
		r.Off = append(r.Off, "pnp")
	}
	if v, _ := s.Get("static.zero_touch.enable"); v == "0" && !d.legacy {
		r.Off = append(r.Off, "zero-touch")
	}
	return r, true, nil
}

func (yealinkDialect) lines(s Settings) []Line {
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		return keysf(i, "account.%d.user_name"), keysf(i, "account.%d.auth_name"),
			keysf(i, "account.%d.password"),
			keysf(i, "account.%d.sip_server.1.address", "account.%d.sip_server_host")
	})
}
