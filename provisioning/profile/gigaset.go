package profile

// gigaset: Nx70 IP PRO DECT bases (N670, N870, N870E) and Maxwell desk
// phones, which both read <provisioning version="1.1"><nvm><param
// name="…" value="…"/> XML over HTTP. Nx70 keys follow wazo-provd-plugins
// (plugins/wazo_gigaset/Nx70_*/templates/base.tpl), Maxwell keys nethesis
// tancredi (data/templates/gigaset-Maxwell.tmpl). Key sources:
// references/gigaset.md; what is safe for which model: README.md.
func gigaset() *Profile {
	return &Profile{
		Name: "gigaset", Title: "Gigaset", ContentType: "application/xml",
		DHCP: DHCPRule{
			// wazo dhcpd_update/gigaset.conf and common.py: "Gigaset_N720_DM_PRO",
			// "N510_IP_PRO"; the Nx70 bases are matched by OUI there.
			ClassPrefixes: []string{"Gigaset", "N510_IP_PRO"},
			OUIs:          ouis("7c2f80", "002104", "589ec6"),
			// Option 114 ("default URL") is Gigaset's own and wins over 66
			// when both come (Gigaset wiki "DHCP option 114", "DHCP"); Wazo
			// sends 114. Forced: not every base asks for it.
			Options: []BootOption{{Code: 114, Form: FormURL, Force: true}, {Code: 66, Form: FormURL}},
		},
		files: files(
			// <MAC>.xml: N510 asks upper case (Gigaset wiki, DHCP option 66
			// page), Nx70 lower case (wazo Nx70 common.py).
			`^(?P<mac>[0-9A-Fa-f]{12})\.xml$`, Primary,
			// Maxwell with a server URL asks <URL>/provisioning.xml (same
			// wiki page): no MAC, the UA and lease tell the device.
			`^provisioning\.xml$`, Primary,
		),
		uas: uas(
			// "Gigaset N870 IP PRO/83.V2.11.0+build.a546b91;7C2F80E0D605",
			// "N510 IP PRO/42.245.00.000.000;7C2F804DF9A9", "N720-DM-PRO/70.040.00.000.000",
			// optionally quoted and with ";Handset=N" (wazo common.py regexp).
			`^"?(?:Gigaset )?(?P<model>(?:N\d{3}|Maxwell)[\w -]*?)/(?P<fw>[\w.]+)(?:\+[^;"]*)?(?:;(?P<mac>[0-9A-Fa-f]{12}))?(?:;Handset=\d+)?"?$`,
		),
		// Maxwell: four accounts (tancredi writes SIP.Account.0-3); on a
		// DECT base each line is one handset.
		maxLines:  4,
		languages: map[string]string{"en": "en-us", "it": "it-it"}, // tancredi gigaset.macros
		samples:   []string{"7c2f80112233.xml", "provisioning.xml"},
	}
}
