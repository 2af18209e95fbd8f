package vendor

// yealink: T2x/T3x/T4x/T5x, CP, W-series (vendors.md §1). key = value
// text with the "#!version:1.0.0.1" header; V81+ "static." key names.
func yealink() *Profile {
	return &Profile{
		Name: "yealink", Title: "Yealink", ContentType: "text/plain; charset=utf-8",
		DHCP: DHCPRule{
			// [U] factory option 60 is believed to be "yealink"; the OUIs decide.
			ClassPrefixes: []string{"yealink", "Yealink"},
			OUIs: ouis("001565", "805ec0", "805e0c", "249ad8", "44dbd2", "c4fc22",
				"e434d7", "644f56", "ec1da9", "3497d7", "b061a9", "f01653"),
			Options: []BootOption{{Code: 66, Form: FormURL}},
		},
		files: files(
			// <mac>.boot (V81+) and <mac>.cfg, MAC lower case.
			`^(?P<mac>[0-9a-f]{12})\.(?:boot|cfg)$`, Primary,
			`^y000000000000\.boot$`, Common,
			// y0000000000XX.cfg: the model code, zero-padded to 12 digits.
			`^y(?P<model>[0-9]{12})\.cfg$`, Common,
		),
		uas: uas(
			// "Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37", "yealink SIP-T28P …",
			// "Yealink W70B …", "Yealink SIP VP-T49G …"; the MAC may be absent
			// ("Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0").
			`^[Yy]ealink[ -](?:SIP(?: VP)?-)?(?P<model>\S+)\s+(?P<fw>[\d.]+)(?:\s+(?P<mac>[0-9a-fA-F]{2}(?::?[0-9a-fA-F]{2}){5})$)?`,
			// DECT/video without vendor prefix ("W52P 25.30.0.2 00:15:65:44:b3:7c"):
			// only with a MAC, or anything "word version" would match.
			`^(?P<model>(?:W|VP|T|CP)[0-9A-Z]+)\s+(?P<fw>[\d.]+)\s+(?P<mac>[0-9a-fA-F]{2}(?::?[0-9a-fA-F]{2}){5})$`,
		),
		maxLines: 16,
		languages: map[string]string{"en": "English", "de": "German", "fr": "French",
			"es": "Spanish", "it": "Italian", "pt": "Portuguese", "pl": "Polish"},
		samples: []string{"001565112233.cfg", "001565112233.boot", "y000000000000.boot", "y000000000028.cfg"},
	}
}
