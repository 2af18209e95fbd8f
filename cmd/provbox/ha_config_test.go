package main

import (
	"strings"
	"testing"
)

// TestStoreHAConfig drives [store] ha and node through the strict
// loader: failover needs PostgreSQL and DHCP, node needs ha, and a node
// name is printable.
func TestStoreHAConfig(t *testing.T) {
	pg := `backend = "postgres"` + "\n" + `dsn = "host=/run/postgresql dbname=provbox"` + "\n"
	cases := []struct{ name, store, base, want string }{
		{"postgres pair", pg + "ha = true\nnode = \"box-a\"", "", ""},
		{"postgres, node from the host name", pg + "ha = true", "", ""},
		{"sqlite", "ha = true", "", `cfg.toml:3: store.ha: DHCP failover needs backend = "postgres"`},
		{"explicit sqlite", `backend = "sqlite"` + "\nha = true", "", `store.ha: DHCP failover needs backend = "postgres"`},
		{"node without ha", pg + `node = "box-a"`, "", `store.node: names a node of a failover pair: set ha = true too`},
		{"node with a space", pg + "ha = true\nnode = \"box a\"", "", `store.node: "box a": want up to 63 printable ASCII`},
		{"dhcp off", pg + "ha = true", "off", `store.ha: needs dhcp.enabled = true`},
		{"not a bool", pg + `ha = "yes"`, "", `store.ha`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := validBase
			if tc.base == "off" {
				base = strings.Replace(base, "enabled = true\ninterfaces", "enabled = false\ninterfaces", 1)
			}
			text := strings.Replace(base, "[server]", "[store]\n"+tc.store+"\n[server]", 1)
			_, _, err := loadConfig(writeConfig(t, text), noEnv)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
