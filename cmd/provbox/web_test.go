package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/provbox/provbox/httpd/admin"
)

// webConfig is loopbackConfig with the web UI on an ephemeral port and
// its password file next to the config.
const webConfig = loopbackConfig + `web_listen = "127.0.0.1:0"
web_password_file = "web-password"
`

// webClient is an admin's browser: logs in on the login form, sends the
// session cookie, same-origin forms, no automatic redirects so the test
// sees each answer.
type webClient struct {
	t        *testing.T
	base, pw string
	c        http.Client
	session  *http.Cookie
}

// login posts the login form and keeps the session cookie.
func (w *webClient) login() {
	w.t.Helper()
	form := url.Values{"user": {"admin"}, "password": {w.pw}}
	resp, err := w.c.PostForm(w.base+"/login", form)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "provbox_session" {
			w.session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || w.session == nil {
		w.t.Fatalf("login: %d, session cookie %v", resp.StatusCode, w.session)
	}
}

func (w *webClient) do(method, path string, form url.Values, auth bool) (int, string) {
	w.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(w.t.Context(), method, w.base+path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", w.base)
	}
	if auth {
		if w.session == nil {
			w.login()
		}
		req.AddCookie(w.session)
	}
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cret-line") {
		w.t.Errorf("%s %s: the page shows a line password", method, path)
	}
	return resp.StatusCode, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// TestServeWebUI: `provbox serve` with admin.web_listen serves the UI;
// what the CLI adds shows in it, and what the UI changes the CLI sees.
func TestServeWebUI(t *testing.T) {
	cfg := newConfig(t, webConfig)
	if err := os.WriteFile(filepath.Join(filepath.Dir(cfg), "web-password"), []byte("web-pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	td := startDaemon(t, cfg)
	if td.d.webAddr == nil {
		t.Fatal("the daemon did not bind the web UI")
	}
	w := &webClient{t: t, base: "http://" + td.d.webAddr.String(), pw: "web-pass",
		c: http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if code, page := w.do(http.MethodGet, "/devices", nil, false); code != http.StatusUnauthorized || !strings.Contains(page, `action="/login"`) {
		t.Fatalf("without a session: %d, want 401 with the login form", code)
	}
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
	mustCLI(t, cfg, "device", "add", "80:5e:c0:11:22:33", "--account", "office", "--vendor", "yealink", "--line", "100:s3cret-line:Front Desk")

	code, page := w.do(http.MethodGet, "/devices", nil, true)
	if code != http.StatusOK || !strings.Contains(page, "80:5e:c0:11:22:33") || !strings.Contains(page, `<span class="state open">open</span>`) {
		t.Fatalf("devices page: %d\n%s", code, page)
	}
	tok := csrfRE.FindStringSubmatch(page)
	if tok == nil {
		t.Fatalf("no form token on the devices page")
	}
	if code, _ := w.do(http.MethodPost, "/devices/805ec0112233/lock", url.Values{"csrf": {tok[1]}}, true); code != http.StatusSeeOther {
		t.Fatalf("lock: %d", code)
	}
	if d := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "show", "805ec0112233", "--json")); d.State != "locked" {
		t.Fatalf("after the UI's lock the CLI says %q", d.State)
	}
	if code, _ := w.do(http.MethodPost, "/devices/805ec0112233/unlock", url.Values{}, true); code != http.StatusForbidden {
		t.Errorf("unlock without the form token: %d, want 403", code)
	}
	if code, _ := w.do(http.MethodPost, "/devices/805ec0112233/unlock", url.Values{"csrf": {tok[1]}}, true); code != http.StatusSeeOther {
		t.Fatalf("unlock: %d", code)
	}
	d := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "show", "805ec0112233", "--json"))
	if d.State != "open" {
		t.Fatalf("after the UI's unlock the CLI says %q", d.State)
	}
	if _, page := w.do(http.MethodGet, "/devices/805ec0112233", nil, true); !strings.Contains(page, d.SecretURL) {
		t.Errorf("the device page lacks the secret URL %s", d.SecretURL)
	}
	if !strings.Contains(td.log.String(), "admin web UI listening") {
		t.Errorf("the start is not logged:\n%s", td.log)
	}
}

// TestServeWebUIRefusesOpenPasswordFile: a password file others can
// read stops `provbox check` and `provbox serve`, naming key, file and
// mode.
func TestServeWebUIRefusesOpenPasswordFile(t *testing.T) {
	cfg := newConfig(t, webConfig)
	pw := filepath.Join(filepath.Dir(cfg), "web-password")
	if err := os.WriteFile(pw, []byte("web-pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(pw, 0o644); err != nil {
		t.Fatal(err)
	}
	want := "admin.web_password_file: web password file " + pw + ": mode 0644 gives group or others access"
	failCLI(t, cfg, exitFailure, want, "check")
	failCLI(t, cfg, exitUsage, want, "serve")
	if err := os.Remove(pw); err != nil {
		t.Fatal(err)
	}
	failCLI(t, cfg, exitUsage, "admin.web_password_file: web password file: open "+pw+": no such file or directory", "serve")
}

// TestWebTLSKeys: admin.web_tls_cert and admin.web_tls_key go together
// and must load; `provbox check` names the key.
func TestWebTLSKeys(t *testing.T) {
	for _, tc := range []struct{ keys, want string }{
		{"web_tls_cert = \"web.crt\"\n", "admin.web_tls_cert: admin.web_tls_cert and admin.web_tls_key are both required"},
		{"web_tls_cert = \"web.crt\"\nweb_tls_key = \"web.key\"\n", "admin.web_tls_cert: loading certificate and key: open "},
	} {
		cfg := newConfig(t, webConfig+tc.keys)
		if err := os.WriteFile(filepath.Join(filepath.Dir(cfg), "web-password"), []byte("web-pass\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		failCLI(t, cfg, exitFailure, tc.want, "check")
	}
}
