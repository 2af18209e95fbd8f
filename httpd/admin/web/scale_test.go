package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/web"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// bigOffice is a web UI over a core holding n devices (two vendors, one
// line each, every tenth locked), with a logged-in session cookie.
func bigOffice(t testing.TB, n int) (http.Handler, string) {
	t.Helper()
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://10.20.0.2"})
	ctx := context.Background()
	if _, err := svc.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx.example"}); err != nil {
		t.Fatal(err)
	}
	ds := make([]provisioning.Device, n)
	for i := range ds {
		vendor, model := "yealink", "T54W"
		if i%2 == 1 {
			vendor, model = "snom", "D785"
		}
		ds[i] = provisioning.Device{MAC: provisioning.MAC{0x00, 0x15, 0x65, byte(i >> 16), byte(i >> 8), byte(i)}, Account: "office",
			Vendor: vendor, Model: model, Lines: []provisioning.Line{{Extension: fmt.Sprint(10000 + i), Password: "pw-secret-" + fmt.Sprint(i),
				DisplayName: fmt.Sprintf("Desk %d <b>", i)}}}
	}
	if _, err := svc.ImportDevices(ctx, ds); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i += 10 {
		if _, err := svc.LockDevice(ctx, ds[i].MAC); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := web.New(web.Config{Addr: "127.0.0.1:0", PasswordFile: passwordFile(t, 0o600, testPassword)}, svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	rec := httpPost(h, "/login", url.Values{"user": {web.User}, "password": {testPassword}})
	for _, c := range rec.Result().Cookies() {
		if c.Name == "provbox_session" {
			return h, c.Name + "=" + c.Value
		}
	}
	t.Fatalf("login: %d", rec.Code)
	return nil, ""
}

// scaleQueries are devices pages an admin of a big office asks for:
// every sort both ways, each filter, a search, a far page.
func scaleQueries() []string {
	qs := []string{"/devices", "/devices?q=00-15-65-00-03-E7", "/devices?q=desk+77", "/devices?vendor=snom&state=open&page=15",
		"/devices?state=locked&sort=last_seen&dir=desc", "/devices?account=office&page=15", "/devices?q=t54w&sort=ip"}
	for _, col := range []string{"mac", "account", "vendor", "model", "lines", "state", "last_seen", "ip"} {
		qs = append(qs, "/devices?sort="+col, "/devices?sort="+col+"&dir=desc&page=7")
	}
	return qs
}

// httpPost posts form to h without a socket.
func httpPost(h http.Handler, path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func get(h http.Handler, cookie, path string, gzip bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Cookie", cookie)
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestDevicesPageAt10000: with 10,000 devices every devices page (any
// filter, any sort) is under 100 KB before compression, holds at most
// 50 devices and no password. The server time of each is logged (see
// BenchmarkDevicesPage for a measurement); it is not asserted.
func TestDevicesPageAt10000(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 devices take a few seconds to set up")
	}
	n := 10000
	if raceEnabled { // the bounds hold per page whatever the office size
		n = 2000
	}
	h, cookie := bigOffice(t, n)
	for _, q := range scaleQueries() {
		start := time.Now()
		rec := get(h, cookie, q, false)
		took := time.Since(start)
		body := rec.Body.String()
		rows := strings.Count(body, `<td class="pick">`)
		gz := get(h, cookie, q, true)
		t.Logf("%-48s %3d rows %6d bytes (%5d gzipped) %v", q, rows, len(body), gz.Body.Len(), took.Round(100*time.Microsecond))
		if rec.Code != http.StatusOK || rows == 0 || rows > 50 {
			t.Errorf("%s: status %d, %d rows", q, rec.Code, rows)
		}
		if len(body) >= 100<<10 {
			t.Errorf("%s: %d bytes, want under 100 KB", q, len(body))
		}
		if strings.Contains(body, "pw-secret-") || strings.Contains(body, "<b>") {
			t.Errorf("%s: the page shows a password or unescaped markup", q)
		}
		if gz.Header().Get("Content-Encoding") != "gzip" || (len(body) > 20000 && gz.Body.Len() >= len(body)/3) {
			t.Errorf("%s: gzip %q, %d of %d bytes", q, gz.Header().Get("Content-Encoding"), gz.Body.Len(), len(body))
		}
	}
}

// BenchmarkDevicesPage measures the server time of a devices page with
// 10,000 devices, one query of scaleQueries per iteration in turn.
func BenchmarkDevicesPage(b *testing.B) {
	h, cookie := bigOffice(b, 10000)
	qs := scaleQueries()
	cpu0 := cpuTime()
	n := 0
	for i := 0; b.Loop(); i++ {
		if rec := get(h, cookie, qs[i%len(qs)], false); rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", qs[i%len(qs)], rec.Code)
		}
		n++
	}
	// CPU time per page, which a machine shared with other work inflates
	// less than the wall time ns/op reports.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
