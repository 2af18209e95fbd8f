package httpd

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

const (
	acct = "q3Z9xWk2LmN8pR4tV6yB1cD0"
	dev  = "Hf7_Jk-2Ls9Qw3Er5Ty8Ui1O"
)

// TestLogsHoldNoHashes serves a secret URL with debug logging on and
// checks that no full hash reaches the log.
func TestLogsHoldNoHashes(t *testing.T) {
	var buf bytes.Buffer
	core := coreWithFile()
	s, err := New(Config{}, core, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, s, false)
	resp, err := http.Get("http://" + r.addr + "/" + acct + "/" + dev + "/001565aabbcc.cfg")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.stop(t)
	log := buf.String()
	if !strings.Contains(log, "q3Z9…/Hf7_…/001565aabbcc.cfg") || !strings.Contains(log, "component=httpd") {
		t.Errorf("request not logged as expected:\n%s", log)
	}
	if strings.Contains(log, acct) || strings.Contains(log, dev) {
		t.Errorf("full hash in the log:\n%s", log)
	}
}
