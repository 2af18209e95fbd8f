package tftp

import (
	"testing"

	"github.com/provbox/provbox/provisioning"
)

// TestE2EAttackerTerminalControlsInFileName: TFTP names are taken
// literally, so an attacker's RRQ carries raw bytes: an 8-bit CSI
// (0x9b), a UTF-8 encoded one (U+009B), a bidi override. Each is refused
// like any malformed name, and none reaches the audit trail that `provbox
// events` prints to an admin's terminal.
func TestE2EAttackerTerminalControlsInFileName(t *testing.T) {
	svc, addr := newE2E(t)
	names := []string{"\x9b2J805ec0112233.cfg", "\xc2\x9b2J\xc2\x9b1Ay000000000000.cfg", "\xe2\x80\xaegfc.000000000000",
		"\xc2\x9d8;;http://evil.example\xc2\x9cx.cfg"}
	for _, name := range names {
		c := dialRaw(t)
		c.send(addr, request(1, name, "octet"))
		if code, _ := parseError(t, c.recv()); code != 1 {
			t.Fatalf("RRQ %q: error code %d, want 1 (file not found)", name, code)
		}
	}
	es, err := svc.Events(t.Context(), provisioning.EventFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range es {
		n += ev.Times()
		if ev.File != provisioning.Printable(ev.File) || ev.UA != provisioning.Printable(ev.UA) {
			t.Errorf("audit line %d keeps what a terminal acts on: file %q, ua %q", ev.ID, ev.File, ev.UA)
		}
	}
	if n < len(names) {
		t.Fatalf("audit lines for %d requests, want %d", n, len(names))
	}
}
