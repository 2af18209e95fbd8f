package vendor

// fanvil: X-series, V6x, H/i-series (vendors.md §7). The text dialect
// "<<VOIP CONFIG FILE>>Version:2.0002" (Tancredi's), read by current
// firmware too.
func fanvil() *Profile {
	return &Profile{
		Name: "fanvil", Title: "Fanvil", ContentType: "text/plain; charset=utf-8",
		DHCP: DHCPRule{
			ClassPrefixes: []string{"Fanvil"}, // [U] often none is sent; the OUIs decide
			OUIs:          ouis("0c383e", "00a859"),
			Options:       []BootOption{{Code: 66, Form: FormURL}},
		},
		files: files(
			`^(?P<mac>[0-9a-f]{12})\.cfg$`, Primary,
			// model common files: f0X3shw1.100.cfg, F0V00X600000.cfg, f0C00580000.cfg
			`^[fF]0[0-9A-Za-z.]{3,24}\.cfg$`, Common,
		),
		uas: uas(
			// "Fanvil X4 2.10.2.6887 0c383e07e16c", "Fanvil X6U Pro 0.0.10 0c383e2cd782"
			`^Fanvil (?P<model>\S+(?: Pro)?) (?P<fw>[\d.]+) (?P<mac>[0-9a-f]{12})$`,
		),
		maxLines:  6,
		languages: map[string]string{"en": "0", "it": "7"}, // Tancredi's codes [C1]
		samples:   []string{"0c383e112233.cfg", "f0X3shw1.100.cfg"},
	}
}
