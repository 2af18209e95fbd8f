package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// upload posts file as the import form does (multipart, form token,
// same origin) with the admin's session.
func (e *env) upload(t *testing.T, name, content string) reply {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", e.token(t)) //nolint:errcheck
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content) //nolint:errcheck
	mw.Close()
	login := e.login(t, e.client, admin)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.base+"/devices/import", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", e.base)
	req.Header.Set("Cookie", sessionOf(login))
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

const importCSV = `mac,account,vendor,model,extension,password,display_name
80:5e:c0:00:00:01,office,yealink,T54W,201,pw-201-secret,Reception
80:5e:c0:00:00:01,,,,202,pw-202-secret,"=HYPERLINK(""x"")"
00-04-13-00-00-02,office,snom,D785,203,pw-203-secret,Lab
`

func TestImportExportBulk(t *testing.T) {
	e := newEnv(t)
	e.never = []string{"pw-201-secret", "pw-202-secret", "pw-203-secret"}
	e.addOffice(t)
	// All or nothing: a bad row names its line and nothing is added.
	bad := strings.Replace(importCSV, "00-04-13-00-00-02", "00-04-13-00-00", 1)
	r := e.upload(t, "phones.csv", bad)
	if r.code != http.StatusBadRequest || !strings.Contains(r.body, `phones.csv:4: malformed MAC &#34;00-04-13-00-00&#34;`) ||
		!strings.Contains(r.body, "nothing was imported") {
		t.Fatalf("bad CSV: %d\n%s", r.code, r.body)
	}
	unknown := strings.Replace(importCSV, "snom,D785", "nosuchvendor,D785", 1)
	r = e.upload(t, "phones.csv", unknown)
	if r.code < 400 || !strings.Contains(r.body, "phones.csv:4: device 00:04:13:00:00:02:") {
		t.Fatalf("CSV the core refuses: %d\n%s", r.code, r.body)
	}
	if n := len(e.svc.Devices()); n != 0 {
		t.Fatalf("%d devices after refused imports, want 0", n)
	}
	r = e.upload(t, "phones.csv", importCSV)
	wantCode(t, "import", r, http.StatusSeeOther)
	if len(e.svc.Devices()) != 2 {
		t.Fatalf("devices after the import: %d", len(e.svc.Devices()))
	}
	d, _ := e.svc.Device(mustMAC(t, "80:5e:c0:00:00:01"))
	if len(d.Lines) != 2 || d.Lines[1].Password != "pw-202-secret" {
		t.Fatalf("imported device: %+v", d)
	}
	if p := e.get(t, r.header.Get("Location")); !strings.Contains(p.body, "2 devices imported") || !strings.Contains(p.body, "Reception") {
		t.Errorf("devices page after the import lacks the flash or the lines:\n%s", p.body)
	}

	// Export: every line, no password, formulas defused.
	x := e.get(t, "/devices/export.csv?vendor=yealink")
	want := "mac,account,vendor,model,ip,extension,auth_user,display_name,label\n" +
		"80:5e:c0:00:00:01,office,yealink,T54W,,201,201,Reception,201\n" +
		"80:5e:c0:00:00:01,office,yealink,T54W,,202,202,\"'=HYPERLINK(\"\"x\"\")\",202\n"
	if x.code != http.StatusOK || x.body != want || !strings.HasPrefix(x.header.Get("Content-Type"), "text/csv") {
		t.Errorf("export: %d %q\n%q\nwant\n%q", x.code, x.header.Get("Content-Type"), x.body, want)
	}

	// Bulk: lock two, then remove after the question.
	sel := url.Values{"action": {"lock"}, "mac": {"80:5e:c0:00:00:01", "000413000002"}, "back": {"/devices?state=open"}}
	r = e.post(t, "/devices/bulk", sel)
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/devices?done=bulk-lock&n=2&state=open" {
		t.Fatalf("bulk lock: %d to %q", r.code, r.header.Get("Location"))
	}
	for _, d := range e.svc.Devices() {
		if e.svc.View(d).State != "locked" {
			t.Errorf("%s not locked by the bulk lock", d.MAC)
		}
	}
	if p := e.get(t, "/devices?done=bulk-lock&n=2"); !strings.Contains(p.body, "2 devices locked.") {
		t.Error("no flash after the bulk lock")
	}
	wantCode(t, "bulk with a malformed MAC", e.post(t, "/devices/bulk", url.Values{"action": {"unlock"}, "mac": {"80:5e:c0:00:00:01", "zz"}}), http.StatusBadRequest)
	wantCode(t, "bulk with nothing selected", e.post(t, "/devices/bulk", url.Values{"action": {"unlock"}}), http.StatusBadRequest)
	wantCode(t, "bulk with an unknown action", e.post(t, "/devices/bulk", url.Values{"action": {"rekey"}, "mac": {"000413000002"}}), http.StatusBadRequest)
	d, _ = e.svc.Device(mustMAC(t, "80:5e:c0:00:00:01"))
	if d.Open(e.clock.Now()) {
		t.Error("a refused bulk unlock unlocked a device")
	}
	noToken := url.Values{"action": {"unlock"}, "mac": {"000413000002"}}
	wantCode(t, "bulk without the form token", e.request(t, e.client, http.MethodPost, "/devices/bulk", noToken, admin, "Origin", e.base), http.StatusForbidden)
	rm := url.Values{"action": {"remove"}, "mac": {"80:5e:c0:00:00:01", "000413000002"}, "back": {"https://evil.example/"}}
	r = e.post(t, "/devices/bulk", rm)
	if r.code != http.StatusOK || !strings.Contains(r.body, "Remove 2 devices?") || len(e.svc.Devices()) != 2 {
		t.Fatalf("bulk remove did not ask first: %d", r.code)
	}
	rm.Set("confirm", "yes")
	r = e.post(t, "/devices/bulk", rm)
	if r.code != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/?") || len(e.svc.Devices()) != 0 {
		t.Fatalf("bulk remove: %d to %q, %d devices left", r.code, r.header.Get("Location"), len(e.svc.Devices()))
	}
}
