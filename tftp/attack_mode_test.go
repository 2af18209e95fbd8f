package tftp

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/provtest"
)

// TestTransferModeLoggedAsAWord: the mode of a read request is the
// client's string, and pin/tftp serves whatever it says (as octet). The
// "transfer done" line, one per transfer of a common file anyone may
// read, carried it whole: 100 bytes of the sender's text, escape
// sequences included, per line. The log names the mode as one of the
// RFC 1350 words, or "other".
func TestTransferModeLoggedAsAWord(t *testing.T) {
	var buf provtest.LogBuffer
	core := newFakeCore()
	core.files["y000000000000.cfg"] = []byte("#!version:1.0.0.1\n")
	s, err := New(Config{}, core, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, s)
	for _, mode := range []string{"OcTeT", "netascii", "octet\x1b[2J" + strings.Repeat("M", 100)} {
		c := dialRaw(t)
		c.send(r.addr, request(1, "y000000000000.cfg", mode))
		if p := c.recv(); p[1] != 3 {
			t.Fatalf("mode %q: want DATA, got %q", mode, p)
		}
		c.ack(1)
	}
	if err := r.stop(t, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	for _, want := range []string{"mode=octet", "mode=netascii", "mode=other"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	if strings.Contains(log, "MMMM") || strings.Contains(log, `\x1b`) {
		t.Errorf("the client's mode text is in the log:\n%s", log)
	}
}
