package web_test

import (
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestAddAccountAndDevice is an admin's first visit: an account and a
// device through the forms, the device listed as open, its secret URL
// on its page, its passwords nowhere.
func TestAddAccountAndDevice(t *testing.T) {
	e := newEnv(t)
	e.never = []string{"pw-front-desk", "pw-back-office"}
	e.addOffice(t)
	r := e.get(t, "/accounts?done=account&name=office")
	for _, want := range []string{"Account office added.", `<td><a href="/accounts/office">office</a></td>`, "pbx.example:5060", "Europe/Berlin"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("accounts page lacks %q:\n%s", want, r.body)
		}
	}

	r = e.get(t, "/devices/new")
	for _, want := range []string{`<option>office</option>`, `<option value="yealink"`, `name="password" type="password"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("add-device form lacks %q:\n%s", want, r.body)
		}
	}
	r = e.post(t, "/devices", deviceForm("80-5E-C0-11-22-33",
		[3]string{"100", "pw-front-desk", "Front Desk"}, [3]string{"101", "pw-back-office", ""}))
	wantCode(t, "POST /devices", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/devices/80:5e:c0:11:22:33?done=added") {
		t.Errorf("after adding: Location %q", loc)
	}

	d, err := e.svc.Device(mustMAC(t, "805ec0112233"))
	if err != nil {
		t.Fatalf("the core does not have the device: %v", err)
	}
	if d.Account != "office" || d.Vendor != "yealink" || d.Model != "T54W" || len(d.Lines) != 2 ||
		d.Lines[0].Password != "pw-front-desk" || d.Lines[0].DisplayName != "Front Desk" || d.Lines[1].Extension != "101" {
		t.Fatalf("core device: %+v", d)
	}
	r = e.get(t, "/devices")
	if !strings.Contains(r.body, `<a href="/devices/80:5e:c0:11:22:33">80:5e:c0:11:22:33</a>`) ||
		!strings.Contains(r.body, `<span class="state open">open</span> <span class="muted why">open until <time datetime=`) ||
		!strings.Contains(r.body, "(24h00m left)") || !strings.Contains(r.body, `action="/devices/80:5e:c0:11:22:33/lock"`) {
		t.Errorf("devices table does not list the device as open for 24h:\n%s", r.body)
	}
	view := e.svc.View(d)
	if strings.Contains(r.body, view.TFTPPath) {
		t.Errorf("the devices table shows the secret path")
	}
	r = e.get(t, "/devices/80:5e:c0:11:22:33?done=added&mac=805ec0112233")
	for _, want := range []string{view.SecretURL, view.TFTPPath, `<td data-label="Display name">Front Desk</td>`, `<td data-label="Extension">101</td>`, "Device 80:5e:c0:11:22:33 added"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("device page lacks %q:\n%s", want, r.body)
		}
	}
	if !strings.HasPrefix(view.SecretURL, "http://10.20.0.2/") || len(view.TFTPPath) < 40 {
		t.Fatalf("secret URL %q", view.SecretURL)
	}
	for _, p := range []string{"/leases", "/bans", "/events", "/events?mac=805ec0112233"} {
		wantCode(t, "GET "+p, e.get(t, p), http.StatusOK)
	}
}

// TestMalformedMAC: the core's error is shown beside the form, every
// value but the password is kept, and nothing changes.
func TestMalformedMAC(t *testing.T) {
	e := newEnv(t)
	e.never = []string{"pw-kept-secret"}
	e.addOffice(t)
	r := e.post(t, "/devices", deviceForm("80:5e:c0:11:22:zz", [3]string{"100", "pw-kept-secret", "Front Desk"}))
	wantCode(t, "POST /devices with a bad MAC", r, http.StatusBadRequest)
	want := `<p class="error" role="alert">malformed MAC &#34;80:5e:c0:11:22:zz&#34;: want 12 hex digits`
	if !strings.Contains(r.body, want) {
		t.Errorf("the form does not show the MAC error %q:\n%s", want, r.body)
	}
	for _, kept := range []string{`name="mac" value="80:5e:c0:11:22:zz"`, `<option selected>office</option>`,
		`<option value="yealink" selected>`, `name="model" value="T54W"`, `name="ext" value="100"`, `name="name" value="Front Desk"`,
		`name="password" type="password" value=""`} {
		if !strings.Contains(r.body, kept) {
			t.Errorf("the form lost %q:\n%s", kept, r.body)
		}
	}
	if ds := e.svc.Devices(); len(ds) != 0 {
		t.Errorf("a device was added: %+v", ds)
	}

	// Errors of the core itself are shown the same way.
	for _, tc := range []struct {
		form url.Values
		code int
		want string
	}{
		{deviceForm("805ec0112233", [3]string{"100", "", ""}), http.StatusBadRequest, "line 1 (100): password is empty"},
		{func() url.Values { f := deviceForm("805ec0112233"); f.Set("vendor", "acme"); return f }(), http.StatusBadRequest, `unknown vendor &#34;acme&#34;`},
		{func() url.Values { f := deviceForm("805ec0112233"); f.Set("account", "nope"); return f }(), http.StatusNotFound, `account &#34;nope&#34;: not found`},
		{func() url.Values { f := deviceForm("805ec0112233"); f.Set("ip", "10.0.0"); return f }(), http.StatusBadRequest, `ip &#34;10.0.0&#34; is not an IPv4 address`},
		{func() url.Values { f := deviceForm("805ec0112233"); f.Del("name"); return f }(), http.StatusBadRequest, "line rows are incomplete"},
	} {
		r := e.post(t, "/devices", tc.form)
		if r.code != tc.code || !strings.Contains(r.body, tc.want) {
			t.Errorf("%v: status %d; want %d and %q in\n%s", tc.form, r.code, tc.code, tc.want, r.body)
		}
	}
	if ds := e.svc.Devices(); len(ds) != 0 {
		t.Errorf("a device was added: %+v", ds)
	}
	wantCode(t, "a good device", e.post(t, "/devices", deviceForm("805ec0112233", [3]string{"100", "pw-kept-secret", ""})), http.StatusSeeOther)
	r = e.post(t, "/devices", deviceForm("805ec0112233", [3]string{"100", "pw-kept-secret", ""}))
	if r.code != http.StatusConflict || !strings.Contains(r.body, "device 80:5e:c0:11:22:33: already exists") {
		t.Errorf("duplicate: %d\n%s", r.code, r.body)
	}
}

func TestAccountFormErrors(t *testing.T) {
	e := newEnv(t)
	r := e.post(t, "/accounts", url.Values{"name": {"office"}, "sip_server": {"pbx.example"}, "sip_port": {"fivethousand"}})
	if r.code != http.StatusBadRequest || !strings.Contains(r.body, `SIP port &#34;fivethousand&#34;: want a number from 1 to 65535`) ||
		!strings.Contains(r.body, `name="sip_server" value="pbx.example"`) || !strings.Contains(r.body, `id="err-sip_port"`) {
		t.Errorf("bad port: %d\n%s", r.code, r.body)
	}
	r = e.post(t, "/accounts", url.Values{"name": {"front office"}})
	if r.code != http.StatusBadRequest || !strings.Contains(r.body, "must be non-empty, without spaces") || !strings.Contains(r.body, `id="err-name"`) {
		t.Errorf("bad name: %d\n%s", r.code, r.body)
	}
	if as := e.svc.Accounts(); len(as) != 0 {
		t.Errorf("accounts added: %+v", as)
	}
}

// addDevice adds 80:5e:c0:11:22:33 to "office" through the core.
func addDevice(t *testing.T, e *env) provisioning.MAC {
	t.Helper()
	e.addOffice(t)
	m := mustMAC(t, "805ec0112233")
	if _, err := e.svc.AddDevice(t.Context(), provisioning.Device{MAC: m, Account: "office", Vendor: "yealink",
		Lines: []provisioning.Line{{Extension: "100", Password: "pw-never-shown"}}}); err != nil {
		t.Fatal(err)
	}
	e.never = []string{"pw-never-shown"}
	return m
}

func (e *env) state(t *testing.T, m provisioning.MAC) string {
	t.Helper()
	d, err := e.svc.Device(m)
	if err != nil {
		t.Fatal(err)
	}
	return e.svc.View(d).State
}

// TestLockUnlock: the table's and the device page's buttons change the
// core's state.
func TestLockUnlock(t *testing.T) {
	e := newEnv(t)
	m := addDevice(t, e)
	r := e.post(t, "/devices/80:5e:c0:11:22:33/lock", url.Values{})
	wantCode(t, "lock", r, http.StatusSeeOther)
	if got := e.state(t, m); got != "locked" {
		t.Fatalf("after lock: %s", got)
	}
	if loc := r.header.Get("Location"); loc != "/devices?done=locked&mac=80%3A5e%3Ac0%3A11%3A22%3A33" {
		t.Errorf("after lock: Location %q", loc)
	}
	r = e.get(t, "/devices?done=locked&mac=80%3A5e%3Ac0%3A11%3A22%3A33")
	if !strings.Contains(r.body, `<span class="state locked">locked</span>`) || !strings.Contains(r.body, "Device 80:5e:c0:11:22:33 locked") ||
		!strings.Contains(r.body, `action="/devices/80:5e:c0:11:22:33/unlock"`) {
		t.Errorf("devices table after lock:\n%s", r.body)
	}

	r = e.post(t, "/devices/805ec0112233/unlock", url.Values{"back": {"device"}})
	wantCode(t, "unlock", r, http.StatusSeeOther)
	d, _ := e.svc.Device(m)
	if e.state(t, m) != "open" || time.Until(d.OpenUntil) < 23*time.Hour {
		t.Fatalf("after unlock: open until %v, want about 24h from now", d.OpenUntil)
	}
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/devices/80:5e:c0:11:22:33?") {
		t.Errorf("unlock from the device page goes back to %q", loc)
	}

	wantCode(t, "unlock for 2h", e.post(t, "/devices/805ec0112233/unlock", url.Values{"for": {"2h"}}), http.StatusSeeOther)
	if d, _ := e.svc.Device(m); time.Until(d.OpenUntil) > 2*time.Hour || time.Until(d.OpenUntil) < time.Hour {
		t.Errorf("unlock for 2h: open until %v", d.OpenUntil)
	}
	r = e.post(t, "/devices/805ec0112233/unlock", url.Values{"for": {"forever"}})
	if r.code != http.StatusBadRequest || !strings.Contains(r.body, `unlock for &#34;forever&#34;: want a positive duration`) {
		t.Errorf("unlock for forever: %d\n%s", r.code, r.body)
	}
	r = e.post(t, "/devices/805ec0aaaaaa/lock", url.Values{})
	if r.code != http.StatusNotFound || !strings.Contains(r.body, "device 80:5e:c0:aa:aa:aa: not found") {
		t.Errorf("lock of an unknown device: %d\n%s", r.code, r.body)
	}

	es, err := e.svc.Events(t.Context(), provisioning.EventFilter{MAC: m})
	if err != nil || len(es) != 3 || es[0].Outcome != "unlocked" || es[2].Outcome != "locked" {
		t.Fatalf("audit trail: %+v, %v", es, err)
	}
	r = e.get(t, "/events?mac=80:5e:c0:11:22:33")
	if strings.Count(r.body, `<td class="outcome unlocked" data-label="Outcome">unlocked</td>`) != 2 || !strings.Contains(r.body, `<td class="outcome locked" data-label="Outcome">locked</td>`) {
		t.Errorf("events page:\n%s", r.body)
	}
	r = e.get(t, "/events?mac=nonsense")
	if r.code != http.StatusBadRequest || !strings.Contains(r.body, "malformed MAC &#34;nonsense&#34;") {
		t.Errorf("events with a bad MAC: %d\n%s", r.code, r.body)
	}
}

func TestRekeyAndRemove(t *testing.T) {
	e := newEnv(t)
	m := addDevice(t, e)
	d, _ := e.svc.Device(m)
	old := e.svc.View(d).SecretURL

	r := e.get(t, "/devices/805ec0112233/rekey")
	if r.code != http.StatusOK || !strings.Contains(r.body, `action="/devices/80:5e:c0:11:22:33/rekey"`) {
		t.Fatalf("rekey confirmation: %d\n%s", r.code, r.body)
	}
	wantCode(t, "rekey", e.post(t, "/devices/805ec0112233/rekey", url.Values{"back": {"device"}}), http.StatusSeeOther)
	d, _ = e.svc.Device(m)
	now := e.svc.View(d).SecretURL
	if now == old {
		t.Fatal("rekey kept the secret URL")
	}
	if r := e.get(t, "/devices/805ec0112233"); !strings.Contains(r.body, now) || strings.Contains(r.body, old) {
		t.Errorf("device page after rekey does not show the new URL only")
	}

	wantCode(t, "remove confirmation", e.get(t, "/devices/805ec0112233/remove"), http.StatusOK)
	if _, err := e.svc.Device(m); err != nil {
		t.Fatal("GET of the confirmation removed the device")
	}
	r = e.post(t, "/devices/805ec0112233/remove", url.Values{"back": {"device"}})
	wantCode(t, "remove", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/devices?") {
		t.Errorf("after remove: Location %q", loc)
	}
	if _, err := e.svc.Device(m); err == nil {
		t.Fatal("device still there after remove")
	}
	wantCode(t, "page of a removed device", e.get(t, "/devices/805ec0112233"), http.StatusNotFound)
}

// TestForgedRequests: a change without the form token, with a wrong
// one, or from another site is refused and changes nothing; GET never
// changes anything.
func TestForgedRequests(t *testing.T) {
	e := newEnv(t)
	m := addDevice(t, e)
	tok := e.token(t)
	lock := "/devices/805ec0112233/lock"
	for _, tc := range []struct {
		name string
		form url.Values
		hdr  []string
	}{
		{"no token", url.Values{}, []string{"Origin", e.base}},
		{"empty token", url.Values{"csrf": {""}}, nil},
		{"wrong token", url.Values{"csrf": {strings.Repeat("0", len(tok))}}, []string{"Origin", e.base}},
		{"token with a suffix", url.Values{"csrf": {tok + "0"}}, nil},
		{"foreign Origin", url.Values{"csrf": {tok}}, []string{"Origin", "http://evil.example"}},
		{"Origin with another port", url.Values{"csrf": {tok}}, []string{"Origin", "http://127.0.0.1:1"}},
		{"null Origin", url.Values{"csrf": {tok}}, []string{"Origin", "null"}},
		{"foreign Referer", url.Values{"csrf": {tok}}, []string{"Referer", "http://evil.example/page"}},
		{"cross-site fetch", url.Values{"csrf": {tok}}, []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		r := e.request(t, e.client, http.MethodPost, lock, tc.form, admin, tc.hdr...)
		if r.code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", tc.name, r.code)
		}
		if got := e.state(t, m); got != "open" {
			t.Fatalf("%s: the device is %s", tc.name, got)
		}
	}
	form := deviceForm("0004f2aabbcc", [3]string{"100", "pw-never-shown", ""})
	form.Set("vendor", "poly")
	if r := e.request(t, e.client, http.MethodPost, "/devices", form, admin, "Origin", "http://evil.example"); r.code != http.StatusForbidden {
		t.Errorf("forged add: %d", r.code)
	}
	if r := e.request(t, e.client, http.MethodPost, "/accounts", url.Values{"name": {"evil"}}, admin); r.code != http.StatusForbidden {
		t.Errorf("add account without token: %d", r.code)
	}
	if len(e.svc.Devices()) != 1 || len(e.svc.Accounts()) != 1 {
		t.Errorf("forged adds changed something: %v %v", e.svc.Devices(), e.svc.Accounts())
	}
	for _, p := range []string{lock, "/devices/805ec0112233/unlock", "/devices/805ec0112233/rekey?csrf=" + tok} {
		if r := e.get(t, p); r.code == http.StatusSeeOther || (r.code == http.StatusOK && !strings.Contains(r.body, "<form method=\"post\"")) {
			t.Errorf("GET %s: %d", p, r.code)
		}
	}
	if e.state(t, m) != "open" {
		t.Fatal("a GET changed the device")
	}
	if !strings.Contains(e.log.String(), `msg="web request refused" component=web ip=127.0.0.1 path=/devices/805ec0112233/lock reason="Origin \"http://evil.example\" is not this site"`) {
		t.Errorf("refusals not logged:\n%s", e.log)
	}
	// A form from this site, and a client (curl) that sends no Origin at all.
	wantCode(t, "token without Origin", e.request(t, e.client, http.MethodPost, lock, url.Values{"csrf": {tok}}, admin), http.StatusSeeOther)
	if e.state(t, m) != "locked" {
		t.Fatal("a good POST did not lock")
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	addDevice(t, e)
	for _, p := range []string{"/devices", "/devices/805ec0112233", "/devices/new", "/events"} {
		h := e.get(t, p).header
		if csp := h.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", p, h)
		}
		if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", p, ct)
		}
	}
	// The only script is the self-hosted time.js: no inline script or style.
	r := e.get(t, "/devices")
	scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(r.body, -1)
	if len(scripts) != 1 || scripts[0] != `<script src="/static/time.js" defer>` || strings.Contains(r.body, " style=") {
		t.Errorf("the page has inline script or style, which the CSP blocks: %q", scripts)
	}
	js := e.get(t, "/static/time.js")
	if js.code != http.StatusOK || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") {
		t.Errorf("GET /static/time.js: %d %q", js.code, js.header.Get("Content-Type"))
	}
}

func TestLeasesAndBans(t *testing.T) {
	e := newEnv(t)
	m := addDevice(t, e)
	if err := e.svc.CommitLease(t.Context(), provisioning.Lease{IP: netip.MustParseAddr("10.20.0.101"), MAC: m,
		Expires: time.Now().Add(time.Hour), Hostname: "desk-100", VendorClass: "yealink"}); err != nil {
		t.Fatal(err)
	}
	if r := e.get(t, "/leases"); !strings.Contains(r.body, `<td class="mono" data-label="IP">10.20.0.101</td><td class="mono" data-label="MAC"><a href="/devices/80:5e:c0:11:22:33">`) ||
		!strings.Contains(r.body, "desk-100") {
		t.Errorf("leases page:\n%s", r.body)
	}
	if r := e.get(t, "/devices"); !strings.Contains(r.body, `10.20.0.101 <span class="muted">(lease)</span>`) {
		t.Errorf("devices table lacks the leased address:\n%s", r.body)
	}

	bad := netip.MustParseAddr("192.0.2.7")
	if _, err := e.svc.AddBan(t.Context(), bad, time.Hour, "scanning <MACs>"); err != nil {
		t.Fatal(err)
	}
	r := e.get(t, "/bans")
	if !strings.Contains(r.body, "192.0.2.7/32") || !strings.Contains(r.body, html.EscapeString("scanning <MACs>")) ||
		!strings.Contains(r.body, `name="ip" value="192.0.2.7"`) {
		t.Errorf("bans page:\n%s", r.body)
	}
	if r := e.request(t, e.client, http.MethodPost, "/bans/lift", url.Values{"ip": {"192.0.2.7"}}, admin); r.code != http.StatusForbidden {
		t.Errorf("lift without token: %d", r.code)
	}
	if len(e.svc.Bans()) != 1 {
		t.Fatal("a lift without token lifted the ban")
	}
	r = e.post(t, "/bans/lift", url.Values{"ip": {"192.0.2.7"}})
	wantCode(t, "lift", r, http.StatusSeeOther)
	if bs := e.svc.Bans(); len(bs) != 0 {
		t.Fatalf("bans after lift: %+v", bs)
	}
	if r := e.get(t, r.header.Get("Location")); !strings.Contains(r.body, "Ban on 192.0.2.7 lifted.") || !strings.Contains(r.body, "No bans.") {
		t.Errorf("bans page after lift:\n%s", r.body)
	}
	r = e.post(t, "/bans/lift", url.Values{"ip": {"192.0.2.7"}})
	if r.code != http.StatusNotFound {
		t.Errorf("lifting a ban that is not there: %d\n%s", r.code, r.body)
	}
}

// TestFlashIsNotReflected: the message after a change is built from
// parsed values, so a crafted link cannot put text on the page.
func TestFlashIsNotReflected(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{"done=locked&mac=<b>owned</b>", "done=account&name=Call+0900-EVIL", "done=lifted&ip=evil", "done=whatever&mac=805ec0112233"} {
		r := e.get(t, "/devices?"+q)
		if strings.Contains(r.body, `class="flash"`) {
			t.Errorf("%s: shows a message:\n%s", q, r.body)
		}
	}
}
