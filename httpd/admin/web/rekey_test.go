package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// The device page shows a rekey's pending old URL redacted, with its end,
// and never the old secret.
func TestDevicePageShowsOldURLRedacted(t *testing.T) {
	e := newEnv(t)
	e.svc.Reload(provisioning.Config{BaseURL: "http://10.20.0.2", RotationGrace: 168 * time.Hour}, e.svc.Registry())
	m := addDevice(t, e)
	d, _ := e.svc.Device(m)
	old := e.svc.View(d)
	wantCode(t, "rekey", e.post(t, "/devices/805ec0112233/rekey", url.Values{"back": {"device"}}), http.StatusSeeOther)
	d, _ = e.svc.Device(m)
	v := e.svc.View(d)
	if len(v.OldPaths) != 1 {
		t.Fatalf("old paths after the rekey: %+v", v.OldPaths)
	}
	r := e.get(t, "/devices/805ec0112233")
	shown := v.OldPaths[0].Shown
	if !strings.Contains(r.body, "Old URLs") || !strings.Contains(r.body, shown) || !strings.Contains(r.body, "device rekey") {
		t.Fatalf("device page does not show the old URL %s:\n%s", shown, r.body)
	}
	if strings.Contains(r.body, string(old.Hash)) || strings.Contains(r.body, old.SecretURL) {
		t.Fatal("device page shows the old secret")
	}
}

// The confirmation offers a rekey without grace, which leaves no old URL.
func TestRekeyWithoutGraceFromTheUI(t *testing.T) {
	e := newEnv(t)
	e.svc.Reload(provisioning.Config{BaseURL: "http://10.20.0.2", RotationGrace: 168 * time.Hour}, e.svc.Registry())
	m := addDevice(t, e)
	wantCode(t, "rekey", e.post(t, "/devices/805ec0112233/rekey", url.Values{"back": {"device"}}), http.StatusSeeOther)
	if r := e.get(t, "/devices/805ec0112233/rekey"); !strings.Contains(r.body, `name="no_grace"`) {
		t.Fatalf("the rekey confirmation offers no rekey without grace:\n%s", r.body)
	}
	wantCode(t, "rekey without grace", e.post(t, "/devices/805ec0112233/rekey", url.Values{"back": {"device"}, "no_grace": {"1"}}), http.StatusSeeOther)
	d, _ := e.svc.Device(m)
	if v := e.svc.View(d); len(v.OldPaths) != 0 {
		t.Fatalf("old URLs after a rekey without grace: %+v", v.OldPaths)
	}
	if r := e.get(t, "/devices/805ec0112233/remove"); strings.Contains(r.body, `name="no_grace"`) {
		t.Error("the remove confirmation offers a grace choice")
	}
}
