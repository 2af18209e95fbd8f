package tftp

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	pintftp "github.com/pin/tftp/v3"
)

const (
	acct = "q3Z9xWk2LmN8pR4tV6yB1cD0"
	dev  = "Hf7_Jk-2Ls9Qw3Er5Ty8Ui1O"
)

func TestRedactName(t *testing.T) {
	for in, want := range map[string]string{
		"001565aabbcc.cfg":                      "001565aabbcc.cfg",
		"/spa504G.cfg":                          "/spa504G.cfg",
		acct + "/" + dev + "/001565aabbcc.cfg":  "q3Z9…/Hf7_…/001565aabbcc.cfg",
		"/" + acct + "/" + dev + "/cfg0004.xml": "/q3Z9…/Hf7_…/cfg0004.xml",
	} {
		if got := redactName(in); got != want {
			t.Errorf("redactName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := redactName(strings.Repeat("a.", 3000)); len(got) > maxLoggedName+len("…") {
		t.Errorf("long name logged as %d bytes", len(got))
	}
}

// TestLogsHoldNoHashes serves a secret path and a refusal with debug
// logging on: transfers are logged, full hashes never.
func TestLogsHoldNoHashes(t *testing.T) {
	var buf syncBuffer
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

// FuzzRedactName: whatever the name, the logged form holds no hash-shaped
// run and stays bounded.
func FuzzRedactName(f *testing.F) {
	f.Add(acct + "/" + dev + "/001565aabbcc.cfg")
	f.Add("/" + acct + dev)
	f.Fuzz(func(t *testing.T, name string) {
		got := redactName(name)
		if hasHashRun(got) {
			t.Fatalf("redactName(%q) = %q keeps a hash-shaped run", name, got)
		}
		if len(got) > maxLoggedName+len("…") {
			t.Fatalf("redactName(%q) is %d bytes", name, len(got))
		}
	})
}
