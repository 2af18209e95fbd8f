package phone

import (
	"net"
	"strings"
)

// The ninth and tenth families, registered here so the shared table in
// vendors.go stays as it is. Sources are named in provisioning/profile's
// gigaset.go and panasonic.go and their references/*.md.
func init() {
	register(gigaset())
	register(panasonic())
}

// A Gigaset Maxwell desk phone: 114 wins over 66 (Gigaset wiki, "DHCP"),
// and with a server URL it asks <URL>/provisioning.xml (wiki, "DHCP option
// 66"). No option 60 is documented for it, so none is sent. [U] its
// User-Agent: no public trace found; it is written in the DECT bases' form
// ("<model>/<firmware>;<MAC>").
func gigaset() *Profile {
	return &Profile{
		Name: "gigaset", OUI: [3]byte{0x7c, 0x2f, 0x80}, Model: "Maxwell 3", Firmware: "2.22.7",
		PRL:     []uint8{1, 3, 6, 12, 15, 28, 42, 66, 114},
		Options: []uint8{114, 66},
		Files:   func(net.HardwareAddr) []step { return always("provisioning.xml") },
		UA: func(mac net.HardwareAddr) string {
			return "Gigaset Maxwell 3/2.22.7;" + upperMAC(mac)
		},
		dialect: maxwellDialect{},
	}
}

// A Panasonic KX-HDV230: option 60 "Panasonic" (Wazo's DHCP class), reads
// 160, then 159, then 66 (Administrator Guide 2.1.5), and asks the
// pre-provisioning file {MODEL}.cfg where a URL ending in "/" points.
func panasonic() *Profile {
	return &Profile{
		Name: "panasonic", OUI: [3]byte{0x00, 0x80, 0xf0}, Model: "KX-HDV230", Firmware: "02.100",
		Class:   str("Panasonic"),
		PRL:     []uint8{1, 3, 6, 15, 42, 66, 67, 159, 160},
		Options: []uint8{160, 159, 66},
		Files:   func(net.HardwareAddr) []step { return always("KX-HDV230.cfg") },
		UA: func(mac net.HardwareAddr) string {
			return "Panasonic_KX-HDV230/02.100 (" + hexMAC(mac) + ")"
		},
		dialect: panasonicDialect{model: "KX-HDV230"},
	}
}

// panasonicMacros expands the guide's URL macros (2.1.4: {MAC}, {mac},
// {MODEL}; case matters).
func panasonicMacros(v, model string, mac net.HardwareAddr) string {
	return strings.NewReplacer("{MAC}", upperMAC(mac), "{mac}", hexMAC(mac), "{MODEL}", model).Replace(v)
}
