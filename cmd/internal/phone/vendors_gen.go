package phone

import "net"

// Lab phones of the other firmware generations, each strict about its
// own keys (provisioning/profile/references/<vendor>.md), so a redirect in
// the wrong dialect fails the demo with the phone named.
func init() {
	register(yealinkV80())
	register(fanvilLegacy())
	register(polyEdge())
}

// A T46G on V80 firmware: the model also got V81, so only the UA's
// firmware (28.80…) tells provbox to write the keys without "static.".
// V80 asks for no .boot file: the model common file, then <mac>.cfg.
func yealinkV80() *Profile {
	p := yealink()
	p.Name, p.Vendor, p.Variant = "yealink-v80", "yealink", 1
	p.Model, p.Firmware = "T46G", "28.80.0.95"
	p.Files = func(mac net.HardwareAddr) []step {
		return always("y000000000028.cfg", hexMAC(mac)+".cfg")
	}
	p.UA = func(mac net.HardwareAddr) string { return "Yealink SIP-T46G 28.80.0.95 " + mac.String() }
	p.dialect = yealinkDialect{legacy: true}
	return p
}

// An X4: legacy firmware, reads only the Download Server keys.
func fanvilLegacy() *Profile {
	p := fanvil()
	p.Name, p.Vendor, p.Variant = "fanvil-legacy", "fanvil", 1
	p.Model, p.Firmware = "X4", "2.10.2.6887"
	p.Files = func(mac net.HardwareAddr) []step {
		return always("f0X4hw1.100.cfg", hexMAC(mac)+".cfg")
	}
	p.UA = func(mac net.HardwareAddr) string { return "Fanvil X4 2.10.2.6887 " + hexMAC(mac) }
	p.dialect = fanvilDialect{legacy: true}
	return p
}

// An Edge E450 on PVOS 8: option 60 "Poly-EdgeE450" [C1], the same files
// and keys as UC Software, and its MAC as the UA's serial number.
func polyEdge() *Profile {
	p := poly()
	p.Name, p.Vendor, p.Variant = "poly-edge", "poly", 1
	p.Model, p.Firmware = "Edge_E450", "8.0.0.15602"
	p.Class = str("Poly-EdgeE450")
	p.UA = func(mac net.HardwareAddr) string {
		return "FileTransport PolyEdge-Edge_E450-UA/8.0.0.15602 (SN:" + hexMAC(mac) + ") Type/Application"
	}
	return p
}
