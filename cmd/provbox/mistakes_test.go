package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var printMistakes = flag.Bool("print-mistakes", false, "print the messages TestAdminMistakes gets, to review them")

// mistakeBase is a working office configuration; each case below changes
// one thing the way an admin editing it by hand gets it wrong.
const mistakeBase = `state_dir = "state"
[server]
advertise = "10.20.0.2"
[dhcp]
enabled = true
interfaces = ["eth1"]
lease_time = "12h"
[[dhcp.subnet]]
cidr = "10.20.0.0/24"
range = "10.20.0.100-10.20.0.250"
router = "10.20.0.1"
[tftp]
enabled = true
listen = "127.0.0.1:0"
timeout = "5s"
[http]
listen = "127.0.0.1:0"
[provisioning]
unlock_window = "24h"
[bans]
ban_time = "1h"
[admin]
socket = "admin.sock"
[log]
level = "info"
`

// adminMistakes: each realistic mistake and the exact, complete message
// provbox check prints for it (the file named as the admin typed it).
var adminMistakes = []struct {
	name, from, to, want string
}{
	{"unit-less unlock_window", `unlock_window = "24h"`, `unlock_window = 24`,
		"office.toml:19: provisioning.unlock_window: a duration needs a unit, e.g. \"24h\", \"30m\" or \"90s\""},
	{"unit-less ban_time", `ban_time = "1h"`, `ban_time = 3600`,
		"office.toml:21: bans.ban_time: a duration needs a unit, e.g. \"24h\", \"30m\" or \"90s\""},
	{"unit-less lease_time", `lease_time = "12h"`, `lease_time = 3600`,
		"office.toml:7: dhcp.lease_time: a duration needs a unit, e.g. \"24h\", \"30m\" or \"90s\""},
	{"unit-less tftp timeout", `timeout = "5s"`, `timeout = 5`,
		"office.toml:15: tftp.timeout: a duration needs a unit, e.g. \"24h\", \"30m\" or \"90s\""},
	{"unit-less http read_timeout", `[http]`, "[http]\nread_timeout = 30",
		"office.toml:17: http.read_timeout: a duration needs a unit, e.g. \"24h\", \"30m\" or \"90s\""},
	{"unit-less subnet lease_time", `router = "10.20.0.1"`, "router = \"10.20.0.1\"\nlease_time = 28800",
		"office.toml:12: dhcp.subnet[0].lease_time: a duration needs a unit, e.g. \"24h\", \"30m\" or \"90s\""},
	{"duration in words", `unlock_window = "24h"`, `unlock_window = "24 hours"`,
		"office.toml:19:17: provisioning.unlock_window: \"24 hours\" is not a duration: want a number and a unit, e.g. \"24h\", \"30m\" or \"90s\" (units h, m, s, ms; no days: a week is \"168h\")"},
	{"duration in days", `unlock_window = "24h"`, `unlock_window = "1d"`,
		"office.toml:19:17: provisioning.unlock_window: \"1d\" is not a duration: want a number and a unit, e.g. \"24h\", \"30m\" or \"90s\" (units h, m, s, ms; no days: a week is \"168h\")"},
	{"advertise misspelt", `advertise = "10.20.0.2"`, `advertize = "10.20.0.2"`,
		"office.toml:3: unknown key \"server.advertize\" (did you mean \"advertise\"?)\noffice.toml:2: server.advertise: required when dhcp.enabled = true: the address phones use to reach this box"},
	{"interfaces as a string", `interfaces = ["eth1"]`, `interfaces = "eth1"`,
		"office.toml:6: dhcp.interfaces: want a list, e.g. [\"a\", \"b\"], not a string"},
	{"enabled quoted", "[dhcp]\nenabled = true", "[dhcp]\nenabled = \"yes\"",
		"office.toml:5: dhcp.enabled: want true or false (no quotes), not a string"},
	{"prefix length 33", `cidr = "10.20.0.0/24"`, `cidr = "10.20.0.0/33"`,
		"office.toml:9:8: dhcp.subnet[0].cidr: \"10.20.0.0/33\" is not a network (ADDRESS/BITS): prefix length out of range; e.g. \"10.20.0.0/24\""},
	{"cidr without length", `cidr = "10.20.0.0/24"`, `cidr = "10.20.0.0"`,
		"office.toml:9:8: dhcp.subnet[0].cidr: \"10.20.0.0\" is not a network (ADDRESS/BITS): no '/'; e.g. \"10.20.0.0/24\""},
	{"address octet 256", `advertise = "10.20.0.2"`, `advertise = "10.20.0.256"`,
		"office.toml:3:13: server.advertise: \"10.20.0.256\" is not an IP address: IPv4 field has value >255; e.g. \"10.20.0.2\""},
	{"range as a list", `range = "10.20.0.100-10.20.0.250"`, `range = ["10.20.0.100", "10.20.0.250"]`,
		"office.toml:10: dhcp.subnet[0].range: want a single quoted value, e.g. \"x\", not a list"},
	{"range backwards", `range = "10.20.0.100-10.20.0.250"`, `range = "10.20.0.250-10.20.0.100"`,
		"office.toml:10:9: dhcp.subnet[0].range: range \"10.20.0.250-10.20.0.100\": start 10.20.0.250 is after end 10.20.0.100"},
	{"range outside the subnet", `range = "10.20.0.100-10.20.0.250"`, `range = "10.30.0.100-10.30.0.250"`,
		"office.toml:10: dhcp.subnet[0].range: 10.30.0.100-10.30.0.250 is not inside 10.20.0.0/24 (network and broadcast addresses excluded)"},
	{"router outside the subnet", `router = "10.20.0.1"`, `router = "10.30.0.1"`,
		"office.toml:11: dhcp.subnet[0].router: 10.30.0.1 is not a host address inside 10.20.0.0/24"},
	{"router as a list", `router = "10.20.0.1"`, `router = ["10.20.0.254"]`,
		"office.toml:11:10: dhcp.subnet[0].router: want one address, e.g. \"10.20.0.1\""},
	{"router misspelt", `router = "10.20.0.1"`, `routr = "10.20.0.1"`,
		"office.toml:11: unknown key \"dhcp.subnet[0].routr\" (did you mean \"router\"?)"},
	{"subnet as one table", `[[dhcp.subnet]]`, `[dhcp.subnet]`,
		"office.toml:8: dhcp.subnet: write each entry as a [[dhcp.subnet]] table (double brackets)"},
	{"listen without port", "[http]\nlisten = \"127.0.0.1:0\"", "[http]\nlisten = \"127.0.0.1:0\"\ntls_listen = \"127.0.0.1\"",
		"office.toml:18:14: http.tls_listen: listen address \"127.0.0.1\": want HOST:PORT or :PORT"},
	{"listen as a number", "[http]\nlisten = \"127.0.0.1:0\"", "[http]\nlisten = 80",
		"office.toml:17:10: http.listen: listen address \"80\": want HOST:PORT or :PORT"},
	{"listen on a host name", "[http]\nlisten = \"127.0.0.1:0\"", "[http]\nlisten = \"provbox.local:80\"",
		"office.toml:17:10: http.listen: listen address \"provbox.local:80\": host \"provbox.local\" is not an IP address"},
	{"tftp key under http", "[http]\nlisten", "[http]\nretries = 5\nlisten",
		"office.toml:17: unknown key \"http.retries\" (did you mean \"tftp.retries\"?)"},
	{"lease_time under server", `advertise = "10.20.0.2"`, "advertise = \"10.20.0.2\"\nlease_time = \"12h\"",
		"office.toml:4: unknown key \"server.lease_time\" (did you mean \"dhcp.lease_time\" or \"dhcp.subnet.lease_time\"?)"},
	{"unknown section", `[log]`, "[logging]\nfile = \"x\"\n[log]",
		"office.toml:24: unknown section [logging]"},
	{"log level verbose", `level = "info"`, `level = "verbose"`,
		"office.toml:25: log.level: \"verbose\": want one of debug, info, warn, error"},
	{"state_dir empty", `state_dir = "state"`, `state_dir = ""`,
		"office.toml:1: state_dir: required"},
	{"no advertise", `advertise = "10.20.0.2"`, ``,
		"office.toml:2: server.advertise: required when dhcp.enabled = true: the address phones use to reach this box"},
	{"unverified network with host bits", `[provisioning]`, "[provisioning]\nunverified_networks = [\"10.20.0.5/24\"]",
		"office.toml:19: provisioning.unverified_networks: 10.20.0.5/24 has host bits set; did you mean 10.20.0.0/24?"},
	{"unverified networks as a string", `[provisioning]`, "[provisioning]\nunverified_networks = \"10.20.0.0/24\"",
		"office.toml:19: provisioning.unverified_networks: want a list, e.g. [\"a\", \"b\"], not a string"},
	{"reservation MAC malformed", `[tftp]`, "[[dhcp.reservation]]\nmac = \"00:15:65:zz:bb:cc\"\nip = \"10.20.0.50\"\n[tftp]",
		"office.toml:13:7: dhcp.reservation[0].mac: malformed MAC \"00:15:65:zz:bb:cc\": want 12 hex digits, optionally as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff"},
	{"missing quote", `level = "info"`, `level = "info`,
		"office.toml:25:14: log.level: a string is not closed: missing \" at the end of the line?"},
	{"duplicate key", `level = "info"`, "level = \"info\"\nlevel = \"debug\"",
		"office.toml:26:16: log.level: log.level is set twice; keep one"},
	{"retries quoted", `timeout = "5s"`, "timeout = \"5s\"\nretries = \"5\"",
		"office.toml:16: tftp.retries: want a number (no quotes), not a string"},
	{"web UI without password file", `socket = "admin.sock"`, "socket = \"admin.sock\"\nweb_listen = \"127.0.0.1:0\"",
		"office.toml:22: admin.web_password_file: required when admin.web_listen is set: the web UI is never open"},
	{"option code over 255", `[tftp]`, "[[dhcp.class]]\nvendor = \"yealink\"\n[[dhcp.class.option]]\ncode = 300\nform = \"url\"\n[tftp]",
		"office.toml:15:8: dhcp.class[0].option[0].code: 300 is out of range: want a whole number from 0 to 255"},
	{"three mistakes in one pass", `level = "info"`, "level = \"loud\"\ncolour = true",
		"office.toml:26: unknown key \"log.colour\"\noffice.toml:25: log.level: \"loud\": want one of debug, info, warn, error"},
}

// multiMistakes: several mistakes in one file, each edit made to the
// base in turn; check reports them all at once (values that do not
// decode, in file order, then unknown keys, then unit-less durations).
var multiMistakes = []struct {
	name  string
	edits [][2]string
	want  string
}{
	{"type errors in three sections", [][2]string{{`interfaces = ["eth1"]`, `interfaces = "eth1"`},
		{"[tftp]\nenabled = true", "[tftp]\nenabled = \"yes\""}, {`level = "info"`, `level = 3`}},
		"office.toml:6: dhcp.interfaces: want a list, e.g. [\"a\", \"b\"], not a string\n" +
			"office.toml:13: tftp.enabled: want true or false (no quotes), not a string\n" +
			"office.toml:25: log.level: want a single quoted value, e.g. \"x\", not a number"},
	{"bad values, a typo and a bare number in one section", [][2]string{
		{"listen = \"127.0.0.1:0\"\ntimeout = \"5s\"", "listen = \"127.0.0.1\"\ntimeout = 5\nretries = \"5\"\nretires = 5"}},
		"office.toml:14:10: tftp.listen: listen address \"127.0.0.1\": want HOST:PORT or :PORT\n" +
			"office.toml:16: tftp.retries: want a number (no quotes), not a string\n" +
			"office.toml:17: unknown key \"tftp.retires\" (did you mean \"retries\"?)\n" +
			"office.toml:15: tftp.timeout: a duration needs a unit, e.g. \"24h\", \"30m\" or \"90s\""},
	{"bad values in two subnets", [][2]string{{`router = "10.20.0.1"`, "router = \"10.20.0.1\"\nlease_time = \"8 hours\"\n" +
		"[[dhcp.subnet]]\ncidr = \"10.30.0.0/33\"\nrange = [\"10.30.0.10\", \"10.30.0.20\"]\nrouter = \"10.30.0.1\""}},
		"office.toml:12:14: dhcp.subnet[0].lease_time: \"8 hours\" is not a duration: want a number and a unit, e.g. \"24h\", \"30m\" or \"90s\" (units h, m, s, ms; no days: a week is \"168h\")\n" +
			"office.toml:14:8: dhcp.subnet[1].cidr: \"10.30.0.0/33\" is not a network (ADDRESS/BITS): prefix length out of range; e.g. \"10.20.0.0/24\"\n" +
			"office.toml:15: dhcp.subnet[1].range: want a single quoted value, e.g. \"x\", not a list"},
	{"bad MACs in two reservations and an off bound below zero", [][2]string{{"[tftp]", "[[dhcp.reservation]]\nmac = \"00:15:65:zz:bb:cc\"\nip = \"10.20.0.50\"\n" +
		"[[dhcp.reservation]]\nmac = \"0015\"\nip = \"10.20.0.51\"\n[tftp]"}, {`timeout = "5s"`, "timeout = \"5s\"\nmax_per_source = -1"}},
		"office.toml:13:7: dhcp.reservation[0].mac: malformed MAC \"00:15:65:zz:bb:cc\": want 12 hex digits, optionally as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff\n" +
			"office.toml:16:7: dhcp.reservation[1].mac: malformed MAC \"0015\": want 12 hex digits, optionally as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff\n" +
			"office.toml:22:18: tftp.max_per_source: must be 0 (off) or more, got -1"},
	{"a syntax error stops the reading", [][2]string{{`interfaces = ["eth1"]`, `interfaces = "eth1"`}, {`level = "info"`, `level = "info`}},
		"office.toml:25:14: log.level: a string is not closed: missing \" at the end of the line?"},
}

// TestAdminMistakes runs provbox check on each mistake and compares the
// whole of what it prints on stderr.
func TestAdminMistakes(t *testing.T) {
	if n := len(adminMistakes); n < 30 {
		t.Fatalf("%d cases; keep at least 30", n)
	}
	cases := make([]struct {
		name  string
		edits [][2]string
		want  string
	}, 0, len(adminMistakes)+len(multiMistakes))
	for _, tc := range adminMistakes {
		cases = append(cases, struct {
			name  string
			edits [][2]string
			want  string
		}{tc.name, [][2]string{{tc.from, tc.to}}, tc.want})
	}
	for _, tc := range append(cases, multiMistakes...) {
		t.Run(tc.name, func(t *testing.T) {
			text := mistakeBase
			for _, e := range tc.edits {
				if !strings.Contains(text, e[0]) {
					t.Fatalf("%q is not in the base config", e[0])
				}
				text = strings.Replace(text, e[0], e[1], 1)
			}
			dir := t.TempDir()
			if err := os.WriteFile(dir+"/office.toml", []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			r := runCLI(t, "office.toml", "check")
			got := strings.TrimSuffix(r.stderr, "\n")
			if *printMistakes {
				fmt.Printf("%s\t%d\t%q\n", tc.name, r.code, got)
				return
			}
			if r.code == 0 {
				t.Fatalf("check accepted the mistake; stderr %q", r.stderr)
			}
			if got != tc.want {
				t.Errorf("check printed\n  %s\nwant\n  %s", got, tc.want)
			}
		})
	}
}
