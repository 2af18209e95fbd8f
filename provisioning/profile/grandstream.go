package profile

// grandstream: GXP/GRP/GXV/WP/HT (references/grandstream.md). <gs_provision> XML with
// P-values, the dialect every generation reads.
func grandstream() *Profile {
	return &Profile{
		Name: "grandstream", Title: "Grandstream", ContentType: "application/xml",
		DHCP: DHCPRule{
			ClassPrefixes: []string{"Grandstream"}, // "Grandstream GXP1405 dslforum.org" [C1]
			OUIs:          ouis("000b82", "c074ad", "ec74d7"),
			Options:       []BootOption{{Code: 66, Form: FormURL}},
		},
		files: files(
			`^cfg(?P<mac>[0-9a-f]{12})\.xml$`, Primary,
			`^cfg\.xml$`, Common,
			// cfg<model>.xml, e.g. cfggrp2614.xml (also Htek's cfg0010.xml).
			`^cfg(?P<model>[a-z0-9]{3,16})\.xml$`, Common,
			// The binary cfg<mac> / cfg<mac>.bin is not produced: a miss
			// makes the phone ask for cfg<mac>.xml.
		),
		uas: uas(
			// "Grandstream Model HW GXP2200 V2.2A SW 1.0.1.33 DevId 000b82462d97"
			// GRP firmware writes "DevId EC:74:D7:89:1A:76": any case, colons or not.
			`^Grandstream Model HW (?P<model>\S+)(?: +V\S+)? +SW (?P<fw>\S+) +DevId (?P<mac>[0-9A-Fa-f]{2}(?::?[0-9A-Fa-f]{2}){5})\b`,
			// very old: "Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8"
			`^Grandstream (?P<model>GXP\w+) \([^)]*\) DevId (?P<mac>[0-9a-f]{12})`,
		),
		maxLines: 4, // the P-value blocks full.tmpl writes
		// [U] P1362 takes these codes on GXP21xx.
		languages: map[string]string{"en": "en", "de": "de", "fr": "fr", "es": "es",
			"it": "it", "pt": "pt", "pl": "pl"},
		samples: []string{"cfg000b82112233.xml", "cfg.xml", "cfggrp2614.xml"},
	}
}
