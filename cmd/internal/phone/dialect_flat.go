package phone

import (
	"fmt"
	"net"
	"regexp"
	"strings"
)

// flatDialect reads Cisco SPA and MPP <flat-profile> XML (provisioning/profile/references/cisco-spa.md,
// cisco-mpp.md). Profile_Rule names the next file; a rule that starts with
// "/" is relative to the DHCP-supplied server, any other is absolute and
// is what turns DHCP provisioning off.
type flatDialect struct{ psn, pn string }

func (flatDialect) parse(body []byte, _ net.HardwareAddr) (Settings, error) {
	root := ""
	s, err := parseXML(body, func(name string, _ map[string]string) {
		if root == "" {
			root = name
		}
	})
	if err == nil && root != "flat-profile" {
		err = fmt.Errorf("root element <%s>, want <flat-profile>", root)
	}
	return s, err
}

var ciscoMacro = regexp.MustCompile(`\$(\(([A-Z]+)\)|MAU|MAC|MA|PSN|PN|SN)`)

// expand substitutes the provisioning macros of §4.2.
func (d flatDialect) expand(rule string, mac net.HardwareAddr) (string, error) {
	var bad error
	out := ciscoMacro.ReplaceAllStringFunc(rule, func(m string) string {
		name := strings.Trim(m[1:], "()")
		switch name {
		case "MA":
			return hexMAC(mac)
		case "MAU":
			return upperMAC(mac)
		case "MAC":
			return mac.String()
		case "PSN":
			return d.psn
		case "PN":
			return d.pn
		case "SN":
			return "CBT1234ABCD"
		}
		bad = fmt.Errorf("unknown macro %s", m)
		return m
	})
	return out, bad
}

func (d flatDialect) redirect(s Settings, mac net.HardwareAddr) (Redirect, bool, error) {
	rule, ok := s.Get("Profile_Rule")
	if !ok || rule == "" {
		return Redirect{}, false, nil
	}
	// Resync options (--key, --uid, --pwd) come before the URL.
	f := strings.Fields(rule)
	rule = f[len(f)-1]
	if strings.HasPrefix(rule, "/") {
		return Redirect{}, false, nil // still relative to DHCP's server
	}
	u, err := d.expand(rule, mac)
	if err == nil {
		u, err = absURL(u, "tftp") // TFTP is the default scheme
	}
	if err != nil {
		return Redirect{}, true, fmt.Errorf("Profile_Rule: %w", err)
	}
	r := Redirect{Target: Target{File: u}, DHCPOff: true}
	if v, ok := s.Get("DHCP_Option_To_Use"); ok && v == "" {
		r.Off = append(r.Off, "dhcp-options")
	}
	if v, _ := s.Get("Webex_Onboard_Enable"); strings.EqualFold(v, "No") {
		r.Off = append(r.Off, "webex")
	}
	return r, true, nil
}

func (flatDialect) lines(s Settings) []Line {
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		return keysf(i, "User_ID_%d_"), keysf(i, "Auth_ID_%d_"),
			keysf(i, "Password_%d_"), keysf(i, "Proxy_%d_")
	})
}
