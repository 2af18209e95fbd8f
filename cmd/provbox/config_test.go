package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// validBase is a small valid config; broken cases below edit it.
const validBase = `state_dir = "state"
[server]
advertise = "10.20.0.2"
[dhcp]
enabled = true
interfaces = ["eth1"]
[[dhcp.subnet]]
cidr = "10.20.0.0/24"
range = "10.20.0.100-10.20.0.250"
router = "10.20.0.1"
[tftp]
enabled = true
listen = "127.0.0.1:0"
[http]
listen = "127.0.0.1:0"
[admin]
socket = "admin.sock"
`

// writeConfig writes text as cfg.toml (the name the expected messages
// carry) in a fresh directory and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	return configFile(t, "cfg.toml", text)
}

func noEnv(string) string { return "" }

func TestLoadConfigValid(t *testing.T) {
	p := writeConfig(t, validBase)
	cfg, _, err := loadConfig(p, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.stateDirPath(), filepath.Join(filepath.Dir(p), "state"); got != want {
		t.Errorf("state dir %q, want %q (relative to the config file)", got, want)
	}
	if cfg.DHCP.LeaseTime != 12*time.Hour || !cfg.DHCP.Authoritative || cfg.Bans.MaxRetry != 15 {
		t.Errorf("defaults not applied: %+v %+v", cfg.DHCP, cfg.Bans)
	}
	cc := cfg.coreConfig(boundPorts{http: 8080})
	if cc.BaseURL != "http://10.20.0.2:8080" || !cc.Checks.Lease || !cc.Checks.UserAgent {
		t.Errorf("core config %+v", cc)
	}
	// Loading (provbox check) changes nothing; serve creates the directory.
	if _, err := os.Stat(cfg.stateDirPath()); !os.IsNotExist(err) {
		t.Errorf("loading created the state dir (stat: %v)", err)
	}
}

func TestLoadConfigBroken(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(validBase, old) {
			t.Fatalf("base has no %q", old)
		}
		return strings.Replace(validBase, old, new, 1)
	}
	cases := []struct {
		name, text, want string
	}{
		{"syntax", replace(`enabled = true`, `enabled = tru`), `cfg.toml:5:`},
		{"unknown top key", "stat_dir = \"x\"\n" + validBase, `cfg.toml:1: unknown key "stat_dir"`},
		{"unknown key in array table", replace(`router = "10.20.0.1"`, `routr = "10.20.0.1"`), `cfg.toml:10: unknown key "dhcp.subnet[0].routr" (did you mean "router"?)`},
		{"unknown table", validBase + "[htp]\nlisten = \":80\"\n", `cfg.toml:18: unknown section [htp] (did you mean "http"?)`},
		{"unknown key second subnet", validBase + "[[dhcp.subnet]]\ncidr = \"10.30.0.0/24\"\nrange = \"10.30.0.10-10.30.0.20\"\nrnage = \"x\"\n",
			`cfg.toml:21: unknown key "dhcp.subnet[1].rnage"`},
		{"bad MAC", validBase + "[[dhcp.reservation]]\nmac = \"00:15:65:zz:bb:cc\"\nip = \"10.20.0.20\"\n",
			`cfg.toml:19:7: dhcp.reservation[0].mac: malformed MAC "00:15:65:zz:bb:cc"`},
		{"bad MAC in second reservation", validBase + "[[dhcp.reservation]]\nmac = \"001565aabbcc\"\nip = \"10.20.0.20\"\n" +
			"[[dhcp.reservation]]\nmac = \"0015\"\nip = \"10.20.0.21\"\n", `cfg.toml:22:7: dhcp.reservation[1].mac: malformed MAC "0015"`},
		{"multicast MAC", validBase + "[[dhcp.reservation]]\nmac = \"01:00:5e:00:00:01\"\nip = \"10.20.0.20\"\n", `cfg.toml:19:7: dhcp.reservation[0].mac: malformed MAC "01:00:5e:00:00:01": a multicast`},
		{"bad duration", replace("interfaces", "lease_time = \"12 hours\"\ninterfaces"), `cfg.toml:6:14: dhcp.lease_time: "12 hours" is not a duration: want a number and a unit, e.g. "24h"`},
		{"bad address", replace(`advertise = "10.20.0.2"`, `advertise = "10.20.0.256"`), `cfg.toml:3:13: server.advertise: "10.20.0.256" is not an IP address`},
		{"bad prefix", replace(`cidr = "10.20.0.0/24"`, `cidr = "10.20.0.0/33"`), `cfg.toml:8:8: dhcp.subnet[0].cidr: "10.20.0.0/33" is not a network`},
		{"wrong type", replace(`enabled = true`, `enabled = "yes"`), `cfg.toml:5: dhcp.enabled: want true or false (no quotes), not a string`},
		{"range syntax", replace(`range = "10.20.0.100-10.20.0.250"`, `range = "10.20.0.100"`), `cfg.toml:9:9: dhcp.subnet[0].range: range "10.20.0.100": want FIRST-LAST`},
		{"range reversed", replace(`range = "10.20.0.100-10.20.0.250"`, `range = "10.20.0.250-10.20.0.100"`), `cfg.toml:9:9: dhcp.subnet[0].range: range "10.20.0.250-10.20.0.100": start 10.20.0.250 is after end 10.20.0.100`},
		{"bad known server", replace("interfaces", "known_servers = [\"10.1\"]\ninterfaces"), `cfg.toml:6:18: dhcp.known_servers:`},
		{"probe too often", replace("interfaces", "rogue_probe_interval = \"10ms\"\ninterfaces"), `dhcp.rogue_probe_interval: want "0s" (off) or at least "1s"`},
		{"pool outside subnet", replace(`range = "10.20.0.100-10.20.0.250"`, `range = "10.20.1.100-10.20.1.250"`), `cfg.toml:9: dhcp.subnet[0].range: 10.20.1.100-10.20.1.250 is not inside 10.20.0.0/24`},
		{"pool on broadcast", replace(`range = "10.20.0.100-10.20.0.250"`, `range = "10.20.0.100-10.20.0.255"`), `dhcp.subnet[0].range: 10.20.0.100-10.20.0.255 is not inside 10.20.0.0/24 (network and broadcast`},
		{"relay not an IPv4 address", replace(`router = "10.20.0.1"`, "router = \"10.20.0.1\"\nrelays = [\"10.20.0.1\", \"::1\"]"), `cfg.toml:7: dhcp.subnet[0].relays[1]: ::1 is not an IPv4 host address`},
		{"relay listed twice", replace(`router = "10.20.0.1"`, "router = \"10.20.0.1\"\nrelays = [\"10.20.0.1\", \"10.20.0.1\"]"), `cfg.toml:11: dhcp.subnet[0].relays: 10.20.0.1 is listed twice`},
		{"router outside subnet", replace(`router = "10.20.0.1"`, `router = "10.21.0.1"`), `cfg.toml:10: dhcp.subnet[0].router: 10.21.0.1 is not a host address inside 10.20.0.0/24`},
		{"router in pool", replace(`router = "10.20.0.1"`, `router = "10.20.0.120"`), `cfg.toml:9: dhcp.subnet[0].range: 10.20.0.100-10.20.0.250 includes the router 10.20.0.120`},
		{"cidr host bits", replace(`cidr = "10.20.0.0/24"`, `cidr = "10.20.0.5/24"`), `cfg.toml:8: dhcp.subnet[0].cidr: 10.20.0.5/24 has host bits set; did you mean 10.20.0.0/24?`},
		{"overlapping subnets", validBase + "[[dhcp.subnet]]\ncidr = \"10.20.0.0/16\"\nrange = \"10.20.1.1-10.20.1.9\"\n", `cfg.toml:19: dhcp.subnet[1].cidr: 10.20.0.0/16 overlaps dhcp.subnet[0]`},
		{"reservation outside subnets", validBase + "[[dhcp.reservation]]\nmac = \"001565aabbcc\"\nip = \"10.99.0.20\"\n", `cfg.toml:20: dhcp.reservation[0].ip: 10.99.0.20 is not a host address of any [[dhcp.subnet]]`},
		{"duplicate reservation", validBase + "[[dhcp.reservation]]\nmac = \"001565aabbcc\"\nip = \"10.20.0.20\"\n[[dhcp.reservation]]\nmac = \"00:15:65:aa:bb:cc\"\nip = \"10.20.0.21\"\n",
			`cfg.toml:22: dhcp.reservation[1].mac: 00:15:65:aa:bb:cc is already reserved by dhcp.reservation[0]`},
		{"no interfaces", replace(`interfaces = ["eth1"]`, ``), `cfg.toml:4: dhcp.interfaces: required when dhcp.enabled = true`},
		{"no advertise", replace(`advertise = "10.20.0.2"`, ``), `cfg.toml:2: server.advertise: required when dhcp.enabled = true`},
		{"no subnet", strings.Replace(replace("[[dhcp.subnet]]\ncidr = \"10.20.0.0/24\"\n", ""), "range = \"10.20.0.100-10.20.0.250\"\nrouter = \"10.20.0.1\"\n", "", 1), `dhcp.subnet: at least one [[dhcp.subnet]] is required`},
		{"bad bootstrap", replace(`interfaces`, "bootstrap = \"ftp\"\ninterfaces"), `cfg.toml:6: dhcp.bootstrap: "ftp": want "http" or "tftp"`},
		{"tftp bootstrap without tftp", strings.Replace(replace(`interfaces`, "bootstrap = \"tftp\"\ninterfaces"), "enabled = true\nlisten", "enabled = false\nlisten", 1), `dhcp.bootstrap: "tftp" needs tftp.enabled = true`},
		{"bad listen", replace(`listen = "127.0.0.1:0"`+"\n[http]", `listen = "127.0.0.1"`+"\n[http]"), `cfg.toml:13:10: tftp.listen: listen address "127.0.0.1": want HOST:PORT`},
		{"listen hostname", replace("[http]\nlisten = \"127.0.0.1:0\"", "[http]\nlisten = \"localhost:80\""), `cfg.toml:15:10: http.listen: listen address "localhost:80": host "localhost" is not an IP address`},
		{"listener clash", strings.Replace(replace("[admin]\n", "[admin]\nweb_listen = \"127.0.0.1:8080\"\n"), `listen = "127.0.0.1:0"`+"\n[admin]", `listen = ":8080"`+"\n[admin]", 1),
			`cfg.toml:17: admin.web_listen: "127.0.0.1:8080" clashes with http.listen = ":8080"`},
		{"web without password", replace("[admin]\n", "[admin]\nweb_listen = \":8081\"\n"), `cfg.toml:16: admin.web_password_file: required when admin.web_listen is set`},
		{"max_retry zero", validBase + "[bans]\nmax_retry = 0\n", `cfg.toml:19: bans.max_retry: must be at least 1, got 0`},
		{"negative ban time", validBase + "[bans]\nban_time = \"-1h\"\n", `cfg.toml:19: bans.ban_time: must be a positive duration`},
		{"negative rotation grace", validBase + "[provisioning]\nrotation_grace = \"-1h\"\n", `cfg.toml:19: provisioning.rotation_grace: must be "0s" (no grace`},
		{"rotation grace not a duration", validBase + "[provisioning]\nrotation_grace = \"a week\"\n", `cfg.toml:19`},
		{"max ban under ban", validBase + "[bans]\nban_time = \"2h\"\nmax_ban_time = \"1h\"\n", `cfg.toml:20: bans.max_ban_time: 1h0m0s is shorter than bans.ban_time 2h0m0s`},
		{"bad ignore", validBase + "[bans]\nignore = [\"10.0.0.0/33\"]\n", `cfg.toml:19:11: bans.ignore:`},
		{"bad OUI", validBase + "[[dhcp.class]]\nvendor = \"yealink\"\noui = [\"805ec\"]\n", `cfg.toml:20:8: dhcp.class[0].oui: OUI "805ec": want 6 hex digits`},
		{"managed option", validBase + "[[dhcp.class]]\nvendor = \"yealink\"\n[[dhcp.class.option]]\ncode = 51\nform = \"url\"\n", `cfg.toml:21: dhcp.class[0].option[0].code: option 51 is set by dhcp.lease_time, not by a class`},
		{"bad option form", validBase + "[[dhcp.class]]\nvendor = \"yealink\"\n[[dhcp.class.option]]\ncode = 66\nform = \"uri\"\n", `cfg.toml:22: dhcp.class[0].option[0].form: "uri": want one of url, host`},
		{"vendor-sub without sub_code", validBase + "[[dhcp.class]]\nvendor = \"yealink\"\n[[dhcp.class.option]]\ncode = 43\nform = \"vendor-sub\"\n", `cfg.toml:20: dhcp.class[0].option[0].sub_code: must be 1-254`},
		{"tls without cert", replace("[admin]", "tls_listen = \":8443\"\n[admin]"), `http.tls_cert: http.tls_cert and http.tls_key are both required`},
		{"bad base_url", replace(`advertise = "10.20.0.2"`, "advertise = \"10.20.0.2\"\nbase_url = \"ftp://x\""), `cfg.toml:4: server.base_url: "ftp://x": scheme must be http or https`},
		{"check_lease without dhcp", strings.Replace(validBase, "enabled = true\ninterfaces", "enabled = false\ninterfaces", 1) + "[provisioning]\ncheck_lease = true\n", `cfg.toml:19: provisioning.check_lease: true needs dhcp.enabled = true`},
		{"bad log level", validBase + "[log]\nlevel = \"verbose\"\n", `cfg.toml:19: log.level: "verbose": want one of debug, info, warn, error`},
		{"missing templates dir", validBase + "[provisioning]\ntemplates_dir = \"nope\"\n", `cfg.toml:19: provisioning.templates_dir: "nope" is not a readable directory`},
		{"bad tftp blksize", replace("listen = \"127.0.0.1:0\"\n[http]", "listen = \"127.0.0.1:0\"\nmax_blksize = 100\n[http]"), `cfg.toml:14: tftp.max_blksize: must be 513-65464`},
		{"tftp reserved over max", replace("listen = \"127.0.0.1:0\"\n[http]", "listen = \"127.0.0.1:0\"\nmax_transfers = 10\nreserved_for_devices = 11\n[http]"), `cfg.toml:15: tftp.reserved_for_devices: 11 exceeds tftp.max_transfers 10`},
		{"tftp negative per source", replace("listen = \"127.0.0.1:0\"\n[http]", "listen = \"127.0.0.1:0\"\nmax_per_source = -1\n[http]"), `cfg.toml:14:18: tftp.max_per_source: must be 0 (off) or more, got -1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, tc.text)
			_, _, err := loadConfig(p, noEnv)
			if err == nil {
				t.Fatalf("no error for\n%s", tc.text)
			}
			msg := strings.ReplaceAll(err.Error(), filepath.Dir(p)+string(filepath.Separator), "")
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error\n  %s\nwant it to contain\n  %s", msg, tc.want)
			}
		})
	}
}

func TestStateDirNotWritable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p := writeConfig(t, strings.Replace(validBase, `state_dir = "state"`, `state_dir = "`+file+`/sub"`, 1))
	cfg, _, err := loadConfig(p, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	// check warns; serve refuses to start, naming the key and line.
	if notes := stateDirNotes(cfg); len(notes) != 1 || !strings.Contains(notes[0], "not a directory: serve cannot create it") {
		t.Errorf("check's notes %q", notes)
	}
	if _, err := ensureStateDir(cfg); err == nil || !strings.Contains(err.Error(), "cfg.toml:1: state_dir: cannot create") {
		t.Fatalf("got %v", err)
	}
}

func TestStateDirEnvOverride(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "elsewhere")
	p := writeConfig(t, validBase)
	cfg, _, err := loadConfig(p, func(k string) string {
		if k == envStateDir {
			return dir
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.stateDirPath() != dir {
		t.Errorf("state dir %q, want %q", cfg.stateDirPath(), dir)
	}
}

// TestExampleConfigs loads every file in configs/ through the full
// validation, so the examples never rot.
func TestExampleConfigs(t *testing.T) {
	files, err := filepath.Glob("../../configs/*.toml")
	if err != nil || len(files) < 2 {
		t.Fatalf("configs: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			state := t.TempDir()
			cfg, _, err := loadConfig(f, func(k string) string {
				if k == envStateDir {
					return state
				}
				return ""
			})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.stateDirPath() != state {
				t.Errorf("state dir %q", cfg.stateDirPath())
			}
		})
	}
}

// TestExampleConfigEnabled: the shipped example keeps DHCP and TFTP off;
// switched on as its comments say, it must still validate.
func TestExampleConfigEnabled(t *testing.T) {
	state := t.TempDir()
	cfg, _, err := loadConfig(exampleEnabled(t), func(k string) string {
		if k == envStateDir {
			return state
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.DHCP.Enabled || !cfg.TFTP.Enabled || len(cfg.DHCP.Classes[0].Options) != 3 || cfg.DHCP.Reservations[0].IP.String() != "10.20.0.20" {
		t.Errorf("example not decoded as documented: %+v", cfg.DHCP)
	}
}

// TestServerSettings: the file's sections reach the DHCP, HTTP and TFTP
// servers and the core as documented.
func TestServerSettings(t *testing.T) {
	text := validBase + "[[dhcp.reservation]]\nmac = \"001565aabbcc\"\nip = \"10.20.0.20\"\nhostname = \"lobby\"\n" +
		"[[dhcp.class]]\nvendor = \"yealink\"\noui = [\"805ec0\"]\n[[dhcp.class.option]]\ncode = 66\nform = \"url\"\nvalue = \"x.cfg\"\nforce = true\n" +
		"[bans]\nscan_macs = 7\n"
	cfg, _, err := loadConfig(writeConfig(t, text), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	d := dhcpSettings(cfg)
	if len(d.Subnets) != 1 || d.Subnets[0].Range.First.String() != "10.20.0.100" || d.Subnets[0].Range.Last.String() != "10.20.0.250" ||
		len(d.Subnets[0].Router) != 1 || d.Reservations[0].Hostname != "lobby" || d.Interfaces[0] != "eth1" || !d.Authoritative {
		t.Errorf("dhcp settings: %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("a config that passed check fails the DHCP server's own validation: %v", err)
	}
	core := cfg.coreConfig(boundPorts{http: 8080, tftp: 6969})
	b := core.Boot
	if b.Proto != "http" || b.Host != "10.20.0.2" || b.HTTPPort != 8080 || b.TFTPPort != 6969 || len(b.Classes) != 1 ||
		b.Classes[0].OUIs[0] != [3]byte{0x80, 0x5e, 0xc0} || b.Classes[0].Options[0].Value != "x.cfg" || !b.Classes[0].Options[0].Force {
		t.Errorf("boot config: %+v", b)
	}
	if core.Bans.ScanMACs != 7 || core.Bans.Own[0].String() != "10.20.0.2" {
		t.Errorf("ban config: %+v", core.Bans)
	}
	off, _, err := loadConfig(writeConfig(t, strings.Replace(text, "scan_macs = 7", "scan_macs = 0", 1)), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if n := off.coreConfig(boundPorts{}).Bans.ScanMACs; !n.IsOff() {
		t.Errorf("scan_macs = 0 reaches the engine as %d; want off", n)
	}
	if h := httpdSettings(cfg); h.Addr != "127.0.0.1:0" || h.ReadTimeout != 30*time.Second {
		t.Errorf("http settings: %+v", h)
	}
	if tf := tftpSettings(cfg); tf.Addr != "127.0.0.1:0" || tf.MaxBlockSize != 1468 || tf.Retries != 5 {
		t.Errorf("tftp settings: %+v", tf)
	}
}

// Every fingerprint check is on unless the TOML turns it off.
func TestChecksDefaultOnAndSwitchable(t *testing.T) {
	cfg, _, err := loadConfig(writeConfig(t, validBase), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.coreConfig(boundPorts{}).Checks
	if !c.UserAgent || !c.UAMAC || !c.Lease || !c.Neighbour {
		t.Fatalf("default checks %+v; want all on", c)
	}
	off := validBase + "[provisioning]\ncheck_user_agent = false\ncheck_ua_mac = false\ncheck_lease = false\ncheck_neighbor = false\n"
	if cfg, _, err = loadConfig(writeConfig(t, off), noEnv); err != nil {
		t.Fatal(err)
	}
	if c := cfg.coreConfig(boundPorts{}).Checks; c.UserAgent || c.UAMAC || c.Lease || c.Neighbour {
		t.Fatalf("checks %+v; want all off as configured", c)
	}
}

// A reload cannot start or stop the DHCP server, so it cannot switch the
// lease check with dhcp.enabled either.
func TestReloadKeepsLeaseCheckWithRunningDHCP(t *testing.T) {
	load := func(text string) *fileConfig {
		cfg, _, err := loadConfig(writeConfig(t, text), noEnv)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	withDHCP := load(validBase)
	noDHCP := load(strings.Replace(validBase, "enabled = true\ninterfaces", "enabled = false\ninterfaces", 1))
	if noDHCP.DHCP.Enabled || !withDHCP.DHCP.Enabled {
		t.Fatal("test configs do not differ in dhcp.enabled")
	}
	if !liveCoreConfig(withDHCP, noDHCP, boundPorts{}).Checks.Lease {
		t.Error("turning DHCP off by reload dropped the lease check while the DHCP server still runs")
	}
	if liveCoreConfig(noDHCP, withDHCP, boundPorts{}).Checks.Lease {
		t.Error("turning DHCP on by reload turned the lease check on with no DHCP server running")
	}
	off := load(validBase + "[provisioning]\ncheck_lease = false\n")
	if liveCoreConfig(withDHCP, off, boundPorts{}).Checks.Lease {
		t.Error("check_lease = false ignored on reload")
	}
}
