package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
)

// TestEffectiveSettings loads the shipped configs (and testdata's
// offs.toml, which switches off every safeguard 0 turns off) and compares
// what each server and the core end up running with — after the
// packages' own defaults — with testdata/effective/*.json. The goldens
// were written before the config types moved into the packages: a
// refactor of the config layers must leave them byte for byte (run with
// -update only for a deliberate change of behaviour).
func TestEffectiveSettings(t *testing.T) {
	enabled := exampleEnabled(t)
	for name, path := range map[string]string{
		"provbox":         "../../configs/provbox.toml",
		"provbox-enabled": enabled,
		"loopback":        "../../configs/loopback.toml",
		"offs":            "testdata/effective/offs.toml",
	} {
		t.Run(name, func(t *testing.T) {
			cfg, _, err := loadConfig(path, noEnv)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.MarshalIndent(effectiveSettings(cfg), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(string(b), filepath.Dir(cfg.path), "$CONFIG_DIR") + "\n"
			golden := filepath.Join("testdata", "effective", name+".json")
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestEffectiveSettings -update)", err)
			}
			if got != string(want) {
				t.Errorf("effective settings differ from %s:\ngot:\n%s", golden, got)
			}
		})
	}
}

// exampleEnabled writes configs/provbox.toml with DHCP, TFTP and the lease
// check switched on as its comments say, and returns its path.
func exampleEnabled(t *testing.T) string {
	b, err := os.ReadFile("../../configs/provbox.toml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, sec := range []string{"[dhcp]", "[tftp]"} {
		i := strings.Index(text, sec)
		j := strings.Index(text[i:], "enabled = false")
		if i < 0 || j < 0 {
			t.Fatalf("%s has no enabled = false", sec)
		}
		text = text[:i+j] + "enabled = true" + text[i+j+len("enabled = false"):]
	}
	text = strings.Replace(text, "# check_lease = true", "check_lease = true", 1)
	return configFile(t, "provbox.toml", text)
}

// bootShape is the boot configuration in the goldens' shape (a class's
// rule was a field of its own before the class became one TOML type).
func bootShape(b provisioning.BootConfig) any {
	type rule struct {
		ClassPrefixes, ClassContains []string
		OUIs                         [][3]byte
		Options                      []profile.BootOption
	}
	type class struct {
		Vendor string
		Rule   rule
	}
	out := struct {
		Proto              provisioning.Proto
		Host               string
		HTTPPort, TFTPPort int
		Classes            []class
	}{Proto: b.Proto, Host: b.Host, HTTPPort: b.HTTPPort, TFTPPort: b.TFTPPort}
	for _, c := range b.Classes {
		r := rule{ClassPrefixes: c.ClassPrefixes, ClassContains: c.ClassContains, Options: c.Options}
		for _, o := range c.OUIs {
			r.OUIs = append(r.OUIs, o)
		}
		out.Classes = append(out.Classes, class{c.Vendor, r})
	}
	return out
}

// effectiveSettings is what the daemon hands each server and the core,
// as each runs it (the packages' defaults applied). What the host adds
// (on-link networks, the neighbour table) is left out.
func effectiveSettings(cfg *fileConfig) map[string]any {
	core := cfg.coreConfig(cfg.configuredPorts())
	bans := core.Bans.WithDefaults()
	bans.OnLink = nil
	web := webSettings(cfg)
	return map[string]any{
		"state_dir": cfg.stateDirPath(),
		"store":     cfg.Store,
		"tftp":      map[string]any{"enabled": cfg.TFTP.Enabled, "server": tftpSettings(cfg).WithDefaults()},
		"http":      httpdSettings(cfg).WithDefaults(),
		"dhcp":      map[string]any{"enabled": cfg.DHCP.Enabled, "server": dhcpSettings(cfg)},
		"core": map[string]any{"base_url": core.BaseURL, "unlock_window": core.UnlockWindow.String(),
			"rotation_grace": core.RotationGrace.String(), "flat": core.FlatMode, "boot": bootShape(core.Boot), "checks": core.Checks,
			"bans": bans, "unverified": core.Unverified, "reserved": core.Reserved, "unguarded_udp": core.UnguardedUDP,
			"fail_open": cfg.Provisioning.InsecureFailOpen},
		"templates_dir": cfg.resolve(cfg.Provisioning.TemplatesDir),
		"admin": map[string]any{"socket": cfg.resolve(cfg.Admin.Socket), "web_listen": web.Addr,
			"web_password_file": web.PasswordFile, "web_tls_cert": web.TLSCert, "web_tls_key": web.TLSKey},
		"metrics": cfg.Metrics.Listen,
		"log":     cfg.Log.Level,
	}
}
