package phone

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
)

// maxwellDialect reads what a Gigaset Maxwell desk phone reads:
// <provisioning version="1.1"><nvm><param name="…" value="…"/>, with
// Maxwell parameter names only (Tancredi's gigaset-Maxwell.tmpl). [U] A
// file with productID "e2" is an Nx70 base's and is refused.
type maxwellDialect struct{}

func (maxwellDialect) parse(body []byte, _ net.HardwareAddr) (Settings, error) {
	s := newSettings()
	d := xml.NewDecoder(bytes.NewReader(body))
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s, fmt.Errorf("malformed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			a := attrs(t)
			if depth == 0 && (t.Name.Local != "provisioning" || a["version"] != "1.1") {
				return s, fmt.Errorf("root <%s version=%q> is not <provisioning version=\"1.1\">", t.Name.Local, a["version"])
			}
			if depth == 0 && a["productID"] == "e2" {
				return s, fmt.Errorf("productID e2 is an Nx70 base's file")
			}
			if t.Name.Local == "param" && a["name"] != "" {
				s.set(a["name"], a["value"])
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || s.Len() == 0 && !bytes.Contains(body, []byte("<provisioning")) {
		return s, errors.New("not a Gigaset provisioning file")
	}
	return s, nil
}

func attrs(se xml.StartElement) map[string]string {
	m := map[string]string{}
	for _, a := range se.Attr {
		m[a.Name.Local] = a.Value
	}
	return m
}

func (maxwellDialect) redirect(s Settings, _ net.HardwareAddr) (Redirect, bool, error) {
	v, ok := s.Get("System.Provision.ProvisioningServer")
	if !ok || v == "" {
		return Redirect{}, false, nil
	}
	u, err := dirURL(v, "")
	if err != nil {
		return Redirect{}, true, fmt.Errorf("System.Provision.ProvisioningServer: %w", err)
	}
	opts, _ := s.Get("NET.IP.IPv4.DHCP.Options.Disabled")
	list := strings.Split(strings.ReplaceAll(opts, " ", ""), ",")
	return Redirect{Target: Target{Base: u}, DHCPOff: slices.Contains(list, "66") && slices.Contains(list, "114")}, true, nil
}

// lines: accounts SIP.Account.0-3 (Tancredi), line i is account i-1.
func (maxwellDialect) lines(s Settings) []Line {
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		return keysf(i-1, "SIP.Account.%d.Username"), keysf(i-1, "SIP.Account.%d.AuthName"),
			keysf(i-1, "SIP.Account.%d.AuthPassword"), keysf(i-1, "SIP.Account.%d.RegistrationServer.Address")
	})
}
