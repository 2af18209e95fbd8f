package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// editForm is the device edit form as the page sends it: every row
// (ext, auth, password, name, label).
func editForm(account, model, ip string, rows ...[5]string) url.Values {
	f := url.Values{"account": {account}, "model": {model}, "ip": {ip}}
	for _, r := range rows {
		for i, k := range []string{"ext", "auth", "password", "name", "label"} {
			f[k] = append(f[k], r[i])
		}
	}
	return f
}

// lastEvent is the newest audit line with outcome.
func (e *env) lastEvent(t *testing.T, outcome string) provisioning.Event {
	t.Helper()
	es, err := ops.New(e.svc).Events(t.Context(), ops.EventQuery{Limit: "1", EventSearch: ops.EventSearch{Outcome: outcome}})
	if err != nil || len(es) != 1 {
		t.Fatalf("no %s event: %v %v", outcome, es, err)
	}
	return es[0]
}

// TestEditDevice: the edit form shows the device without passwords; a
// blank password keeps the line's, a typed one replaces it; the audit
// line names what changed and who; errors keep the form; no token, no
// change.
func TestEditDevice(t *testing.T) {
	e := newEnv(t)
	e.addOffice(t)
	m := mustMAC(t, "805ec0112233")
	if _, err := e.svc.AddDevice(t.Context(), provisioning.Device{MAC: m, Account: "office", Vendor: "yealink", Model: "T54W",
		Lines: []provisioning.Line{{Extension: "100", Password: "pw-one-secret", DisplayName: "Desk"},
			{Extension: "101", Password: "pw-two-secret", Label: "Fax"}}}); err != nil {
		t.Fatal(err)
	}
	e.never = []string{"pw-one-secret", "pw-two-secret", "pw-new-secret"}
	r := e.get(t, "/devices/80:5e:c0:11:22:33/edit")
	for _, want := range []string{`name="ext" value="100"`, `name="name" value="Desk"`, `name="label" value="Fax"`,
		`name="password" type="password" value=""`, `<option selected>office</option>`, `name="model" value="T54W"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("edit form lacks %s:\n%s", want, r.body)
		}
	}
	if n := strings.Count(r.body, `name="ext"`); n != 4 {
		t.Errorf("edit form has %d line rows, want the 2 lines and 2 blank", n)
	}

	// Without the form token nothing changes.
	bad := e.request(t, e.client, http.MethodPost, "/devices/805ec0112233/edit",
		editForm("office", "T46U", "", [5]string{"100", "", "", "Hacked", ""}), admin, "Origin", e.base)
	wantCode(t, "edit without token", bad, http.StatusForbidden)

	r = e.post(t, "/devices/805ec0112233/edit", editForm("office", "T54W", "10.20.0.50",
		[5]string{"100", "", "", "Front desk", ""}, [5]string{"101", "", "pw-new-secret", "", "Fax"}, [5]string{}, [5]string{}))
	wantCode(t, "edit", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/devices/80:5e:c0:11:22:33?done=edited&mac=80%3A5e%3Ac0%3A11%3A22%3A33" {
		t.Errorf("after the edit: Location %q", loc)
	}
	d, _ := e.svc.Device(m)
	if len(d.Lines) != 2 || d.Lines[0].Password != "pw-one-secret" || d.Lines[0].DisplayName != "Front desk" ||
		d.Lines[1].Password != "pw-new-secret" || d.Lines[1].Label != "Fax" || d.IP.String() != "10.20.0.50" || d.Model != "T54W" {
		t.Fatalf("core device after the edit: %+v", d)
	}
	ev := e.lastEvent(t, "device-changed")
	if ev.MAC != m || ev.Reason != "changed ip, line passwords, lines" || ev.Actor != "web:admin@127.0.0.1" {
		t.Errorf("audit line: %+v", ev)
	}
	if r := e.get(t, "/devices/80:5e:c0:11:22:33?done=edited&mac=805ec0112233"); !strings.Contains(r.body, "Device 80:5e:c0:11:22:33 saved.") {
		t.Errorf("device page after the edit:\n%s", r.body)
	}

	// A new extension with no password: the core's error, the form kept.
	r = e.post(t, "/devices/805ec0112233/edit", editForm("office", "T54W", "", [5]string{"102", "", "", "Moved", ""}))
	if r.code != http.StatusBadRequest || !strings.Contains(r.body, "line 1 (102): password is empty") ||
		!strings.Contains(r.body, `name="name" value="Moved"`) || !strings.Contains(r.body, "<h1>Edit 80:5e:c0:11:22:33</h1>") {
		t.Errorf("edit error: %d\n%s", r.code, r.body)
	}
	if d2, _ := e.svc.Device(m); d2.Lines[0].Extension != "100" {
		t.Errorf("a refused edit changed the device: %+v", d2)
	}
	r = e.post(t, "/devices/805ec0112233/edit", editForm("nope", "T54W", "", [5]string{"100", "", "", "", ""}))
	if r.code != http.StatusNotFound || !strings.Contains(r.body, `account &#34;nope&#34;: not found`) {
		t.Errorf("unknown account: %d\n%s", r.code, r.body)
	}
}

// TestReplaceDevice: a new MAC takes the device's lines with their
// passwords; the old MAC is gone; a bad MAC is shown on the form.
func TestReplaceDevice(t *testing.T) {
	e := newEnv(t)
	m := addDevice(t, e)
	if r := e.get(t, "/devices/805ec0112233/replace"); !strings.Contains(r.body, `name="new_mac"`) {
		t.Fatalf("replace form:\n%s", r.body)
	}
	r := e.post(t, "/devices/805ec0112233/replace", url.Values{"new_mac": {"80:5e:c0:11:22"}})
	if r.code != http.StatusBadRequest || !strings.Contains(r.body, `malformed MAC &#34;80:5e:c0:11:22&#34;`) ||
		!strings.Contains(r.body, `value="80:5e:c0:11:22"`) {
		t.Errorf("bad MAC: %d\n%s", r.code, r.body)
	}
	r = e.post(t, "/devices/805ec0112233/replace", url.Values{"new_mac": {"80-5E-C0-11-22-44"}})
	wantCode(t, "replace", r, http.StatusSeeOther)
	if _, err := e.svc.Device(m); err == nil {
		t.Error("the replaced MAC is still a device")
	}
	n, err := e.svc.Device(mustMAC(t, "805ec0112244"))
	if err != nil || len(n.Lines) != 1 || n.Lines[0].Password != "pw-never-shown" || !n.Open(e.clock.Now()) {
		t.Fatalf("the new device: %+v %v", n, err)
	}
	if ev := e.lastEvent(t, "device-replaced"); ev.Reason != "replaces 80:5e:c0:11:22:33" || ev.Actor != "web:admin@127.0.0.1" {
		t.Errorf("audit: %+v", ev)
	}
}

// TestEditAccount: a refused setting is shown next to its field with the
// rest of the form kept; a saved edit is audited with what changed.
func TestEditAccount(t *testing.T) {
	e := newEnv(t)
	e.addOffice(t)
	r := e.get(t, "/accounts/office")
	for _, want := range []string{`name="sip_server" value="pbx.example"`, `name="sip_port" value="5060"`, `<option selected>udp</option>`,
		`name="timezone" value="Europe/Berlin"`, `href="/accounts/office/rekey"`, `href="/accounts/office/remove"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("account page lacks %s:\n%s", want, r.body)
		}
	}
	form := func(change ...string) url.Values {
		f := url.Values{"sip_server": {"pbx.example"}, "sip_port": {"5060"}, "sip_transport": {"udp"}, "ntp_server": {""},
			"timezone": {"Europe/Berlin"}, "language": {"en"}}
		for i := 0; i+1 < len(change); i += 2 {
			f.Set(change[i], change[i+1])
		}
		return f
	}
	for _, tc := range []struct {
		field, value, want string
	}{
		{"timezone", "Mars/Olympus", `unknown time zone &#34;Mars/Olympus&#34;`},
		{"sip_port", "70000", `SIP port &#34;70000&#34;: want a number`},
		{"sip_transport", "sctp", `SIP transport &#34;sctp&#34;: want udp, tcp or tls`},
		{"sip_server", "", "SIP server missing"},
		{"ntp_server", "ntp\x01", "NTP server"},
	} {
		r := e.post(t, "/accounts/office", form(tc.field, tc.value, "language", "de"))
		marked := `<span class="field-error" id="err-` + tc.field + `" role="alert">`
		if r.code != http.StatusBadRequest || !strings.Contains(r.body, marked) || !strings.Contains(r.body, tc.want) ||
			!strings.Contains(r.body, `name="language" value="de"`) {
			t.Errorf("%s=%q: %d, want %s%s… and the form kept:\n%s", tc.field, tc.value, r.code, marked, tc.want, r.body)
		}
	}
	if a, _ := e.svc.Account("office"); a.Language != "" || a.TimeZone != "Europe/Berlin" {
		t.Fatalf("a refused edit changed the account: %+v", a)
	}
	r = e.post(t, "/accounts/office", form("ntp_server", "ntp.example", "timezone", "America/New_York"))
	wantCode(t, "account edit", r, http.StatusSeeOther)
	if a, _ := e.svc.Account("office"); a.NTPServer != "ntp.example" || a.TimeZone != "America/New_York" || a.Language != "en" {
		t.Fatalf("account after the edit: %+v", a)
	}
	if ev := e.lastEvent(t, "account-changed"); ev.Reason != "account office: changed language, ntp_server, timezone" || ev.Actor != "web:admin@127.0.0.1" {
		t.Errorf("audit: %+v", ev)
	}
	if r := e.get(t, "/accounts/office?done=account-edited&name=office"); !strings.Contains(r.body, "Account office saved.") {
		t.Errorf("flash:\n%s", r.body)
	}
	wantCode(t, "unknown account", e.get(t, "/accounts/nope"), http.StatusNotFound)
}

// TestAccountRekeyAndRemove: rekey from the account page changes the
// hash; remove is refused while devices use the account, with the
// reason on the page, and works once it has none.
func TestAccountRekeyAndRemove(t *testing.T) {
	e := newEnv(t)
	m := addDevice(t, e)
	before, _ := e.svc.Account("office")
	if r := e.get(t, "/accounts/office/rekey"); !strings.Contains(r.body, `action="/accounts/office/rekey"`) || !strings.Contains(r.body, `name="no_grace"`) {
		t.Fatalf("rekey confirmation:\n%s", r.body)
	}
	wantCode(t, "account rekey", e.post(t, "/accounts/office/rekey", url.Values{}), http.StatusSeeOther)
	if after, _ := e.svc.Account("office"); after.Hash == before.Hash {
		t.Error("the account's hash did not change")
	}
	if ev := e.lastEvent(t, "account-rekeyed"); ev.Actor != "web:admin@127.0.0.1" {
		t.Errorf("audit: %+v", ev)
	}
	if r := e.get(t, "/accounts/office/remove"); !strings.Contains(r.body, "still has 1 devices") {
		t.Errorf("remove confirmation does not warn:\n%s", r.body)
	}
	r := e.post(t, "/accounts/office/remove", url.Values{})
	if r.code != http.StatusBadRequest || !strings.Contains(r.body, `Not removed: `) ||
		!strings.Contains(r.body, `account &#34;office&#34; is used by 1 device(s) (first 80:5e:c0:11:22:33): remove or move them</p>`) ||
		strings.Contains(r.body, "or force") {
		t.Errorf("removing a used account: %d\n%s", r.code, r.body)
	}
	if _, err := e.svc.Account("office"); err != nil {
		t.Fatal("the account was removed with a device")
	}
	if err := e.svc.RemoveDevice(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	r = e.post(t, "/accounts/office/remove", url.Values{})
	wantCode(t, "removing an empty account", r, http.StatusSeeOther)
	if _, err := e.svc.Account("office"); err == nil {
		t.Error("the account is still there")
	}
	if ev := e.lastEvent(t, "account-removed"); ev.Actor != "web:admin@127.0.0.1" {
		t.Errorf("audit: %+v", ev)
	}
}

// TestDevicePreview: the device page shows what the phone would get,
// passwords masked, and showing it locks nothing.
func TestDevicePreview(t *testing.T) {
	e := newEnv(t)
	m := addDevice(t, e)
	r := e.get(t, "/devices/805ec0112233")
	if !strings.Contains(r.body, `<pre class="preview" id="preview">`) || !strings.Contains(r.body, provisioning.Masked) ||
		!strings.Contains(r.body, "805ec0112233.cfg") || !strings.Contains(r.body, "pbx.example") {
		t.Fatalf("device page lacks the preview:\n%s", r.body)
	}
	if d, _ := e.svc.Device(m); !d.Open(e.clock.Now()) {
		t.Error("the preview locked the device")
	}
}
