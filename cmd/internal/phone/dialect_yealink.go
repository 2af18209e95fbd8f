package phone

import (
	"fmt"
	"net"
	"strings"
)

// yealinkDialect reads Yealink V81+ text configs (vendors.md §1.2-1.3):
// "#!version:1.0.0.1", "key = value" lines, and in .boot files
// include:config "file" lines fetched in order.
type yealinkDialect struct{}

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

func (yealinkDialect) redirect(s Settings, _ net.HardwareAddr) (Redirect, bool, error) {
	v, ok := s.Get("static.auto_provision.server.url", "auto_provision.server.url")
	if !ok {
		return Redirect{}, false, nil
	}
	u, err := dirURL(v, "")
	if err != nil {
		return Redirect{}, true, fmt.Errorf("static.auto_provision.server.url: %w", err)
	}
	r := Redirect{Target: Target{Base: u}}
	off, _ := s.Get("static.auto_provision.dhcp_option.enable", "auto_provision.dhcp_option.enable", "auto_provision.dhcp_enable")
	r.DHCPOff = off == "0"
	if v, _ := s.Get("static.auto_provision.pnp_enable", "auto_provision.pnp_enable"); v == "0" {
		r.Off = append(r.Off, "pnp")
	}
	if v, _ := s.Get("static.zero_touch.enable"); v == "0" {
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
