package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/provisioning"
)

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return v
}

// TestCLIWalkthrough is the README walkthrough against a real daemon: an
// account, two devices, the secret URL serving the phone its config,
// restart, and everything still there.
func TestCLIWalkthrough(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	td := startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example:5060", "--timezone", "Europe/Berlin")
	mustCLI(t, cfg, "device", "add", "80:5e:c0:11:22:33", "--account", "office", "--vendor", "yealink",
		"--model", "T54W", "--line", "100:s3cret:Front Desk", "--line", `101:pa\:ss`)
	mustCLI(t, cfg, "device", "add", "0004f2aabbcc", "--account", "office", "--vendor", "poly", "--line", "102:x")

	d := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "show", "805ec0112233", "--json"))
	base := fmt.Sprintf("http://127.0.0.1:%d/", td.d.ports.http)
	if d.MAC != "80:5e:c0:11:22:33" || d.Account != "office" || d.Vendor != "yealink" || d.Model != "T54W" ||
		d.State != "open" || d.OpenUntil == nil || len(d.Lines) != 2 || d.Lines[1].Extension != "101" {
		t.Fatalf("device show: %+v", d)
	}
	if !strings.HasPrefix(d.SecretURL, base) || !strings.HasSuffix(d.SecretURL, d.TFTPPath) ||
		len(d.TFTPPath) != 2*provisioning.HashLen+3 {
		t.Fatalf("secret URL %q, TFTP path %q, base %q", d.SecretURL, d.TFTPPath, base)
	}

	// The phone fetches its full config at the secret URL; that locks it.
	body := fetch(t, d.SecretURL+"805ec0112233.cfg", "Yealink SIP-T54W 96.86.0.100 80:5e:c0:11:22:33")
	if !strings.Contains(body, "s3cret") || !strings.Contains(body, "pbx.example") {
		t.Errorf("full config lacks the line's password or SIP server:\n%s", body)
	}
	if d := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "show", "805ec0112233", "--json")); d.State != "locked" || d.OpenUntil != nil {
		t.Errorf("after the full config: state %q open_until %v, want locked", d.State, d.OpenUntil)
	}

	td.stop(t)
	failCLI(t, cfg, 1, "provbox daemon not running (no socket at "+filepath.Join(filepath.Dir(cfg), "admin.sock")+"): start it with systemctl start provbox", "device", "list")

	startDaemon(t, cfg)
	ds := decodeJSON[[]admin.DeviceInfo](t, mustCLI(t, cfg, "device", "list", "--json"))
	if len(ds) != 2 || ds[1].TFTPPath != d.TFTPPath || ds[1].State != "locked" || ds[0].Vendor != "poly" {
		t.Fatalf("after restart: %+v", ds)
	}
	if out := mustCLI(t, cfg, "device", "list"); !strings.Contains(out, "80:5e:c0:11:22:33  office   yealink  T54W   100,101  locked") {
		t.Errorf("device list table:\n%s", out)
	}
}

func fetch(t *testing.T, url, ua string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", ua)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

// TestCLIRefusesBadInput: every bad input is named, exits 1 and changes
// nothing.
func TestCLIRefusesBadInput(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
	mustCLI(t, cfg, "device", "add", "80:5e:c0:11:22:33", "--account", "office", "--vendor", "yealink", "--line", "100:pw")
	add := func(mac string, extra ...string) []string {
		return append([]string{"device", "add", mac, "--account", "office", "--vendor", "yealink"}, extra...)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"duplicate MAC", add("805ec0112233"), "device 80:5e:c0:11:22:33: already exists"},
		{"unknown account", []string{"device", "add", "805ec0112234", "--account", "nope", "--vendor", "yealink"}, `account "nope": not found`},
		{"unknown vendor", []string{"device", "add", "805ec0112234", "--account", "office", "--vendor", "nokia"}, `unknown vendor "nokia"`},
		{"malformed MAC", add("80:5e:c0:11:22"), `malformed MAC "80:5e:c0:11:22"`},
		{"multicast MAC", add("01:00:5e:00:00:01"), `malformed MAC "01:00:5e:00:00:01": a multicast`},
		{"empty password", add("805ec0112234", "--line", "100:"), `--line "100:": the password of extension 100 is empty`},
		{"no password", add("805ec0112234", "--line", "100"), `--line "100": want EXT:PASSWORD[:DISPLAY NAME]`},
		{"control character", add("805ec0112234", "--line", "100:a\x01b"), "password: contains a control character (U+0001)"},
		{"bad reservation", add("805ec0112234", "--ip", "10.0.0"), `ip "10.0.0" is not an IPv4 address`},
		{"duplicate account", []string{"account", "add", "office", "--sip-server", "pbx"}, `account "office": already exists`},
		{"bad transport", []string{"account", "add", "b", "--sip-transport", "sctp"}, `SIP transport "sctp": want udp, tcp or tls`},
		{"bad account name", []string{"account", "add", "a b"}, `account name "a b"`},
		{"unknown device", []string{"device", "lock", "805ec0999999"}, "device 80:5e:c0:99:99:99: not found"},
		{"unknown account show", []string{"account", "show", "nope"}, `account "nope": not found`},
		{"bad events MAC", []string{"events", "--mac", "xyz"}, `malformed MAC "xyz"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { failCLI(t, cfg, 1, tc.want, tc.args...) })
	}
	ds := decodeJSON[[]admin.DeviceInfo](t, mustCLI(t, cfg, "device", "list", "--json"))
	as := decodeJSON[[]admin.Account](t, mustCLI(t, cfg, "account", "list", "--json"))
	if len(ds) != 1 || len(ds[0].Lines) != 1 || len(as) != 1 || as[0].Devices != 1 {
		t.Errorf("bad input changed something: devices %+v accounts %+v", ds, as)
	}
}

func TestCLIUsageErrors(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no command given"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"device"}, "usage: provbox device add|adopt|import|list|lock|pending|preview|rekey|replace|rm|set|show|unlock"},
		{[]string{"device", "add", "805ec0112233"}, "usage: provbox device add MAC --account NAME --vendor VENDOR"},
		{[]string{"device", "show"}, "usage: provbox device show MAC"},
		{[]string{"device", "unlock", "805ec0112233", "--for", "soon"}, `invalid value "soon" for flag -for`},
		{[]string{"account", "add", "x", "--bogus"}, "flag provided but not defined: -bogus"},
	}
	for _, tc := range cases {
		failCLI(t, cfg, exitUsage, tc.want, tc.args...)
	}
	r := runCLI(t, cfg, "help")
	if r.code != 0 || !strings.Contains(r.stdout, "Exit status:") || !strings.Contains(r.stdout, "device import FILE.csv") {
		t.Errorf("help: %+v", r)
	}
}

// TestCLIDeviceLifecycle drives lock, unlock --for, rekey and rm, and the
// audit trail they leave.
func TestCLIDeviceLifecycle(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
	first := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "add", "805ec0112233", "--account", "office", "--vendor", "yealink", "--json"))

	locked := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "lock", "805ec0112233", "--json"))
	if locked.State != "locked" || locked.OpenUntil != nil || locked.LockedAt == nil {
		t.Errorf("lock: %+v", locked)
	}
	before := time.Now()
	open := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "unlock", "805ec0112233", "--for", "2h", "--json"))
	if open.State != "open" || open.OpenUntil == nil || open.OpenUntil.Before(before.Add(2*time.Hour)) || open.OpenUntil.After(time.Now().Add(2*time.Hour)) {
		t.Errorf("unlock --for 2h: %+v", open)
	}
	rekeyed := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "rekey", "805ec0112233", "--json"))
	if rekeyed.TFTPPath == first.TFTPPath || rekeyed.TFTPPath[:provisioning.HashLen+1] != first.TFTPPath[:provisioning.HashLen+1] {
		t.Errorf("rekey: path %q -> %q, want a new device hash under the same account hash", first.TFTPPath, rekeyed.TFTPPath)
	}
	acct := decodeJSON[admin.Account](t, mustCLI(t, cfg, "account", "rekey", "office", "--json"))
	if acct.Name != "office" || acct.Devices != 1 {
		t.Errorf("account rekey: %+v", acct)
	}
	if now := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "show", "805ec0112233", "--json")); now.TFTPPath[:provisioning.HashLen+1] == rekeyed.TFTPPath[:provisioning.HashLen+1] {
		t.Errorf("account rekey kept the account hash in %q", now.TFTPPath)
	}
	es := decodeJSON[[]provisioning.Event](t, mustCLI(t, cfg, "events", "--mac", "805ec0112233", "--since", "1h", "--json"))
	var outcomes []string
	for _, e := range es {
		outcomes = append(outcomes, e.Outcome)
	}
	if strings.Join(outcomes, ",") != "rekeyed,rekeyed,unlocked,locked,device-added" {
		t.Errorf("events: %v, want rekeyed,rekeyed,unlocked,locked,device-added (newest first)", outcomes)
	}
	if out := mustCLI(t, cfg, "device", "rm", "805ec0112233"); out != "removed 805ec0112233\n" {
		t.Errorf("rm: %q", out)
	}
	failCLI(t, cfg, 1, "not found", "device", "show", "805ec0112233")
	if out := mustCLI(t, cfg, "lease", "list"); !strings.HasPrefix(out, "IP") {
		t.Errorf("lease list: %q", out)
	}
}

func TestCLIImport(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
	mustCLI(t, cfg, "device", "add", "00:15:65:00:00:09", "--account", "office", "--vendor", "yealink")
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const header = "mac,account,vendor,model,extension,password,display_name\n"
	bad := []struct{ name, text, want string }{
		{"vendor.csv", header + "00:15:65:00:00:01,office,yealink,T46G,200,pw,A\n00:15:65:00:00:02,office,nokia,,201,pw,\n", "vendor.csv:3: device 00:15:65:00:00:02: invalid: unknown vendor \"nokia\""},
		{"mac.csv", header + "00:15:65:00:00:01,office,yealink,,200,pw,\n\n# a comment\n0015650000zz,office,yealink,,,,\n", `mac.csv:5: malformed MAC "0015650000zz"`},
		{"exists.csv", header + "00:15:65:00:00:01,office,yealink,,200,pw,\n00:15:65:00:00:09,office,yealink,,,,\n", "exists.csv:3: device 00:15:65:00:00:09: already exists; nothing was imported"},
		{"account.csv", header + "00:15:65:00:00:01,nope,yealink,,200,pw,\n", `account.csv:2: device 00:15:65:00:00:01: account "nope": not found`},
		{"password.csv", header + "00:15:65:00:00:01,office,yealink,,200,,\n", "password.csv:2: device 00:15:65:00:00:01: line 200: the password is empty"},
		{"column.csv", "mac,account,vendor,secret\n", `column.csv:1: unknown column "secret"`},
		{"missing.csv", "mac,vendor\n", `missing.csv:1: missing column "account"`},
		{"fields.csv", header + "00:15:65:00:00:01,office\n", "fields.csv:2:1: wrong number of fields"},
		{"conflict.csv", header + "00:15:65:00:00:01,office,yealink,,200,pw,\n00:15:65:00:00:01,other,,,201,pw,\n", `conflict.csv:3: device 00:15:65:00:00:01: account "other" differs from line 2's "office"`},
	}
	for _, tc := range bad {
		failCLI(t, cfg, 1, tc.want, "device", "import", write(tc.name, tc.text))
	}
	if ds := decodeJSON[[]admin.DeviceInfo](t, mustCLI(t, cfg, "device", "list", "--json")); len(ds) != 1 {
		t.Fatalf("a failed import left devices behind: %+v", ds)
	}
	good := write("good.csv", header+"00:15:65:00:00:01,office,yealink,T46G,200,pw200,Alice\n"+
		"00:15:65:00:00:01,,,,201,pw201,Alice 2\n001565000002,office,yealink,,202,pw202,\n")
	out := decodeJSON[[]admin.DeviceInfo](t, mustCLI(t, cfg, "device", "import", good, "--json"))
	if len(out) != 2 || len(out[0].Lines) != 2 || out[0].Lines[1].DisplayName != "Alice 2" || out[1].MAC != "00:15:65:00:00:02" || out[0].SecretURL == "" {
		t.Errorf("import: %+v", out)
	}
	// Excel's "CSV UTF-8" in a European locale: byte-order mark, ';', CRLF.
	excel := write("excel.csv", "\ufeffMAC;Account;Vendor;Extension;Password;Display_Name\r\n"+
		"00:15:65:00:00:03;office;yealink;203;pw;Müller, Jörg\r\n")
	if got := mustCLI(t, cfg, "device", "import", excel); !strings.Contains(got, "imported 1 device\n") {
		t.Errorf("excel import: %q", got)
	}
	d := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "show", "001565000003", "--json"))
	if len(d.Lines) != 1 || d.Lines[0].DisplayName != "Müller, Jörg" {
		t.Errorf("excel import: %+v", d)
	}
	ex := mustCLI(t, cfg, "device", "import", "../../configs/devices.example.csv")
	if !strings.Contains(ex, "imported 2 devices") {
		t.Errorf("configs/devices.example.csv: %q", ex)
	}
}

func TestParseLineSpec(t *testing.T) {
	cases := []struct {
		in   string
		want admin.LineInput
		err  string
	}{
		{"100:pw", admin.LineInput{Extension: "100", Password: "pw"}, ""},
		{"100:pw:Front Desk", admin.LineInput{Extension: "100", Password: "pw", DisplayName: "Front Desk"}, ""},
		{"100:pw:Desk: left", admin.LineInput{Extension: "100", Password: "pw", DisplayName: "Desk: left"}, ""},
		{`100:p\:w\\:Name`, admin.LineInput{Extension: "100", Password: `p:w\`, DisplayName: "Name"}, ""},
		{"100", admin.LineInput{}, "want EXT:PASSWORD"},
		{":pw", admin.LineInput{}, "the extension is empty"},
		{"100::Name", admin.LineInput{}, "the password of extension 100 is empty"},
	}
	for _, tc := range cases {
		got, err := parseLineSpec(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %+v %v, want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestCLIBans(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	b := decodeJSON[provisioning.Ban](t, mustCLI(t, cfg, "ban", "add", "10.9.9.9", "--for", "1h", "--reason", "test", "--json"))
	if b.Prefix.String() != "10.9.9.9/32" || b.Until.Sub(b.Since) != time.Hour {
		t.Errorf("ban add: %+v", b)
	}
	if out := mustCLI(t, cfg, "ban", "list"); !strings.Contains(out, "10.9.9.9/32") {
		t.Errorf("ban list:\n%s", out)
	}
	if st := decodeJSON[admin.Status](t, mustCLI(t, cfg, "status", "--json")); st.Bans != 1 {
		t.Errorf("status: %+v", st)
	}
	mustCLI(t, cfg, "ban", "rm", "10.9.9.9")
	failCLI(t, cfg, 1, "not found", "ban", "rm", "10.9.9.9")
	failCLI(t, cfg, 1, "never banned", "ban", "add", "127.0.0.1")
	failCLI(t, cfg, 1, `"10.9.9" is not an IP address`, "ban", "add", "10.9.9")
	if bs := decodeJSON[[]provisioning.Ban](t, mustCLI(t, cfg, "ban", "list", "--json")); len(bs) != 0 {
		t.Errorf("bans left: %+v", bs)
	}
}
