// Package provtest builds real provisioning cores for the tests of the
// packages around it (servers, CLI, tools): the SQLite store in a
// temporary directory and the built-in vendor registry, no fakes.
package provtest

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// Account is the account AddPhone files its devices under.
const Account = "office"

// Service opens the store in dir (a fresh t.TempDir() when dir is "") and
// returns a core with cfg; both are closed at cleanup, the core first so
// its queued audit lines reach the store.
func Service(t testing.TB, dir string, cfg provisioning.Config) *provisioning.Service {
	t.Helper()
	svc, _ := ServiceWith(t, dir, cfg, nil)
	return svc
}

// ServiceWith is Service logging to log (nil: nowhere), and returns the
// store as well, for tests that look at what it keeps.
func ServiceWith(t testing.TB, dir string, cfg provisioning.Config, log *slog.Logger) (*provisioning.Service, *store.Store) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	reg, err := profile.New("")
	if err != nil {
		st.Close()
		t.Fatalf("vendor.New: %v", err)
	}
	svc, err := provisioning.New(context.Background(), cfg, st, reg, log)
	if err != nil {
		st.Close()
		t.Fatalf("provisioning.New: %v", err)
	}
	t.Cleanup(func() { svc.Close(); st.Close() })
	return svc, st
}

// Phone is a device with one SIP line.
type Phone struct {
	MAC      provisioning.MAC
	Vendor   string
	Model    string
	Password string
}

// AddPhone adds p (and the account, the first time) as an admin would.
func AddPhone(t testing.TB, svc *provisioning.Service, p Phone) provisioning.DeviceView {
	t.Helper()
	ctx := context.Background()
	_, err := svc.AddAccount(ctx, provisioning.Account{Name: Account, SIPServer: "pbx.example.org", TimeZone: "Europe/Berlin"})
	if err != nil && !errors.Is(err, provisioning.ErrExists) {
		t.Fatalf("adding account: %v", err)
	}
	d, err := svc.AddDevice(ctx, provisioning.Device{MAC: p.MAC, Account: Account, Vendor: p.Vendor, Model: p.Model,
		Lines: []provisioning.Line{{Extension: "201", Password: p.Password, DisplayName: "Reception"}}})
	if err != nil {
		t.Fatalf("adding device: %v", err)
	}
	return svc.View(d)
}
