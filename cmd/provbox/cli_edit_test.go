package main

import (
	"fmt"
	"net/http"
	"os"
	"os/user"
	"strings"
	"testing"

	"github.com/provbox/provbox/httpd/admin"
)

// TestCLIAdoptEditAudit drives the new verbs against a real daemon: an
// unknown phone asks and is refused, shows in `device pending`, is
// adopted and then gets its redirect; account and device edits, replace,
// preview, account removal; `events` finds the refusal by MAC, shows
// each change under this process's unix user, and exports CSV.
func TestCLIAdoptEditAudit(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	td := startDaemon(t, cfg)
	failCLI(t, cfg, 1, "SIP server missing", "account", "add", "office")
	failCLI(t, cfg, 1, `unknown time zone "Europe/Atlantis"`, "account", "add", "office", "--sip-server", "pbx", "--timezone", "Europe/Atlantis")
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example:5060", "--timezone", "Europe/Berlin")

	ua := "Yealink SIP-T54W 96.86.0.100 80:5e:c0:aa:bb:cc"
	url := fmt.Sprintf("http://127.0.0.1:%d/805ec0aabbcc.cfg", td.d.ports.http)
	if code, _ := get(t, url, ua); code != http.StatusNotFound {
		t.Fatalf("unknown phone: %d, want 404", code)
	}
	ps := decodeJSON[[]admin.PendingInfo](t, mustCLI(t, cfg, "device", "pending", "--json"))
	if len(ps) != 1 || ps[0].MAC != "80:5e:c0:aa:bb:cc" || ps[0].Vendor != "yealink" || ps[0].Model != "T54W" {
		t.Fatalf("pending: %+v", ps)
	}
	if out := mustCLI(t, cfg, "device", "pending"); !strings.Contains(out, "80:5e:c0:aa:bb:cc") || !strings.Contains(out, "T54W") {
		t.Errorf("pending table:\n%s", out)
	}
	failCLI(t, cfg, 2, "--account is required", "device", "adopt", "805ec0aabbcc")
	mustCLI(t, cfg, "device", "adopt", "805ec0aabbcc", "--account", "office", "--line", "300:pw-300:Desk")
	if code, _ := get(t, url, ua); code != http.StatusOK {
		t.Fatalf("adopted phone retrying: %d, want its redirect", code)
	}
	if out := mustCLI(t, cfg, "device", "pending"); strings.Contains(out, "80:5e:c0:aa:bb:cc") {
		t.Errorf("still pending after adoption:\n%s", out)
	}

	d := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "set", "805ec0aabbcc", "--model", "T54W-2", "--line", "300", "--line", "301:pw-301", "--json"))
	if d.Model != "T54W-2" || len(d.Lines) != 2 || d.Lines[1].Extension != "301" {
		t.Fatalf("device set: %+v", d)
	}
	failCLI(t, cfg, 2, "nothing to change", "device", "set", "805ec0aabbcc")
	failCLI(t, cfg, 1, "unknown time zone", "account", "set", "office", "--timezone", "Nowhere/Land")
	a := decodeJSON[admin.Account](t, mustCLI(t, cfg, "account", "set", "office", "--ntp", "ntp.example", "--json"))
	if a.NTPServer != "ntp.example" || a.TimeZone != "Europe/Berlin" {
		t.Errorf("account set: %+v", a)
	}
	prev := mustCLI(t, cfg, "device", "preview", "805ec0aabbcc")
	if !strings.Contains(prev, "********") || strings.Contains(prev, "pw-30") || !strings.Contains(prev, "ntp.example") {
		t.Errorf("preview:\n%s", prev)
	}
	nd := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "replace", "805ec0aabbcc", "80:5e:c0:aa:bb:dd", "--json"))
	if nd.MAC != "80:5e:c0:aa:bb:dd" || len(nd.Lines) != 2 || nd.State != "open" || nd.SecretURL == d.SecretURL {
		t.Errorf("replace: %+v", nd)
	}
	failCLI(t, cfg, 1, "used by 1 device", "account", "rm", "office")
	if out := mustCLI(t, cfg, "account", "rm", "--force", "office"); !strings.Contains(out, "removed office (1 device)") {
		t.Errorf("account rm --force: %q", out)
	}

	es := decodeJSON[[]admin.Event](t, mustCLI(t, cfg, "events", "--mac", "80:5e:c0:aa:bb:cc", "--outcome", "refused", "--json"))
	if len(es) != 1 || es[0].Reason != "unknown-mac 80:5e:c0:aa:bb:cc" {
		t.Errorf("the unknown phone's refusal by MAC: %+v", es)
	}
	u, _ := user.Current()
	actor := fmt.Sprintf("cli:%s (pid %d)", u.Username, os.Getpid())
	table := mustCLI(t, cfg, "events", "--outcome", "adopted")
	if !strings.Contains(table, "ACTOR") || !strings.Contains(table, actor) {
		t.Errorf("events table of the adoption lacks its actor %q:\n%s", actor, table)
	}
	if mine := decodeJSON[[]admin.Event](t, mustCLI(t, cfg, "events", "--actor", "cli:"+u.Username, "--json")); len(mine) == 0 {
		t.Error("events --actor cli:USER found none of this test's changes")
	}
	if none := decodeJSON[[]admin.Event](t, mustCLI(t, cfg, "events", "--actor", "web:", "--json")); len(none) != 0 {
		t.Errorf("events --actor web: found changes no web user made: %+v", none)
	}
	csv := mustCLI(t, cfg, "events", "--csv", "--reason", "account ")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if lines[0] != "id,time,proto,ip,mac,outcome,reason,actor,file,ua,count,last" || len(lines) < 4 {
		t.Fatalf("events --csv:\n%s", csv)
	}
	for _, o := range []string{"account-added", "account-changed", "account-removed"} {
		if !strings.Contains(csv, ","+o+",") {
			t.Errorf("CSV lacks %s:\n%s", o, csv)
		}
	}
	failCLI(t, cfg, 2, "--until", "events", "--until", "yesterday")

	// Identical requests close together fold into a line that counts
	// them (two lines if the writer's tick falls between them).
	probe := fmt.Sprintf("http://127.0.0.1:%d/favicon.ico", td.d.ports.http)
	for range 3 {
		if code, _ := get(t, probe, "probe/1.0"); code != http.StatusNotFound {
			t.Fatalf("probe: %d, want 404", code)
		}
	}
	rep := decodeJSON[[]admin.Event](t, mustCLI(t, cfg, "events", "--reason", "unknown-file", "--json"))
	total := 0
	for _, e := range rep {
		total += max(e.Count, 1)
		if e.Count > 1 && e.Last.Before(e.Time) {
			t.Errorf("line %+v ends before it starts", e)
		}
	}
	if total != 3 || len(rep) > 2 {
		t.Errorf("3 identical probes: %+v, want lines counting 3 in all", rep)
	}
	if table := mustCLI(t, cfg, "events", "--reason", "unknown-file"); !strings.Contains(table, "TIMES") {
		t.Errorf("events table of the probes lacks their count:\n%s", table)
	}
}
