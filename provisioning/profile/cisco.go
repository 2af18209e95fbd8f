package profile

// ciscoSPA: SPA30x/50x/51x/525 and SPA112/122 (references/cisco-spa.md).
// <flat-profile> XML. The factory Profile_Rule /spa$PSN.cfg asks for
// spa504G.cfg (no MAC); the redirect's absolute Profile_Rule names
// spa$MA.xml, the device's own file from then on.
func ciscoSPA() *Profile {
	return &Profile{
		Name: "cisco-spa", Title: "Cisco SPA", ContentType: "application/xml",
		DHCP: DHCPRule{
			ClassPrefixes: []string{"Cisco SPA", "CISCO SPA", "Cisco Systems, Inc. IP Phone SPA",
				"LINKSYS SPA", "Linksys SPA"},
			OUIs: ouis("002699", "503de5", "00e16d", "00da55", "10bd18"),
			// The factory rule has no host: the TFTP server comes from 66
			// (bare host) or 150. 160 [U] for SPA.
			Options: []BootOption{
				{Code: 150, Form: FormIPList, Force: true},
				{Code: 66, Form: FormHost, Force: true},
				{Code: 160, Form: FormURL, Force: true},
			},
		},
		files: files(
			`^spa(?P<mac>[0-9a-f]{12})\.xml$`, Primary,
			// spa$PSN.cfg: spa504G.cfg, spa122.cfg, spa525G2.cfg, spa942.cfg
			`^spa(?P<model>[0-9]{3,4}[A-Za-z0-9]{0,3})\.cfg$`, Primary,
		),
		uas: uas(
			// "Cisco/SPA508G-7.4.4 (0002FDFF2103)(CBT141400UK)",
			// "Cisco/SPA525G-7.4.7 (CBT141900G7)", "Linksys/SPA-942-6.1.5(a) (88019FA42805)"
			`^(?:Cisco|Linksys)/(?P<model>SPA-?\w+)-(?P<fw>\S+) (?:\((?P<mac>[0-9A-Fa-f]{12})\))?\(\w+\)`,
		),
		maxLines:  5,
		languages: map[string]string{"en": "English"}, // others need a dictionary server
		samples:   []string{"spa504G.cfg", "spa002699112233.xml"},
	}
}

// ciscoMPP: IP Phone 6800/7800/8800 multiplatform (3PCC) (references/cisco-mpp.md).
// Factory rule /$PSN.xml asks for 8841-3PCC.xml (no MAC); the redirect's
// absolute Profile_Rule names $MA.xml.
func ciscoMPP() *Profile {
	return &Profile{
		Name: "cisco-mpp", Title: "Cisco MPP (3PCC)", ContentType: "application/xml",
		DHCP: DHCPRule{
			// "CP-8841-3PCC" + NUL. The ATA191/192 MPP are not claimed: no
			// file name or User-Agent of theirs is known to this profile.
			ClassContains: []string{"-3PCC"},
			OUIs:          ouis("d0ec35"),
			Options: []BootOption{
				{Code: 150, Form: FormIPList, Force: true},
				{Code: 66, Form: FormURL, Force: true},
				{Code: 160, Form: FormURL, Force: true},
			},
		},
		files: files(
			`^(?P<mac>[0-9a-f]{12})\.xml$`, Primary,
			`^(?P<model>[0-9]{4})-3PCC\.xml$`, Primary,
			`^Cisco/CP-(?P<model>[0-9]{4})-3PCC/(?P<mac>[0-9a-f]{12})\.cfg$`, Primary,
		),
		uas: uas(
			// "Cisco-CP-7832-3PCC/11.0.1 (00562b043615)"
			// the MAC in either case
			`^Cisco-CP-(?P<model>\d{4})-3PCC/(?P<fw>\S+) \((?P<mac>[0-9A-Fa-f]{12})\)`,
		),
		maxLines:  10,
		languages: map[string]string{"en": "en-US"}, // others need a dictionary server
		samples:   []string{"8841-3PCC.xml", "d0ec35112233.xml", "Cisco/CP-8841-3PCC/d0ec35112233.cfg"},
	}
}
