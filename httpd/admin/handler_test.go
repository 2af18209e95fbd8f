package admin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// fakeCore answers every call with err (nil: an empty success). It has no
// ban methods, so the ban routes must answer 501.
type fakeCore struct{ err error }

func (f fakeCore) AddAccount(ctx context.Context, a provisioning.Account) (provisioning.Account, error) {
	return a, f.err
}
func (f fakeCore) Accounts() []provisioning.Account { return nil }
func (f fakeCore) Account(name string) (provisioning.Account, error) {
	return provisioning.Account{Name: name}, f.err
}
func (f fakeCore) RekeyAccount(ctx context.Context, name string) (provisioning.Account, error) {
	return provisioning.Account{}, f.err
}
func (f fakeCore) AddDevice(ctx context.Context, d provisioning.Device) (provisioning.Device, error) {
	return d, f.err
}
func (f fakeCore) ImportDevices(ctx context.Context, ds []provisioning.Device) ([]provisioning.Device, error) {
	return ds, f.err
}
func (f fakeCore) Devices() []provisioning.Device { return nil }
func (f fakeCore) Device(m provisioning.MAC) (provisioning.Device, error) {
	return provisioning.Device{MAC: m}, f.err
}
func (f fakeCore) RemoveDevice(ctx context.Context, m provisioning.MAC) error { return f.err }
func (f fakeCore) LockDevice(ctx context.Context, m provisioning.MAC) (provisioning.Device, error) {
	return provisioning.Device{}, f.err
}
func (f fakeCore) UnlockDevice(ctx context.Context, m provisioning.MAC, d time.Duration) (provisioning.Device, error) {
	return provisioning.Device{}, f.err
}
func (f fakeCore) RekeyDevice(ctx context.Context, m provisioning.MAC) (provisioning.Device, error) {
	return provisioning.Device{}, f.err
}
func (f fakeCore) View(d provisioning.Device) provisioning.DeviceView {
	return provisioning.DeviceView{Device: d, State: "open"}
}
func (f fakeCore) Leases() []provisioning.Lease { return nil }
func (f fakeCore) Events(ctx context.Context, ef provisioning.EventFilter) ([]provisioning.Event, error) {
	return nil, f.err
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		err  error
		code int
	}{
		{nil, http.StatusOK},
		{fmt.Errorf("device x: %w", provisioning.ErrNotFound), http.StatusNotFound},
		{fmt.Errorf("device x: %w", provisioning.ErrExists), http.StatusConflict},
		{fmt.Errorf("%w: line 1: password is empty", provisioning.ErrInvalid), http.StatusBadRequest},
		{errors.New("disk on fire"), http.StatusInternalServerError},
	}
	for _, tc := range cases {
		h := New(fakeCore{tc.err}, "test", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/devices/805ec0112233", nil))
		if rec.Code != tc.code {
			t.Errorf("%v: status %d, want %d", tc.err, rec.Code, tc.code)
		}
		if tc.err != nil && !strings.Contains(rec.Body.String(), `"error": "`+tc.err.Error()) {
			t.Errorf("%v: body %s does not carry the core's message", tc.err, rec.Body)
		}
	}
}

func TestBadRequests(t *testing.T) {
	h := New(fakeCore{}, "test", nil)
	cases := []struct {
		method, path, body, want string
		code                     int
	}{
		{"GET", "/v1/devices/80:5e:c0", "", `malformed MAC \"80:5e:c0\"`, 400},
		{"POST", "/v1/devices", `{"mac":"805ec0112233","acount":"x"}`, `unknown field \"acount\"`, 400},
		{"POST", "/v1/devices", `{"mac":"zz"}`, `malformed MAC \"zz\"`, 400},
		{"POST", "/v1/devices/import", `[]`, "import: no devices", 400},
		{"POST", "/v1/devices/import", `[{"mac":"805ec0112233"},{"mac":"nope"}]`, `device 2: malformed MAC \"nope\"`, 400},
		{"POST", "/v1/devices/805ec0112233/unlock", `{"for":"forever"}`, `duration \"forever\"`, 400},
		{"GET", "/v1/events?since=yesterday", "", `since \"yesterday\"`, 400},
		{"GET", "/v1/bans", "", "bans are not available", 501},
		{"DELETE", "/v1/bans/10.0.0.1", "", "bans are not available", 501},
		{"POST", "/v1/reload", "", "reload is not available", 501},
		{"PUT", "/v1/devices", "", "", 405},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body)))
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s %s: %d %s, want %d %q", tc.method, tc.path, rec.Code, rec.Body, tc.code, tc.want)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	h := New(fakeCore{}, "test", nil)
	rec := httptest.NewRecorder()
	big := `[{"mac":"` + strings.Repeat("a", maxBody) + `"}]`
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/devices/import", strings.NewReader(big)))
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "too large") {
		t.Errorf("oversized body: %d %s", rec.Code, rec.Body)
	}
}

// TestClientOverSocket: the client reaches the handler on a real unix
// socket, and says plainly when nothing is there.
func TestClientOverSocket(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "admin.sock")
	c := Dial(path)
	defer c.Close()
	_, err := c.Status(t.Context())
	if !errors.Is(err, ErrDaemonDown) || !strings.Contains(err.Error(), "(no socket at "+path+")") {
		t.Fatalf("no socket: %v", err)
	}

	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: New(fakeCore{fmt.Errorf("device 80:5e:c0:11:22:33: %w", provisioning.ErrExists)}, "v9", nil)}
	go srv.Serve(ln)
	st, err := c.Status(t.Context())
	if err != nil || st.Version != "v9" {
		t.Fatalf("status: %+v %v", st, err)
	}
	_, err = c.AddDevice(t.Context(), DeviceInput{MAC: "805ec0112233", Account: "a", Vendor: "yealink"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != http.StatusConflict || !errors.Is(err, provisioning.ErrExists) ||
		err.Error() != "device 80:5e:c0:11:22:33: already exists" {
		t.Fatalf("duplicate: %v", err)
	}
	srv.Close()

	// A socket file with nothing listening: a crashed daemon.
	ln2, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln2.(*net.UnixListener).SetUnlinkOnClose(false)
	ln2.Close()
	c2 := Dial(path)
	defer c2.Close()
	if _, err := c2.Status(t.Context()); !errors.Is(err, ErrDaemonDown) || !strings.Contains(err.Error(), "nothing listens on") {
		t.Fatalf("stale socket: %v", err)
	}
	os.Remove(path)
}
