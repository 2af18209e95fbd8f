package profile

// yealink: T2x/T3x/T4x/T5x, CP, W-series. key = value text with the
// "#!version:1.0.0.1" header. Two generations (references/yealink.md):
// firmware up to V80 reads auto_provision.*, V81 on static.auto_provision.*
// (wazo-provd-plugins plugins/wazo_yealink/v80 vs v81 templates/base.tpl).
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
		generations: []Generation{
			{Name: "v80", Title: "firmware up to V80", Models: []string{"T28P", "T26P", "T49G", "T46G"}, Firmware: "28.80.0.95"},
			{Name: "v81", Title: "firmware V81 and later", Models: []string{"T46S", "T54W", "T46G", "W70B"}, Firmware: "66.86.0.15"},
		},
		pickGen: yealinkGen,
	}
}

// yealinkGen: the firmware's second field is the generation
// ("28.81.0.110" is V81). Without a firmware, models that never got V81
// stay on the old keys for good: T20P/T22P/T26P/T28P (last release V73)
// and T49G (V80) — wazo-provd-plugins plugins/wazo_yealink/v*/entry.py
// MODEL_INFO.
func yealinkGen(model, fw string) string {
	switch v := fwField(fw, 1); {
	case v >= 81:
		return "v81"
	case v > 0:
		return "v80"
	}
	if modelIn(model, "T20P", "T22P", "T26P", "T28P", "T49G") {
		return "v80"
	}
	return ""
}
