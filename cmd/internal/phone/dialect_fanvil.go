package phone

import (
	"fmt"
	"net"
	"strings"
)

// fanvilDialect reads Fanvil configs (provisioning/profile/references/fanvil.md) in their three
// dialects: "<<VOIP CONFIG FILE>>" text with "Key :value" lines under
// <SECTION> headers, the underscore pseudo-XML, and <sysConf> XML. It is
// strict about its generation: newer models read the provisioning server
// only from the Flash keys, legacy ones only from the Download keys
// (provisioning/profile/references/fanvil.md); both honour DHCP Option.
type fanvilDialect struct{ legacy bool }

// serverKeys are the server, file and protocol keys of d's generation,
// in text and XML spelling.
func (d fanvilDialect) serverKeys() (server, file, proto []string) {
	if d.legacy {
		return []string{"Download Server IP", "Download_Server_IP"}, []string{"Config File Name", "Config_File_Name"},
			[]string{"Download Protocol", "Download_Protocol"}
	}
	return []string{"Flash Server IP", "FlashServerIP"}, []string{"Flash File Name", "FlashFileName"},
		[]string{"Flash Protocol", "FlashProtocol"}
}

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

func (d fanvilDialect) redirect(s Settings, mac net.HardwareAddr) (Redirect, bool, error) {
	serverKeys, fileKeys, protoKeys := d.serverKeys()
	opt, _ := s.Get("DHCP Option", "DHCPOption", "DHCP_Option")
	server, ok := s.Get(serverKeys...)
	if !ok || server == "" {
		if opt == "0" {
			return Redirect{DHCPOff: true}, true, fmt.Errorf("stranded: DHCP Option is 0 and no %s is set", serverKeys[0])
		}
		return Redirect{}, false, nil
	}
	proto, _ := s.Get(protoKeys...)
	scheme := fanvilProtocols[proto]
	base, err := dirURL(server, scheme)
	if err != nil {
		return Redirect{}, true, fmt.Errorf("%s (protocol %q): %w", serverKeys[0], proto, err)
	}
	r := Redirect{DHCPOff: opt == "0"}
	file, _ := s.Get(fileKeys...)
	if file == "" {
		r.Target.Base = base
	} else {
		file = strings.ReplaceAll(strings.TrimPrefix(file, "/"), "$mac", hexMAC(mac))
		r.Target.File = base + file
	}
	if v, _ := s.Get("PNP Enable", "PNPEnable", "PNP_Enable"); v == "0" {
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
