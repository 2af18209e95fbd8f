package profile

import "strings"

// poly: Polycom/Poly UC Software (SoundPoint, VVX, Trio) and Poly Edge E /
// CCX on PVOS 8 in one profile (references/poly.md): the files, keys and
// formats are the same; the UA and option-60 patterns cover both.
//
// Files: <mac>.cfg is the master config; its CONFIG_FILES names
// <mac>-provbox.cfg, which carries the device.* block (redirect) or the
// whole configuration (full). Both are the device's own files.
func poly() *Profile {
	return &Profile{
		Name: "poly", Title: "Poly (UC Software, Edge/CCX)", ContentType: "application/xml",
		DHCP: DHCPRule{
			// RFC 3925 binary option 60: enterprise 13885 (00 00 36 3D), then
			// sub-options with "Polycom"; PVOS sends "Poly-EdgeE550" style [C1].
			ClassPrefixes: []string{"\x00\x00\x36\x3d", "Poly-"},
			ClassContains: []string{"Polycom"},
			OUIs:          ouis("0004f2", "64167f", "482567", "00907a"),
			// 160 is requested by Poly firmware; 66 is the fallback. Which
			// wins in "Default" mode is [U]; both carry the same URL.
			Options: []BootOption{{Code: 160, Form: FormURL, Force: true}, {Code: 66, Form: FormURL}},
		},
		files: files(
			`^000000000000\.cfg$`, Common,
			`^(?P<mac>[0-9a-f]{12})\.cfg$`, Primary,
			`^(?P<mac>[0-9a-f]{12})-provbox\.cfg$`, Primary,
		),
		uas: uas(
			// "FileTransport PolycomVVX-VVX_410-UA/5.9.5.0614 Type/Application",
			// "FileTransport PolyEdge-Edge_E450-UA/8.0.0.15602 Type/Application",
			// "FileTransport PolyCCX-CCX_600-UA/8.0.2.3267 (SN:64167f9f4c90) Type/Application":
			// a Poly serial number is the MAC; taken only when it is exactly
			// 12 hex digits.
			`^FileTransport Poly(?:com)?(?:[A-Za-z]+)-(?P<model>\w+)-UA/(?P<fw>[\d.]+)(?: \(SN:(?:(?P<mac>[0-9A-Fa-f]{12})|[^)]*)\))?`,
		),
		maxLines: 16,
		languages: map[string]string{"en": "English_United_States", "de": "German_Germany",
			"fr": "French_France", "es": "Spanish_Spain", "it": "Italian_Italy",
			"pt": "Portuguese_Portugal", "pl": "Polish_Poland"},
		samples: []string{"0004f2112233.cfg", "0004f2112233-provbox.cfg", "000000000000.cfg"},
		// Both read the same device.* keys (references/poly.md); the
		// generations are told apart for the lab and the README.
		generations: []Generation{
			{Name: "ucs", Title: "UC Software (VVX, Trio, SoundPoint)", Models: []string{"VVX_410", "SPIP_335"}, Firmware: "5.9.5.0614"},
			{Name: "edge", Title: "PVOS 8 (Edge E, CCX)", Models: []string{"Edge_E450", "CCX_600"}, Firmware: "8.0.2.3267"},
		},
		pickGen: polyGen,
	}
}

// polyGen: Edge E and CCX run PVOS (firmware 8.x); the others UC Software.
func polyGen(model, fw string) string {
	m := strings.ToUpper(model)
	switch {
	case strings.HasPrefix(m, "EDGE") || strings.HasPrefix(m, "CCX") || fwField(fw, 0) >= 8:
		return "edge"
	case m != "" || fw != "":
		return "ucs"
	}
	return ""
}
