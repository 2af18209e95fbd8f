package lab

import (
	"os"
	"path/filepath"
	"strings"
)

// OneDialect overrides the Yealink and Fanvil redirects with templates
// that ignore the requester's firmware generation and write one dialect
// only (V81 keys; legacy Fanvil's Download keys), as provbox did before
// it knew generations: the strict V80 Yealink finds no server it can
// read, and the new Fanvil is stranded (DHCP Option 0, no Flash server).
const OneDialect Sabotage = "generations"

// oneDialect are the override templates, by vendor directory.
var oneDialect = map[string]string{
	"yealink": `{{- if hasSuffix .File ".boot"}}{{template "boot" .}}{{else -}}
#!version:1.0.0.1
static.auto_provision.server.url = {{.ProvisionURL}}
static.auto_provision.dhcp_option.enable = 0
static.auto_provision.pnp_enable = 0
{{end -}}
`,
	"fanvil": `<<VOIP CONFIG FILE>>Version:2.0002

<AUTOUPDATE CONFIG MODULE>
Download Server IP :{{.Host}}
Config File Name   :{{trimPrefix .URLPath "/"}}$mac.cfg
Download Protocol  :{{template "fanvilProto" .}}
DHCP Option        :0
PNP Enable         :0
<<END OF FILE>>
`,
}

// sabotageTemplates adds a templates_dir with the one-dialect redirects
// to toml when sab is OneDialect.
func sabotageTemplates(dir string, sab Sabotage, toml string) (string, error) {
	if sab != OneDialect {
		return toml, nil
	}
	tdir := filepath.Join(dir, "templates")
	for vendor, text := range oneDialect {
		if err := os.MkdirAll(filepath.Join(tdir, vendor), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(tdir, vendor, "redirect.tmpl"), []byte(text), 0o644); err != nil {
			return "", err
		}
	}
	return strings.Replace(toml, "[provisioning]\n", "[provisioning]\ntemplates_dir = \""+tdir+"\"\n", 1), nil
}
