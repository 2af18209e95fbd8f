package web_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/web"
)

func TestLoginRequired(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name string
		auth []string
	}{
		{"no credentials", nil},
		{"wrong password", []string{web.User, "hunter2"}},
		{"password with a suffix", []string{web.User, testPassword + "x"}},
		{"wrong user", []string{"root", testPassword}},
	}
	for _, tc := range cases {
		r := e.request(t, e.client, http.MethodGet, "/devices", nil, tc.auth)
		if r.code != http.StatusUnauthorized || !strings.Contains(r.body, `<form method="post" action="/login"`) || sessionOf(r) != "" {
			t.Errorf("%s: status %d, session %q; want 401 with the login form and no session", tc.name, r.code, sessionOf(r))
		}
		if strings.Contains(r.body, "<table") || strings.Contains(r.body, "csrf") {
			t.Errorf("%s: the 401 shows the page:\n%s", tc.name, r.body)
		}
	}
	for path, code := range map[string]int{"/devices": 200, "/devices/new": 200, "/nowhere": 404} {
		if r := e.get(t, path); r.code != code {
			t.Errorf("admin, GET %s: status %d, want %d", path, r.code, code)
		}
		if r := e.request(t, e.client, http.MethodGet, path, nil, nil); r.code != http.StatusUnauthorized {
			t.Errorf("anonymous GET %s: status %d, want 401", path, r.code)
		}
	}
	// What the login page itself needs is public.
	for _, path := range []string{"/login", "/static/style.css", "/static/time.js", "/favicon.ico"} {
		if r := e.request(t, e.client, http.MethodGet, path, nil, nil); r.code != http.StatusOK {
			t.Errorf("anonymous GET %s: status %d, want 200", path, r.code)
		}
	}
	log := e.log.String()
	if !strings.Contains(log, `msg="web login failed" component=web ip=127.0.0.1`) {
		t.Errorf("failed logins not logged with their address:\n%s", log)
	}
	if strings.Contains(log, "hunter2") || strings.Contains(log, testPassword) {
		t.Errorf("the log carries a password:\n%s", log)
	}
}

// from is a client on another 127/8 address.
func from(ip string) *http.Client { return newClient(&net.TCPAddr{IP: net.ParseIP(ip)}) }

var wrong = []string{web.User, "guess"}

// retryAfter is a 429's Retry-After, which must be useful and short.
func retryAfter(t *testing.T, r reply) time.Duration {
	t.Helper()
	n, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || n < 1 || n > 30 {
		t.Fatalf("429 with Retry-After %q, want 1-30 seconds", r.header.Get("Retry-After"))
	}
	return time.Duration(n) * time.Second
}

// TestLoginRateLimit: guesses from sources rotating through 127/8 are
// limited together (per source and per account); the right password is
// refused only for a short delay, and works again once it has run out,
// even while someone keeps guessing; requests without credentials do
// not count.
func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	for range 10 {
		wantCode(t, "no credentials", e.request(t, e.client, http.MethodGet, "/devices", nil, nil), http.StatusUnauthorized)
	}
	// Ten guesses, each from a fresh loopback address: all of 127/8 is one
	// source, and the account counts every source anyway.
	for i := range 10 {
		r := e.request(t, from(fmt.Sprintf("127.0.%d.%d", 10+i, 1+i)), http.MethodGet, "/devices", nil, wrong)
		if i < 5 {
			wantCode(t, fmt.Sprintf("guess %d", i), r, http.StatusUnauthorized)
			continue
		}
		// Past the source's five free failures: 1s, 2s, 4s, 8s, 16s.
		wantCode(t, fmt.Sprintf("guess %d at once", i), r, http.StatusTooManyRequests)
		e.clock.Add(retryAfter(t, r))
		wantCode(t, fmt.Sprintf("guess %d after the delay", i), e.request(t, from(fmt.Sprintf("127.1.%d.1", i)), http.MethodGet, "/devices", nil, wrong), http.StatusUnauthorized)
	}
	// The right password, from yet another loopback address, waits
	// (at most 30s) like any try, then works.
	r := e.request(t, from("127.0.99.1"), http.MethodGet, "/devices", nil, admin)
	wantCode(t, "admin right after the guesses", r, http.StatusTooManyRequests)
	e.clock.Add(retryAfter(t, r))
	wantCode(t, "admin after the delay", e.request(t, from("127.0.99.1"), http.MethodGet, "/devices", nil, admin), http.StatusOK)
	// A guesser that keeps going gets one try per 30s at most.
	for i := range 5 {
		r := e.request(t, from("127.5.0.1"), http.MethodGet, "/devices", nil, wrong)
		if r.code == http.StatusTooManyRequests {
			e.clock.Add(retryAfter(t, r))
			r = e.request(t, from("127.5.0.1"), http.MethodGet, "/devices", nil, wrong)
		}
		wantCode(t, fmt.Sprintf("sustained guess %d", i), r, http.StatusUnauthorized)
	}
	r = e.request(t, e.client, http.MethodGet, "/devices", nil, admin)
	if d := retryAfter(t, r); d != 30*time.Second {
		t.Errorf("delay after a sustained guesser: %v, want the 30s cap", d)
	}
	e.clock.Add(30 * time.Second)
	wantCode(t, "admin 30s after the last guess", e.get(t, "/devices"), http.StatusOK)
	log := e.log.String()
	if !strings.Contains(log, "web logins slowed down") || !strings.Contains(log, `key="user admin"`) {
		t.Errorf("the slow-down is not logged per key:\n%s", log)
	}
}

// TestTrustedBrowser: a browser that logged in before keeps working while
// a local guesser (same 127.0.0.1, as through an SSH tunnel) has the
// source and the account in their delay; its own wrong passwords count
// on its own budget.
func TestTrustedBrowser(t *testing.T) {
	e := newEnv(t)
	ok := e.get(t, "/devices")
	wantCode(t, "first login", ok, http.StatusOK)
	var cookie string
	for _, c := range (&http.Response{Header: ok.header}).Cookies() {
		if c.Name == "provbox_trusted" && c.HttpOnly && c.SameSite == http.SameSiteStrictMode {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatalf("no trusted-browser cookie after a login: %v", ok.header["Set-Cookie"])
	}
	for range 12 {
		e.request(t, e.client, http.MethodGet, "/devices", nil, wrong)
	}
	wantCode(t, "untrusted admin during the guessing", e.get(t, "/devices"), http.StatusTooManyRequests)
	wantCode(t, "trusted browser during the guessing", e.request(t, e.client, http.MethodGet, "/devices", nil, admin, "Cookie", cookie), http.StatusOK)
	forged := "provbox_trusted=" + strings.Repeat("a", 32) + "." + strings.Repeat("0", 64)
	wantCode(t, "forged cookie", e.request(t, e.client, http.MethodGet, "/devices", nil, admin, "Cookie", forged), http.StatusTooManyRequests)
	for range 5 {
		wantCode(t, "trusted browser, wrong password", e.request(t, e.client, http.MethodGet, "/devices", nil, wrong, "Cookie", cookie), http.StatusUnauthorized)
	}
	r := e.request(t, e.client, http.MethodGet, "/devices", nil, admin, "Cookie", cookie)
	wantCode(t, "trusted browser past its own free failures", r, http.StatusTooManyRequests)
	e.clock.Add(retryAfter(t, r))
	wantCode(t, "trusted browser after its delay", e.request(t, e.client, http.MethodGet, "/devices", nil, admin, "Cookie", cookie), http.StatusOK)
}

func TestPasswordFile(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		mode    os.FileMode
		content string
		want    string // error text; "" for success
	}{
		{"owner only", 0o600, "s3cret\n", ""},
		{"read only", 0o400, "  s3cret  \r\n", ""},
		{"world-readable", 0o644, "s3cret\n", "mode 0644 gives group or others access; want 0600 or 0400"},
		{"group-readable", 0o640, "s3cret\n", "mode 0640 gives group or others access"},
		{"group-writable", 0o620, "s3cret\n", "mode 0620 gives group or others access"},
		{"empty", 0o600, "", "is empty"},
		{"blank", 0o600, " \n\n", "is empty"},
		{"two lines", 0o600, "user\npassword\n", "holds more than one line"},
		{"huge", 0o600, strings.Repeat("x", 5000), "over 4096 bytes"},
	}
	for _, tc := range cases {
		p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		if err := os.WriteFile(p, []byte(tc.content), tc.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, tc.mode); err != nil {
			t.Fatal(err)
		}
		pw, err := web.ReadPasswordFile(p)
		switch {
		case tc.want == "" && (err != nil || pw != "s3cret"):
			t.Errorf("%s: %q, %v; want s3cret", tc.name, pw, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p)):
			t.Errorf("%s: error %v; want one naming %s and saying %q", tc.name, err, p, tc.want)
		}
	}
	if _, err := web.ReadPasswordFile(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "missing: no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := web.ReadPasswordFile(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
}

// TestNewRefusesWithoutPassword: the UI does not start without a usable
// password file.
func TestNewRefusesWithoutPassword(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ file, want string }{
		{"", "no password file"},
		{passwordFile(t, 0o644, "s3cret"), "mode 0644"},
		{filepath.Join(t.TempDir(), "nope"), "no such file"},
	} {
		s, err := web.New(web.Config{Addr: "127.0.0.1:0", PasswordFile: tc.file}, e.svc, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New with password file %q: %v, %v; want an error saying %q", tc.file, s, err, tc.want)
		}
	}
}

// systemctl reload re-reads the password; a file that became unusable is
// refused and the password in force stays.
func TestReloadPassword(t *testing.T) {
	e := newEnv(t)
	if err := os.WriteFile(e.pwFile, []byte("n3w-Passw0rd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.ReloadPassword(); err != nil {
		t.Fatal(err)
	}
	if r := e.request(t, e.client, http.MethodGet, "/devices", nil, []string{web.User, testPassword}); r.code != http.StatusUnauthorized {
		t.Fatalf("old password after reload: status %d, want 401", r.code)
	}
	if r := e.request(t, e.client, http.MethodGet, "/devices", nil, []string{web.User, "n3w-Passw0rd"}); r.code != http.StatusOK {
		t.Fatalf("new password after reload: status %d, want 200", r.code)
	}
	if err := os.Chmod(e.pwFile, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.ReloadPassword(); err == nil || !strings.Contains(err.Error(), "0644") {
		t.Fatalf("reload of a world-readable password file: %v, want a refusal naming the mode", err)
	}
	if r := e.request(t, e.client, http.MethodGet, "/devices", nil, []string{web.User, "n3w-Passw0rd"}); r.code != http.StatusOK {
		t.Fatalf("password in force after a refused reload: status %d, want 200", r.code)
	}
}
