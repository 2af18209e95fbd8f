package phone

import (
	"fmt"
	"net"
	"strings"
)

// fanvilDialect reads Fanvil configs (vendors.md §7.3) in their three
// dialects: "<<VOIP CONFIG FILE>>" text with "Key :value" lines under
// <SECTION> headers, the underscore pseudo-XML, and <sysConf> XML.
type fanvilDialect struct{}

func (fanvilDialect) parse(body []byte, _ net.HardwareAddr) (Settings, error) {
	t := strings.TrimSpace(string(body))
	if !strings.HasPrefix(t, "<<VOIP CONFIG FILE>>") {
		return parseXML(body, nil)
	}
	return parseLines(body, ":", func(line string) error {
		if strings.HasPrefix(line, "<") && strings.HasSuffix(line, ">") {
			return nil // section header
		}
		return fmt.Errorf("not a Fanvil setting: %q", line)
	})
}

// fanvilProtocols are the Download/Flash Protocol codes.
var fanvilProtocols = map[string]string{"1": "ftp", "2": "tftp", "4": "http", "5": "https"}

func (fanvilDialect) redirect(s Settings, mac net.HardwareAddr) (Redirect, bool, error) {
	server, ok := s.Get("Download Server IP", "FlashServerIP")
	if !ok || server == "" {
		return Redirect{}, false, nil
	}
	proto, _ := s.Get("Download Protocol", "FlashProtocol")
	scheme := fanvilProtocols[proto]
	base, err := dirURL(server, scheme)
	if err != nil {
		return Redirect{}, true, fmt.Errorf("Download Server IP (protocol %q): %w", proto, err)
	}
	var r Redirect
	file, _ := s.Get("Config File Name", "FlashFileName")
	if file == "" {
		r.Target.Base = base
	} else {
		file = strings.ReplaceAll(strings.TrimPrefix(file, "/"), "$mac", hexMAC(mac))
		r.Target.File = base + file
	}
	opt, _ := s.Get("DHCP Option", "DHCPOption")
	r.DHCPOff = opt == "0"
	if v, _ := s.Get("PNP Enable", "PNPEnable"); v == "0" {
		r.Off = append(r.Off, "pnp")
	}
	return r, true, nil
}

// Text form: "SIP1 Phone Number :..."; XML: <line index="1"><PhoneNumber>.
func (fanvilDialect) lines(s Settings) []Line {
	return collectLines(s, func(i int) (u, a, p, srv []string) {
		return keysf(i, "SIP%d Phone Number", "PhoneNumber.%d"),
			keysf(i, "SIP%d Register User", "RegUser.%d"),
			keysf(i, "SIP%d Register Pswd", "RegPswd.%d"),
			keysf(i, "SIP%d Register Addr", "RegAddr.%d", "SIP%d Proxy Addr", "ProxyAddr.%d")
	})
}
