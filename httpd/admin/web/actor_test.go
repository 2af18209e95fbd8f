package web_test

import (
	"net/http"
	"testing"

	"github.com/provbox/provbox/provisioning"
)

// A change made in the web UI is audited with its actor: the web user and
// the browser's address.
func TestWebChangeAuditsActor(t *testing.T) {
	e := newEnv(t)
	e.addOffice(t)
	wantCode(t, "adding a device", e.post(t, "/devices", deviceForm("80:5e:c0:de:ad:02", [3]string{"301", "pw", "A"})), http.StatusSeeOther)
	es, err := e.svc.Events(t.Context(), provisioning.EventFilter{MAC: provisioning.MAC{0x80, 0x5e, 0xc0, 0xde, 0xad, 0x02}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range es {
		if ev.Actor == "web:admin@127.0.0.1" {
			return
		}
	}
	t.Fatalf("no audit line with actor web:admin@127.0.0.1 in %+v", es)
}
