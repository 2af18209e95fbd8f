package profile

// snom: 3xx/7xx/D-series and M-series DECT (references/snom.md). Settings XML.
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
		// Language names as the firmware spells them (nethesis/tancredi
		// data/templates/snom.macros language; wazo-provd-plugins
		// plugins/wazo_snom/common/common.py _LOCALE). Polish is in
		// neither: the phone keeps its own.
		languages: map[string]string{"en": "English", "de": "Deutsch", "fr": "Français",
			"es": "Español", "it": "Italiano", "pt": "Português", "nl": "Nederlands"},
		zones:   snomZones,
		samples: []string{"snomD785.htm", "snomD785-000413112233.htm"},
	}
}

// snomZones: Snom's "timezone" codes (country and standard offset; the
// phone applies that country's summer-time rule), as nethesis/tancredi
// data/templates/snom.macros maps IANA zones. Zones not listed keep the
// phone's own setting.
var snomZones = map[string]string{
	"UTC": "GBR-0", "Europe/London": "GBR-0", "Europe/Dublin": "GBR-0",
	"Europe/Lisbon": "PRT-0", "Europe/Berlin": "GER+1", "Europe/Vienna": "GER+1",
	"Europe/Zurich": "GER+1", "Europe/Paris": "FRA+1", "Europe/Rome": "ITA+1",
	"Europe/Madrid": "ESP+1", "Europe/Amsterdam": "NLD+1", "Europe/Brussels": "BEL+1",
	"Europe/Warsaw": "POL+1", "America/New_York": "USA-5", "America/Chicago": "USA-6",
	"America/Denver": "USA-7", "America/Los_Angeles": "USA-8", "Australia/Sydney": "AUS+10",
}
