package phone

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"regexp"
	"strings"
)

// panasonicDialect reads Panasonic configuration files as the
// Administrator Guide (2.4) describes them: the fixed first line, then
// KEY="value" lines (no space around '=', value quoted), "#" comments.
// A key given twice keeps its first value. The phone reads the three DHCP
// switches and the standard file path; nothing else moves its server.
type panasonicDialect struct{ model string }

var panasonicLine = regexp.MustCompile(`^([A-Z0-9_]{1,32})="(.*)"$`)

func (panasonicDialect) parse(body []byte, _ net.HardwareAddr) (Settings, error) {
	s := newSettings()
	sc := bufio.NewScanner(bytes.NewReader(body))
	if !sc.Scan() || !(strings.HasPrefix(sc.Text(), "# Panasonic SIP Phone Standard Format File #") ||
		strings.HasPrefix(sc.Text(), "# PCC Standard Format File #")) {
		return s, fmt.Errorf("not a Panasonic configuration file (first line)")
	}
	for n := 2; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := panasonicLine.FindStringSubmatch(line)
		if m == nil {
			return s, fmt.Errorf("line %d: not KEY=\"value\": %q", n, line)
		}
		if _, seen := s.Get(m[1]); !seen {
			s.set(m[1], m[2])
		}
	}
	return s, sc.Err()
}

func (d panasonicDialect) redirect(s Settings, mac net.HardwareAddr) (Redirect, bool, error) {
	v, ok := s.Get("CFG_STANDARD_FILE_PATH")
	if !ok || v == "" {
		return Redirect{}, false, nil
	}
	f, err := absURL(panasonicMacros(v, d.model, mac), "")
	if err != nil {
		return Redirect{}, true, fmt.Errorf("CFG_STANDARD_FILE_PATH: %w", err)
	}
	r := Redirect{Target: Target{File: f}}
	// All three DHCP sources must be off: any one left on still names a
	// pre-provisioning server at boot (guide 2.1.5, priority 160 > 159 > 66).
	r.DHCPOff = true
	for _, k := range []string{"OPTION66_ENABLE", "OPTION159_PROV_ENABLE", "OPTION160_PROV_ENABLE"} {
		if v, _ := s.Get(k); v != "N" {
			r.DHCPOff = false
		}
	}
	return r, true, nil
}

func (panasonicDialect) lines(s Settings) []Line {
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		return keysf(i, "PHONE_NUMBER_%d"), keysf(i, "SIP_AUTHID_%d"), keysf(i, "SIP_PASS_%d"),
			keysf(i, "SIP_RGSTR_ADDR_%d", "SIP_PRXY_ADDR_%d")
	})
}
