package tftp

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	pintftp "github.com/pin/tftp/v3"

	"github.com/provbox/provbox/provisioning/provtest"
)

const (
	acct = "q3Z9xWk2LmN8pR4tV6yB1cD0"
	dev  = "Hf7_Jk-2Ls9Qw3Er5Ty8Ui1O"
)

// TestLogsHoldNoHashes serves a secret path and a refusal with debug
// logging on: transfers are logged, full hashes never.
func TestLogsHoldNoHashes(t *testing.T) {
	var buf provtest.LogBuffer
	core := newFakeCore()
	name := acct + "/" + dev + "/001565aabbcc.cfg"
	core.files[name] = []byte("account.1.password = hunter2\n")
	s, err := New(Config{}, core, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, s)
	c, _ := pintftp.NewClient(r.addr)
	for _, n := range []string{name, acct + "/" + dev + "/nope.cfg"} {
		if wt, err := c.Receive(n, "octet"); err == nil {
			wt.WriteTo(io.Discard)
		}
	}
	r.stop(t, 10*time.Second)
	log := buf.String()
	for _, want := range []string{"transfer done", "transfer refused", "q3Z9…/Hf7_…/001565aabbcc.cfg", "component=tftp"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{acct, dev, "hunter2"} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q:\n%s", secret, log)
		}
	}
}
