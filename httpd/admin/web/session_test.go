package web_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/web"
)

// sessionCookie logs in and returns the session cookie as the browser
// keeps it.
func (e *env) sessionCookie(t *testing.T, c *http.Client) *http.Cookie {
	t.Helper()
	r := e.login(t, c, admin)
	wantCode(t, "login", r, http.StatusSeeOther)
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == "provbox_session" {
			return ck
		}
	}
	t.Fatalf("login set no session cookie: %v", r.header["Set-Cookie"])
	return nil
}

func TestSessionCookieAndLogout(t *testing.T) {
	e := newEnv(t)
	ck := e.sessionCookie(t, e.client)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure || ck.Path != "/" || len(ck.Value) != 64 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, not Secure over plain HTTP, Path=/, 256-bit id", ck)
	}
	cookie := "provbox_session=" + ck.Value
	page := e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", cookie)
	wantCode(t, "GET /devices with the session", page, http.StatusOK)
	token := tokenRE.FindStringSubmatch(page.body)[1]
	// Logout is a change: without the form token it is refused.
	wantCode(t, "logout without token", e.request(t, e.client, http.MethodPost, "/logout", url.Values{}, nil, "Cookie", cookie, "Origin", e.base), http.StatusForbidden)
	out := e.request(t, e.client, http.MethodPost, "/logout", url.Values{"csrf": {token}}, nil, "Cookie", cookie, "Origin", e.base)
	wantCode(t, "logout", out, http.StatusSeeOther)
	if !strings.Contains(strings.Join(out.header.Values("Set-Cookie"), "\n"), "provbox_session=; Path=/; Max-Age=0") {
		t.Errorf("logout does not delete the cookie: %v", out.header.Values("Set-Cookie"))
	}
	wantCode(t, "the old session after logout", e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", cookie), http.StatusUnauthorized)
	forged := "provbox_session=" + strings.Repeat("ab", 32)
	wantCode(t, "a made-up session", e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", forged), http.StatusUnauthorized)
}

func TestSessionIdleExpiry(t *testing.T) {
	e := newEnvWith(t, func(c *web.Config) { c.SessionIdle = 10 * time.Minute })
	cookie := "provbox_session=" + e.sessionCookie(t, e.client).Value
	for range 3 { // used within the idle time, it lives on
		e.clock.Add(9 * time.Minute)
		wantCode(t, "active session", e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", cookie), http.StatusOK)
	}
	e.clock.Add(10 * time.Minute)
	wantCode(t, "idle session", e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", cookie), http.StatusUnauthorized)
	// Whatever its use, a session ends 12 hours after login.
	cookie = "provbox_session=" + e.sessionCookie(t, e.client).Value
	for range 13 * 7 { // 13h39m
		e.clock.Add(9 * time.Minute)
		if e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", cookie).code != http.StatusOK {
			return
		}
	}
	t.Error("a session used every 9 minutes outlives 12 hours")
}

// TestSessionTableBounded: a flood of logins keeps at most 64 sessions;
// the least recently used go first, an active one stays.
func TestSessionTableBounded(t *testing.T) {
	e := newEnv(t)
	keep := "provbox_session=" + e.sessionCookie(t, e.client).Value
	first := "provbox_session=" + e.sessionCookie(t, e.client).Value
	for i := range 100 {
		e.clock.Add(time.Second)
		if i%10 == 0 {
			wantCode(t, "active session", e.request(t, e.client, http.MethodGet, "/accounts", nil, nil, "Cookie", keep), http.StatusOK)
		}
		e.sessionCookie(t, e.client)
	}
	wantCode(t, "the active session after the flood", e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", keep), http.StatusOK)
	wantCode(t, "the oldest idle session after the flood", e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", first), http.StatusUnauthorized)
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	e := newEnv(t)
	cookie := "provbox_session=" + e.sessionCookie(t, e.client).Value
	if err := e.srv.ReloadPassword(); err != nil { // same password: sessions stay
		t.Fatal(err)
	}
	wantCode(t, "after reloading the same password", e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", cookie), http.StatusOK)
	if err := os.WriteFile(e.pwFile, []byte("a new password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.ReloadPassword(); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "after a password change", e.request(t, e.client, http.MethodGet, "/devices", nil, nil, "Cookie", cookie), http.StatusUnauthorized)
}

// TestLoginNext: after login the browser goes back to the page it asked
// for, never to another site.
func TestLoginNext(t *testing.T) {
	e := newEnv(t)
	for next, want := range map[string]string{
		"/devices?q=t54": "/devices?q=t54", "//evil.example/x": "/", "https://evil.example/": "/",
		"/\\evil.example": "/", "": "/", "devices": "/",
	} {
		form := url.Values{"user": {web.User}, "password": {testPassword}, "next": {next}}
		r := e.request(t, e.client, http.MethodPost, "/login", form, nil, "Origin", e.base)
		if r.code != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Errorf("next %q: %d to %q, want 303 to %q", next, r.code, r.header.Get("Location"), want)
		}
	}
	form := url.Values{"user": {web.User}, "password": {testPassword}}
	wantCode(t, "login from another site", e.request(t, e.client, http.MethodPost, "/login", form, nil, "Origin", "http://evil.example"), http.StatusForbidden)
	// The login form a page asks for carries that page as next, escaped.
	r := e.request(t, e.client, http.MethodGet, `/devices?q="><b>x`, nil, nil)
	if !strings.Contains(r.body, `name="next" value="/devices?q=%22%3E%3Cb%3Ex"`) && !strings.Contains(r.body, `name="next" value="/devices?q=&#34;&gt;&lt;b&gt;x"`) {
		t.Errorf("login form for a page: next not kept or not escaped:\n%s", r.body)
	}
}

func TestWebTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	e := newEnvWith(t, func(c *web.Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	e.client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool}
	ck := e.sessionCookie(t, e.client)
	if !ck.Secure {
		t.Errorf("session cookie over TLS is not Secure: %+v", ck)
	}
	wantCode(t, "page over TLS", e.get(t, "/devices"), http.StatusOK)
	// Plain HTTP gets Go's "client sent an HTTP request to an HTTPS
	// server" 400 at most, never a page.
	if r, err := newClient(nil).Get(strings.Replace(e.base, "https:", "http:", 1) + "/login"); err == nil {
		r.Body.Close()
		if r.StatusCode == http.StatusOK {
			t.Error("the TLS listener answers plain HTTP with a page")
		}
	}
	_, err := web.New(web.Config{Addr: "127.0.0.1:0", PasswordFile: e.pwFile, TLSCert: certFile}, e.svc, nil)
	if err == nil || !strings.Contains(err.Error(), "both a certificate and a key") {
		t.Errorf("cert without key: %v", err)
	}
	_, err = web.New(web.Config{Addr: "127.0.0.1:0", PasswordFile: e.pwFile, TLSCert: keyFile, TLSKey: keyFile}, e.svc, nil)
	if err == nil || !strings.Contains(err.Error(), "loading TLS certificate") {
		t.Errorf("bad cert: %v", err)
	}
}

// selfSigned writes a fresh self-signed certificate for 127.0.0.1 and its
// key to dir and returns their paths and a pool trusting it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "provbox test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	for p, b := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "EC PRIVATE KEY", Bytes: kder}} {
		if err := os.WriteFile(p, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
