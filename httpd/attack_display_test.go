package httpd

import (
	"testing"

	"github.com/provbox/provbox/provisioning"
)

// TestE2EAttackerTerminalControlsNotAudited: a host on the LAN puts C1
// controls (U+009B is CSI, U+009D OSC, U+009C ST: a terminal that reads
// UTF-8 acts on them as on ESC [ and ESC ]), a bidi override (U+202E) and
// raw non-UTF-8 bytes into a request path (percent-encoded) and the
// User-Agent (obs-text, which header validation lets through). None may
// reach the audit trail as it came: `provbox events` prints the file
// column, `provbox events --csv` the User-Agent, straight to an admin's
// terminal, where they would clear the screen, plant a hyperlink or
// reorder what the admin reads.
func TestE2EAttackerTerminalControlsNotAudited(t *testing.T) {
	e := newE2E(t, provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1})
	requests := []struct{ target, ua string }{
		{"/%C2%9B2J%C2%9B1Ay000000000000.cfg", e2eUA},
		{"/%C2%9D8;;http:%2F%2Fevil.example%C2%9Cx.cfg", e2eUA},
		{"/%E2%80%AEgfc.000000000000", e2eUA},
		{"/%9B2J.cfg", e2eUA},
		{"/805ec0aabbcc.cfg", "Yealink SIP-T46U 108.86.0.20 \xc2\x9b2J\xc2\x9b1A\x9b 80:5e:c0:aa:bb:cc"},
		{"/805ec0aabbcd.cfg", "Yealink SIP-T46U 108.86.0.20 \xe2\x80\xae 80:5e:c0:aa:bb:cd"},
		{"/805ec0aabbce.cfg", "Yealink SIP-T46U\t108.86.0.20 80:5e:c0:aa:bb:ce"},
	}
	for _, r := range requests {
		if status, _, _ := e.get(t, r.target, r.ua); status != 404 {
			t.Fatalf("GET %s: status %d, want the plain refusal 404", r.target, status)
		}
	}
	es, err := e.svc.Events(t.Context(), provisioning.EventFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range es {
		n += ev.Times() // refusals alike fold into one line
	}
	if n < len(requests) {
		t.Fatalf("audit lines for %d requests, want %d", n, len(requests))
	}
	for _, ev := range es {
		for field, v := range map[string]string{"file": ev.File, "ua": ev.UA, "reason": ev.Reason} {
			if bad, ok := unprintable(v); ok {
				t.Errorf("audit line %d: %s %q holds %q, which a terminal or the page would act on", ev.ID, field, v, bad)
			}
		}
	}
}
