package web_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/web"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

const testPassword = "correct horse battery staple"

// env is a web UI on 127.0.0.1:0 over a real core with a real SQLite
// store and the embedded vendor templates.
type env struct {
	svc    *provisioning.Service
	base   string // http://127.0.0.1:PORT
	clock  *provtest.Clock
	log    *provtest.LogBuffer
	client *http.Client
	srv    *web.Server
	pwFile string // the password file the server read
	// never are strings no response may contain (line passwords).
	never []string
	// phoneBase is the phone-facing HTTP server (bootstrap), once started.
	phoneBase string
}

func newEnv(t *testing.T) *env { t.Helper(); return newEnvWith(t, nil) }

// newEnvWith is newEnv with cfg's changes (nil: none) before New.
func newEnvWith(t *testing.T, change func(*web.Config)) *env {
	t.Helper()
	return newEnvOver(t, nil, change)
}

// newEnvOver is newEnvWith with the UI over wrap(core) (nil: the core
// itself), to hide optional parts of the core.
func newEnvOver(t *testing.T, wrap func(web.Core) web.Core, change func(*web.Config)) *env {
	t.Helper()
	return newEnvIn(t, "", wrap, change)
}

// newEnvIn is newEnvOver on the state in dir ("": a fresh one).
func newEnvIn(t *testing.T, dir string, wrap func(web.Core) web.Core, change func(*web.Config)) *env {
	t.Helper()
	svc := provtest.Service(t, dir, provisioning.Config{BaseURL: "http://10.20.0.2"})
	e := &env{svc: svc, clock: provtest.NewClock(time.Now()), log: &provtest.LogBuffer{}, pwFile: passwordFile(t, 0o600, testPassword+"\n")}
	log := slog.New(slog.NewTextHandler(e.log, nil))
	cfg := web.Config{Addr: "127.0.0.1:0", PasswordFile: e.pwFile, Now: e.clock.Now}
	if change != nil {
		change(&cfg)
	}
	var ui web.Core = svc
	if wrap != nil {
		ui = wrap(svc)
	}
	srv, err := web.New(cfg, ui, log)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	e.base = "http://" + ln.Addr().String()
	if cfg.TLSCert != "" {
		e.base = "https://" + ln.Addr().String()
	}
	e.client = newClient(nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve returned %v after cancel, want nil", err)
		}
	})
	return e
}

// newClient does not follow redirects, so tests see the 303 of a POST;
// local, when set, is the client's own address (another 127/8 source).
func newClient(local net.Addr) *http.Client {
	d := &net.Dialer{LocalAddr: local, Timeout: 5 * time.Second}
	return &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
}

func passwordFile(t testing.TB, mode os.FileMode, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "web-password")
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // WriteFile's mode is subject to umask
		t.Fatal(err)
	}
	return p
}

// reply is what one request got back.
type reply struct {
	code   int
	header http.Header
	body   string
}

// request sends method path with form (nil: no body) and the given
// headers (pairs); auth nil means none, else {user, password}.
func (e *env) request(t *testing.T, c *http.Client, method, path string, form url.Values, auth []string, hdr ...string) reply {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	var setCookies []string
	if auth != nil {
		login := e.login(t, c, auth, hdr...)
		if login.code != http.StatusSeeOther {
			return login
		}
		setCookies = login.header.Values("Set-Cookie")
		hdr = withCookie(hdr, sessionOf(login))
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range e.never {
		if strings.Contains(string(b), s) {
			t.Errorf("%s %s: the answer contains %q", method, path, s)
		}
	}
	for _, c := range setCookies { // the login's cookies, as a browser keeps them
		resp.Header.Add("Set-Cookie", c)
	}
	return reply{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// login posts the login form with auth {user, password} and the given
// headers (pairs), as a browser on the login page does.
func (e *env) login(t *testing.T, c *http.Client, auth []string, hdr ...string) reply {
	t.Helper()
	form := url.Values{"user": {auth[0]}, "password": {auth[1]}, "next": {"/devices"}}
	h := []string{"Origin", e.base}
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.EqualFold(hdr[i], "Cookie") { // the login page's own request carries only the cookies
			h = append(h, hdr[i], hdr[i+1])
		}
	}
	return e.request(t, c, http.MethodPost, "/login", form, nil, h...)
}

// sessionOf is the session cookie a login set ("" when none).
func sessionOf(r reply) string {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "provbox_session" && c.Value != "" {
			return c.Name + "=" + c.Value
		}
	}
	return ""
}

// withCookie adds cookie to the Cookie header in hdr (pairs).
func withCookie(hdr []string, cookie string) []string {
	out := slices.Clone(hdr)
	for i := 0; i+1 < len(out); i += 2 {
		if strings.EqualFold(out[i], "Cookie") {
			out[i+1] += "; " + cookie
			return out
		}
	}
	return append(out, "Cookie", cookie)
}

var admin = []string{web.User, testPassword}

// get is an admin's GET.
func (e *env) get(t *testing.T, path string) reply {
	t.Helper()
	return e.request(t, e.client, http.MethodGet, path, nil, admin)
}

// post is an admin's form POST from a page of this site, with the form
// token the pages carry.
func (e *env) post(t *testing.T, path string, form url.Values) reply {
	t.Helper()
	form.Set("csrf", e.token(t))
	return e.request(t, e.client, http.MethodPost, path, form, admin, "Origin", e.base)
}

var tokenRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// token reads the form token from a page, as a browser's form carries it.
func (e *env) token(t *testing.T) string {
	t.Helper()
	r := e.get(t, "/accounts")
	m := tokenRE.FindStringSubmatch(r.body)
	if r.code != http.StatusOK || m == nil {
		t.Fatalf("GET /accounts: %d, no form token in\n%s", r.code, r.body)
	}
	return m[1]
}

// wantCode fails the test unless r has code.
func wantCode(t *testing.T, what string, r reply, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.code, code, r.body)
	}
}

// addOffice adds the account "office" through the form.
func (e *env) addOffice(t *testing.T) {
	t.Helper()
	r := e.post(t, "/accounts", url.Values{"name": {"office"}, "sip_server": {"pbx.example"}, "sip_port": {"5060"},
		"sip_transport": {"udp"}, "timezone": {"Europe/Berlin"}})
	wantCode(t, "POST /accounts", r, http.StatusSeeOther)
}

// deviceForm is the add-device form for mac with lines of
// (extension, password, display name), padded with blank rows as the
// page sends them.
func deviceForm(mac string, lines ...[3]string) url.Values {
	f := url.Values{"mac": {mac}, "account": {"office"}, "vendor": {"yealink"}, "model": {"T54W"}, "ip": {""}}
	for i := range 4 {
		var l [3]string
		if i < len(lines) {
			l = lines[i]
		}
		f["ext"] = append(f["ext"], l[0])
		f["auth"] = append(f["auth"], "")
		f["password"] = append(f["password"], l[1])
		f["name"] = append(f["name"], l[2])
	}
	return f
}

func mustMAC(t *testing.T, s string) provisioning.MAC {
	t.Helper()
	m, err := provisioning.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
