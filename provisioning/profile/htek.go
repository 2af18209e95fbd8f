package profile

// htek: UC9xx (references/htek.md). <hl_provision> XML with Grandstream-like
// P-values.
func htek() *Profile {
	return &Profile{
		Name: "htek", Title: "Htek", ContentType: "application/xml",
		DHCP: DHCPRule{
			ClassPrefixes: []string{"Htek"}, // [U] unknown; the OUI decides
			OUIs:          ouis("001fc1"),
			Options:       []BootOption{{Code: 66, Form: FormURL}},
		},
		files: files(
			`^cfg(?P<mac>[0-9a-f]{12})\.xml$`, Primary,
			// model files cfg0010.xml (UC926) … cfg0019.xml (UC912): a
			// found one can end the phone's provisioning round before its
			// MAC file, so they are declined (not found, no strike).
			`^cfg(?P<model>[0-9]{4})\.xml$`, Declined,
		),
		uas: uas(
			// "Htek UC903 2.0.4.2 00:1f:c1:1c:22:a9"
			`^Htek (?P<model>\S+) (?P<fw>\S+) (?P<mac>[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})$`,
		),
		maxLines:  3, // the P-value blocks full.tmpl writes
		languages: map[string]string{},
		samples:   []string{"cfg001fc1112233.xml", "cfg0010.xml"},
	}
}
