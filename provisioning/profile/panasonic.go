package profile

// panasonic: KX-HDV, KX-TGP, KX-UT SIP phones. Text "KEY="value"" files
// with a fixed first line (Panasonic KX-HDV/KX-UT Administrator Guide,
// 2.4 "Configuration File Specifications"). The phone first fetches the
// pre-provisioning file {MODEL}.cfg from the server DHCP names (guide
// 2.1.5: option 66 ending in "/" means "append {MODEL}.cfg"); that file
// sets CFG_STANDARD_FILE_PATH, the device's own file from then on.
// Key sources: references/panasonic.md.
func panasonic() *Profile {
	return &Profile{
		Name: "panasonic", Title: "Panasonic", ContentType: "text/plain; charset=utf-8",
		DHCP: DHCPRule{
			// wazo-provd-plugins dhcp/dhcp/dhcpd_update/panasonic.conf
			// matches option 60 "Panasonic" exactly.
			ClassPrefixes: []string{"Panasonic"},
			OUIs:          ouis("0080f0", "bcc342", "080023"),
			// Option 66 as a URL ending in "/": the phone appends {MODEL}.cfg
			// (guide 2.1.5 d). 159/160 are not sent: the redirect turns all
			// three off anyway.
			Options: []BootOption{{Code: 66, Form: FormURL}},
		},
		files: files(
			// Config<MAC>.cfg: the standard file the redirect names, MAC upper
			// case as the guide's {MAC} macro and Wazo write it.
			`^Config(?P<mac>[0-9A-F]{12})\.cfg$`, Primary,
			// {MODEL}.cfg: KX-HDV230.cfg, KX-UT123.cfg, KX-TGP500B04.cfg,
			// KX-TGP550T04.cfg. It carries no MAC: the UA and lease tell the device.
			`^(?P<model>KX-[A-Z]{2,4}[0-9]{3}[A-Z0-9]{0,4})\.cfg$`, Primary,
		),
		uas: uas(
			// "Panasonic_KX-UT113/01.133 (0080f0c8c381)" (wazo_panasonic
			// common.py); the HTTP_USER_AGENT default is
			// "Panasonic_{MODEL}/{fwver} ({mac})" (FusionPBX tgp550 template).
			`^Panasonic_(?P<model>KX-[^/ ]+)/(?P<fw>\S+) \((?P<mac>[0-9a-fA-F]{12})\)`,
		),
		maxLines:  16, // KX-HDV430 has 16 lines; smaller models ignore the rest
		languages: map[string]string{},
		samples:   []string{"KX-HDV230.cfg", "Config0080F0112233.cfg"},
	}
}
