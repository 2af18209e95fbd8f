package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/web"
)

// TestPendingAdopt: the pending page lists what Config.Pending gives,
// escaped; Adopt opens the add-device form pre-filled from the sighting,
// and adding the device from it works.
func TestPendingAdopt(t *testing.T) {
	seen := time.Now().Add(-time.Minute)
	phones := []web.PendingPhone{{MAC: "80:5e:c0:de:ad:01", Vendor: "yealink", Model: "T54W", VendorClass: "yealink SIP-T54W",
		UA: `Yealink SIP-T54W <img src=x>`, IP: "10.20.0.150", Source: "http", FirstSeen: seen, LastSeen: seen, Requests: 3}}
	e := newEnvWith(t, func(c *web.Config) { c.Pending = func() ([]web.PendingPhone, error) { return phones, nil } })
	e.addOffice(t)
	r := e.get(t, "/pending")
	adopt := `href="/devices/new?adopt=1&amp;mac=80%3A5e%3Ac0%3Ade%3Aad%3A01&amp;model=T54W&amp;vendor=yealink"`
	if r.code != http.StatusOK || !strings.Contains(r.body, "80:5e:c0:de:ad:01") || !strings.Contains(r.body, adopt) ||
		strings.Contains(r.body, "<img") {
		t.Fatalf("pending page: %d\n%s", r.code, r.body)
	}
	if d := e.get(t, "/"); !strings.Contains(d.body, `<span class="n">1</span>pending phones`) || !strings.Contains(d.body, adopt) {
		t.Errorf("dashboard lacks the pending phone:\n%s", d.body)
	}
	f := e.get(t, "/devices/new?adopt=1&mac=80%3A5e%3Ac0%3Ade%3Aad%3A01&model=T54W&vendor=yealink")
	for _, want := range []string{`name="mac" value="80:5e:c0:de:ad:01"`, `<option value="yealink" selected>`, `name="model" value="T54W"`} {
		if !strings.Contains(f.body, want) {
			t.Errorf("the adopt form lacks %s", want)
		}
	}
	wantCode(t, "adding the adopted phone", e.post(t, "/devices", deviceForm("80:5e:c0:de:ad:01", [3]string{"300", "pw", "Adopted"})), http.StatusSeeOther)

	// A core that keeps no pending list: the page says so.
	plain := newEnvOver(t, func(s web.Core) web.Core { return struct{ web.Core }{s} }, nil)
	if r := plain.get(t, "/pending"); !strings.Contains(r.body, `id="pending-off"`) {
		t.Errorf("untracked pending page:\n%s", r.body)
	}
}
