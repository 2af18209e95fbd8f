package profile

import "regexp"

// fanvil: X-series, V6x, H/i-series. The text dialect "<<VOIP CONFIG
// FILE>>", in two generations (references/fanvil.md): legacy firmware
// reads the provisioning server from "Download Server IP"/"Config File
// Name", newer models from "Flash Server IP"/"Flash File Name"; both honour
// "DHCP Option :0", so a redirect in the wrong dialect strands the phone.
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
		maxLines: 6,
		// Legacy "Language" codes (nethesis/tancredi data/templates/
		// fanvil.macros language_code); new firmware takes the ISO code
		// itself in "Default Language" (language_codeNEW).
		languages: map[string]string{"en": "0", "it": "7"},
		samples:   []string{"0c383e112233.cfg", "f0X3shw1.100.cfg"},
		generations: []Generation{
			{Name: "legacy", Title: "Download Server keys", Models: []string{"X3S", "X4", "H5", "X2"}, Firmware: "2.10.2.6887"},
			{Name: "new", Title: "Flash Server keys", Models: []string{"X4U", "X6U Pro", "X210", "V67"}, Firmware: "2.12.10.1"},
		},
		pickGen: fanvilGen,
	}
}

// fanvilNew are the models both references put on the Flash keys:
// wazo-provd-plugins plugins/wazo_fanvil/common/common.py _NEW_MODEL_REGEX
// (X4U-X9U, X4C-X9C, X210(i), X7) and nethesis/tancredi data/scopes/
// fanvil-*.ini (fanvil-X5.tmpl, fanvil-V67.tmpl: V6x, W6xx, X1S, X3U,
// X4SG, X301/X303, H2U, V50G).
var fanvilNew = regexp.MustCompile(`^(X[4-9][UC]|X210I?|X7|V[56]\d[A-Z]*|W6\d\dW|X1S|X3U|X4SG|X30[13]|H2U)$`)

// fanvilGen decides by model only: the firmware numbers of the two
// generations overlap. The references disagree on X5, X6 and X3SG
// (Tancredi: Flash keys; Wazo: Download keys), so those stay unknown and
// get both.
func fanvilGen(model, _ string) string {
	m := baseModel(model)
	switch {
	case m == "":
		return ""
	case modelIn(m, "X5", "X6", "X3SG"):
		return ""
	case fanvilNew.MatchString(m):
		return "new"
	case modelIn(m, "X2", "X3", "X3S", "X4", "X5S", "H2", "H5"):
		return "legacy"
	}
	return ""
}
