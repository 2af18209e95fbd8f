package phone

import (
	"fmt"
	"net"
)

// The table below follows provisioning/profile/README.md (families,
// generations, DHCP options, file order) and the family's key reference,
// provisioning/profile/references/<family>.md, named on each entry. (U)
// marks a fact no public source confirms: the most common documented
// behaviour is used.

func init() {
	register(yealink())
	register(poly())
	register(grandstream())
	register(ciscoSPA())
	register(ciscoMPP())
	register(snom())
	register(fanvil())
	register(htek())
}

func str(s string) func() []byte { return func() []byte { return []byte(s) } }

// yealink.md: option 60 "yealink" (U), PRL from fingerbank, V81+ file order.
func yealink() *Profile {
	return &Profile{
		Name: "yealink", OUI: [3]byte{0x80, 0x5e, 0xc0}, Model: "T46S", Firmware: "66.86.0.15",
		Class:   str("yealink"),
		PRL:     []uint8{1, 2, 3, 4, 6, 7, 12, 15, 28, 42, 66, 67, 43, 120},
		Options: []uint8{66},
		Files: func(mac net.HardwareAddr) []step {
			return []step{
				{Name: hexMAC(mac) + ".boot"},
				{Name: "y000000000000.boot"},
				{Name: "y000000000066.cfg", Unless: []int{0, 1}},
				{Name: hexMAC(mac) + ".cfg", Unless: []int{0, 1}},
			}
		},
		UA: func(mac net.HardwareAddr) string {
			return "Yealink SIP-T46S 66.86.0.15 " + mac.String()
		},
		dialect: yealinkDialect{},
	}
}

// polyClass is the RFC 3925 vendor-identifying class Poly UC phones send
// as option 60: enterprise number 13885 (Polycom's, IANA private
// enterprise numbers), then TLVs company, part, part number, application, BootROM.
func polyClass() []byte {
	tlv := []byte{}
	for i, v := range []string{"Polycom", "VVX-VVX_410", "3111-46161-001,7", "SIP/5.9.5.0614/14-Jun-21 09:50", "BR/5.9.5.0614/14-Jun-21 09:50"} {
		tlv = append(tlv, byte(i+1), byte(len(v)))
		tlv = append(tlv, v...)
	}
	tlv = append(tlv, 0xff)
	return append([]byte{0x00, 0x00, 0x36, 0x3d, byte(len(tlv))}, tlv...)
}

// poly.md: binary option 60, reads 160 then 66 (precedence U), master config
// <mac>.cfg falling back to 000000000000.cfg, then its CONFIG_FILES.
func poly() *Profile {
	return &Profile{
		Name: "poly", OUI: [3]byte{0x64, 0x16, 0x7f}, Model: "VVX_410", Firmware: "5.9.5.0614",
		Class:   polyClass,
		PRL:     []uint8{1, 28, 160, 66, 43, 3, 4, 42, 2, 6, 15},
		Options: []uint8{160, 66},
		Files: func(mac net.HardwareAddr) []step {
			return []step{{Name: hexMAC(mac) + ".cfg"}, {Name: "000000000000.cfg", Unless: []int{0}}}
		},
		UA: func(net.HardwareAddr) string {
			return "FileTransport PolycomVVX-VVX_410-UA/5.9.5.0614 Type/Application"
		},
		dialect: polyDialect{},
	}
}

// grandstream.md: GRP26xx ask the MAC XML, the model XML, and cfg.xml
// only when the MAC file failed.
func grandstream() *Profile {
	return &Profile{
		Name: "grandstream", OUI: [3]byte{0xc0, 0x74, 0xad}, Model: "GRP2614", Firmware: "1.0.5.15",
		Class:   str("Grandstream GRP2614 dslforum.org"),
		PRL:     []uint8{1, 2, 3, 6, 12, 15, 28, 42, 43, 66, 120, 125},
		Options: []uint8{66},
		Files: func(mac net.HardwareAddr) []step {
			return []step{
				{Name: "cfg" + hexMAC(mac) + ".xml"},
				{Name: "cfggrp2614.xml"},
				{Name: "cfg.xml", Unless: []int{0}},
			}
		},
		UA: func(mac net.HardwareAddr) string {
			return "Grandstream Model HW GRP2614 SW 1.0.5.15 DevId " + hexMAC(mac)
		},
		dialect: gsDialect{root: "gs_provision"},
	}
}

// cisco-spa.md: default Profile_Rule /spa$PSN.cfg; option 66 (a name), else 150.
func ciscoSPA() *Profile {
	return &Profile{
		Name: "cisco-spa", OUI: [3]byte{0x50, 0x3d, 0xe5}, Model: "SPA504G", Firmware: "7.6.2",
		Class:   str("Cisco SPA504G"),
		PRL:     []uint8{1, 3, 42, 6, 7, 15, 58, 59, 66, 2, 150, 151, 160, 159},
		Options: []uint8{66, 150, 160, 159},
		Files:   func(net.HardwareAddr) []step { return always("spa504G.cfg") },
		UA: func(mac net.HardwareAddr) string {
			return fmt.Sprintf("Cisco/SPA504G-7.6.2 (%s)(CBT1234ABCD)", upperMAC(mac))
		},
		TFTPSlash: true,
		dialect:   flatDialect{psn: "504G", pn: "SPA504G"},
	}
}

// cisco-mpp.md: DHCP_Option_To_Use 66,160,159,150; $PSN.xml then
// Cisco/$PN/$MA.cfg when the first is missing.
func ciscoMPP() *Profile {
	return &Profile{
		Name: "cisco-mpp", OUI: [3]byte{0xd0, 0xec, 0x35}, Model: "8841", Firmware: "12.0.1",
		Class:   func() []byte { return []byte("CP-8841-3PCC\x00") },
		PRL:     []uint8{1, 3, 6, 15, 35, 66, 150, 2, 7, 42, 43, 58, 59, 159, 160},
		Options: []uint8{66, 160, 159, 150},
		Files: func(mac net.HardwareAddr) []step {
			return []step{
				{Name: "8841-3PCC.xml"},
				{Name: "Cisco/CP-8841-3PCC/" + hexMAC(mac) + ".cfg", Unless: []int{0}},
			}
		},
		UA: func(mac net.HardwareAddr) string {
			return "Cisco-CP-8841-3PCC/12.0.1 (" + hexMAC(mac) + ")"
		},
		TFTPSlash: true,
		dialect:   flatDialect{psn: "8841-3PCC", pn: "CP-8841-3PCC"},
	}
}

// snom.md: setting files snom<model>.htm and snom<model>-<MAC>.htm.
func snom() *Profile {
	return &Profile{
		Name: "snom", OUI: [3]byte{0x00, 0x04, 0x13}, Model: "D785", Firmware: "10.1.33.33",
		Class:   str("snomD785"),
		PRL:     []uint8{1, 3, 6, 12, 15, 42, 66, 67, 120},
		Options: []uint8{66},
		Files: func(mac net.HardwareAddr) []step {
			return always("snomD785.htm", "snomD785-"+upperMAC(mac)+".htm")
		},
		UA: func(mac net.HardwareAddr) string {
			return "Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 " +
				upperMAC(mac) + " SXM:0 UXM:0)"
		},
		dialect: snomDialect{},
	}
}

// fanvil.md: option 60 is off by default (U), so none is sent; the model common
// file, then <mac>.cfg.
func fanvil() *Profile {
	return &Profile{
		Name: "fanvil", OUI: [3]byte{0x0c, 0x38, 0x3e}, Model: "X4U", Firmware: "2.12.10.1",
		PRL:     []uint8{1, 3, 6, 15, 28, 42, 43, 66, 67, 120},
		Options: []uint8{66},
		Files: func(mac net.HardwareAddr) []step {
			return always("f0X4Uhw1.100.cfg", hexMAC(mac)+".cfg")
		},
		UA: func(mac net.HardwareAddr) string {
			return "Fanvil X4U 2.12.10.1 " + hexMAC(mac)
		},
		dialect: fanvilDialect{},
	}
}

// htek.md: option 60 unknown, so none is sent; model common cfg0010.xml, then
// cfg<mac>.xml.
func htek() *Profile {
	return &Profile{
		Name: "htek", OUI: [3]byte{0x00, 0x1f, 0xc1}, Model: "UC926", Firmware: "2.0.4.2",
		PRL:     []uint8{1, 3, 6, 12, 15, 28, 42, 43, 66, 120},
		Options: []uint8{66},
		Files: func(mac net.HardwareAddr) []step {
			return always("cfg0010.xml", "cfg"+hexMAC(mac)+".xml")
		},
		UA: func(mac net.HardwareAddr) string {
			return "Htek UC926 2.0.4.2 " + mac.String()
		},
		dialect: gsDialect{root: "hl_provision"},
	}
}
