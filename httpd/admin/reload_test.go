package admin

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// TestReloadOverSocket: the client waits for the daemon's reloader and
// gets its outcome: the keys that need a restart, or a 422 whose message
// is the reason the file was refused.
func TestReloadOverSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	refuse := errors.New(`provbox.toml:16: unknown key "bans.max_retyr"`)
	var refusing atomic.Bool
	h := New(fakeCore{}, "test", nil)
	h.SetReloader(func(context.Context) (Reload, error) {
		if refusing.Load() {
			return Reload{}, refuse
		}
		return Reload{File: "/etc/provbox/provbox.toml"}, nil
	})
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	c := Dial(path)
	defer c.Close()

	res, err := c.Reload(t.Context())
	if err != nil || res.File != "/etc/provbox/provbox.toml" || res.RestartNeeded == nil {
		t.Fatalf("reload: %+v %v", res, err)
	}
	refusing.Store(true)
	_, err = c.Reload(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != http.StatusUnprocessableEntity || ae.Message != refuse.Error() {
		t.Fatalf("refused reload: %v", err)
	}
}
