package web_test

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
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
		if r.code != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), `Basic realm="provbox admin"`) {
			t.Errorf("%s: status %d, WWW-Authenticate %q; want 401 asking for Basic auth", tc.name, r.code, r.header.Get("WWW-Authenticate"))
		}
		if strings.Contains(r.body, "<table") || strings.Contains(r.body, "csrf") {
			t.Errorf("%s: the 401 shows the page:\n%s", tc.name, r.body)
		}
	}
	for path, code := range map[string]int{"/devices": 200, "/static/style.css": 200, "/nowhere": 404} {
		if r := e.get(t, path); r.code != code {
			t.Errorf("admin, GET %s: status %d, want %d", path, r.code, code)
		}
		if r := e.request(t, e.client, http.MethodGet, path, nil, nil); r.code != http.StatusUnauthorized {
			t.Errorf("anonymous GET %s: status %d, want 401", path, r.code)
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

// TestLoginRateLimit: 5 wrong passwords within a minute lock the source
// out, even with the right password, until the minute has passed; other
// sources are not affected, and requests without credentials do not
// count.
func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	for range 10 {
		wantCode(t, "no credentials", e.request(t, e.client, http.MethodGet, "/devices", nil, nil), http.StatusUnauthorized)
	}
	wantCode(t, "admin after anonymous requests", e.get(t, "/devices"), http.StatusOK)
	for range 5 {
		wantCode(t, "wrong password", e.request(t, e.client, http.MethodGet, "/devices", nil, []string{web.User, "guess"}), http.StatusUnauthorized)
		e.clock.Add(time.Second)
	}
	r := e.get(t, "/devices")
	wantCode(t, "admin after 5 failures", r, http.StatusTooManyRequests)
	if ra := r.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("429 without a useful Retry-After: %q", ra)
	}
	other := newClient(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)})
	wantCode(t, "admin from 127.0.0.2", e.request(t, other, http.MethodGet, "/devices", nil, admin), http.StatusOK)

	e.clock.Add(55 * time.Second) // the first failure is 60s old now
	wantCode(t, "admin once the oldest failure left the window", e.get(t, "/devices"), http.StatusOK)
	wantCode(t, "one more wrong password", e.request(t, e.client, http.MethodGet, "/devices", nil, []string{web.User, "guess"}), http.StatusUnauthorized)
	wantCode(t, "admin with 5 failures in the window again", e.get(t, "/devices"), http.StatusTooManyRequests)
	e.clock.Add(time.Minute)
	wantCode(t, "admin a minute later", e.get(t, "/devices"), http.StatusOK)
	if !strings.Contains(e.log.String(), "too many failed logins") {
		t.Errorf("the lock-out is not logged:\n%s", e.log)
	}
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
