package phone

import (
	"fmt"
	"net"
	"strings"
)

// polyDialect reads Poly UC Software XML (provisioning/profile/references/poly.md): a master
// config <APPLICATION CONFIG_FILES="a.cfg, b.cfg"/> naming further files,
// and parameters as attributes. device.* values apply only with
// device.set="1" and their own .set="1".
type polyDialect struct{}

func (polyDialect) parse(body []byte, mac net.HardwareAddr) (Settings, error) {
	var follow []string
	s, err := parseXML(body, func(name string, attrs map[string]string) {
		if !strings.EqualFold(name, "APPLICATION") {
			return
		}
		for _, f := range strings.Split(attrs["CONFIG_FILES"], ",") {
			f = strings.ReplaceAll(strings.TrimSpace(f), "[PHONE_MAC_ADDRESS]", hexMAC(mac))
			if f != "" {
				follow = append(follow, f)
			}
		}
	})
	s.Follow = follow
	return s, err
}

// deviceValue returns a device.* parameter only when the phone would apply it.
func deviceValue(s Settings, key string) (string, bool) {
	if v, _ := s.Get("device.set"); v != "1" {
		return "", false
	}
	if v, _ := s.Get(key + ".set"); v != "1" {
		return "", false
	}
	return s.Get(key)
}

var polyServerTypes = map[string]string{
	"0": "ftp", "1": "tftp", "2": "http", "3": "https", "4": "ftps",
	"ftp": "ftp", "tftp": "tftp", "http": "http", "https": "https", "ftps": "ftps",
}

func (polyDialect) redirect(s Settings, _ net.HardwareAddr) (Redirect, bool, error) {
	name, ok := deviceValue(s, "device.prov.serverName")
	if !ok {
		return Redirect{}, false, nil
	}
	scheme := "http" // UC Software 5.x factory type (U)
	if t, ok := deviceValue(s, "device.prov.serverType"); ok {
		scheme = polyServerTypes[strings.ToLower(t)]
		if scheme == "" {
			return Redirect{}, true, fmt.Errorf("device.prov.serverType %q unknown", t)
		}
	}
	u, err := dirURL(name, scheme)
	if err != nil {
		return Redirect{}, true, fmt.Errorf("device.prov.serverName: %w", err)
	}
	r := Redirect{Target: Target{Base: u}}
	opt, _ := deviceValue(s, "device.dhcp.bootSrvUseOpt")
	r.DHCPOff = opt == "Static" || opt == "2"
	if v, ok := deviceValue(s, "device.prov.ztpEnabled"); ok && v == "0" {
		r.Off = append(r.Off, "ztp")
	}
	return r, true, nil
}

func (polyDialect) lines(s Settings) []Line {
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		return keysf(i, "reg.%d.address"), keysf(i, "reg.%d.auth.userId"),
			keysf(i, "reg.%d.auth.password"),
			keysf(i, "reg.%d.server.1.address", "voIpProt.server.%d.address")
	})
}
