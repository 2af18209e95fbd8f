package vendor

// snom: 3xx/7xx/D-series and M-series DECT (vendors.md §6). Settings XML.
// With setting_server a directory the phone asks for snom<model>.htm (no
// MAC) and snom<model>-<MAC>.htm; both are its own files.
func snom() *Profile {
	return &Profile{
		Name: "snom", Title: "Snom", ContentType: "application/xml",
		DHCP: DHCPRule{
			ClassPrefixes: []string{"snom"}, // snom320, snomD785, snomM700…
			OUIs:          ouis("000413", "00087b"),
			// 66 as a directory URL: the phone appends its own names. No 67:
			// it would replace those names with one fixed file.
			Options: []BootOption{{Code: 66, Form: FormURL}},
		},
		files: files(
			`^snom(?P<model>[A-Za-z0-9]{2,8})-(?P<mac>[0-9A-Fa-f]{12})\.htm$`, Primary,
			`^snom(?P<model>[A-Za-z0-9]{2,8})\.htm$`, Primary,
		),
		uas: uas(
			// "Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413922D24 SXM:0 UXM:0)";
			// the MAC is found by OUI, never by word position.
			`\bsnom(?P<model>\w+)-SIP (?P<fw>[\d.]+)(?:.*?\b(?P<mac>(?:000413|00087[Bb])[0-9A-Fa-f]{6})\b)?`,
			// DECT: "Mozilla/4.0 (compatible; Snom M900 05.20.0001 000413b60680)"
			`\b[Ss]nom ?(?P<model>M\d{3}) (?P<fw>[\d.]+) (?P<mac>[0-9a-fA-F]{12})`,
		),
		maxLines: 12,
		// [U] Snom's language names.
		languages: map[string]string{"en": "English", "de": "Deutsch", "fr": "Francais",
			"es": "Espanol", "it": "Italiano", "pt": "Portugues", "pl": "Polski"},
		samples: []string{"snomD785.htm", "snomD785-000413112233.htm"},
	}
}
