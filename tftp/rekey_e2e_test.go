package tftp

import (
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestE2ERekeyGrace over TFTP: a provisioned phone whose device, then
// account, is rekeyed follows its old path's redirect to the new one and
// is served there; an old path the phone never left dies with the grace.
func TestE2ERekeyGrace(t *testing.T) {
	const grace = 7 * 24 * time.Hour
	clk := provtest.NewClock(time.Now())
	cfg := provisioning.Config{BaseURL: "tftp://127.0.0.1", Checks: provisioning.DefaultChecks(true), RotationGrace: grace,
		Now: clk.Now, Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}}
	svc := provtest.Service(t, "", cfg)
	provtest.AddPhone(t, svc, provtest.Phone{MAC: e2eMAC, Vendor: "yealink", Model: "T46U", Password: e2ePassword})
	renew := func() {
		l := provisioning.Lease{IP: localhost, MAC: e2eMAC, Expires: clk.Now().Add(12 * time.Hour)}
		if err := svc.CommitLease(t.Context(), l); err != nil {
			t.Fatal(err)
		}
	}
	renew()
	addr := start(t, newServer(t, Config{}, svc)).addr
	current := func() string {
		d, err := svc.Device(e2eMAC)
		if err != nil {
			t.Fatal(err)
		}
		return svc.View(d).TFTPPath
	}
	follow := func(name string) string {
		t.Helper()
		body, err := pinFetch(t, addr, name)
		secret := secretPathRe.FindString(body)
		if err != nil || secret == "" || strings.Contains(body, e2ePassword) {
			t.Fatalf("%s: %v, want a redirect without credentials:\n%s", provisioning.RedactPath(name, false), err, body)
		}
		return secret
	}
	wantConfig := func(name string) {
		t.Helper()
		if body, err := pinFetch(t, addr, name); err != nil || !strings.Contains(body, e2ePassword) {
			t.Fatalf("%s: %v, want the full config", provisioning.RedactPath(name, false), err)
		}
	}
	wantRefused := func(name, when string) {
		t.Helper()
		if _, err := pinFetch(t, addr, name); err == nil || !strings.Contains(err.Error(), "file not found") {
			t.Fatalf("old path %s: %v, want file not found", when, err)
		}
	}

	p0 := follow(e2eFile)
	wantConfig(p0 + e2eFile)
	if _, err := svc.RekeyDevice(t.Context(), e2eMAC); err != nil {
		t.Fatal(err)
	}
	p1 := follow(p0 + e2eFile)
	if p1 != current() {
		t.Fatal("the old path does not redirect to the new one")
	}
	wantConfig(p1 + e2eFile)
	clk.Add(10 * time.Minute) // once the phone has moved, the old path ends within minutes
	wantRefused(p0+e2eFile, "after the phone moved")

	if _, err := svc.RekeyAccount(t.Context(), provtest.Account); err != nil {
		t.Fatal(err)
	}
	if follow(p1[1:]+e2eFile) != current() { // phones differ on the leading slash
		t.Fatal("after the account rekey the old path does not redirect to the new one")
	}
	clk.Add(grace)
	renew()
	wantRefused(p1+e2eFile, "after the grace")
	wantConfig(current() + e2eFile)
}
