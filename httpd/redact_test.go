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

func TestRedactPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/y000000000028.cfg", "/y000000000028.cfg"},
		{"/001565aabbcc.cfg", "/001565aabbcc.cfg"},
		{"/SEP001122334455.cnf.xml", "/SEP001122334455.cnf.xml"},
		{"/" + acct + "/" + dev + "/001565aabbcc.cfg", "/q3Z9…/Hf7_…/001565aabbcc.cfg"},
		// Escaping a hash does not smuggle it into the log.
		{"/%71" + acct[1:] + "/x.cfg", "/q3Z9…/x.cfg"},
		{"/" + acct + "x.cfg", "/q3Z9…"},
		{"/%2e%2e/etc/passwd", "/../etc/passwd"},
		{"/bad%zzescape", "/bad%zzescape"},
	}
	for _, c := range cases {
		if got := redactPath(c.in); got != c.want {
			t.Errorf("redactPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := redactPath("/" + strings.Repeat("a.", 2000)); len(got) > maxLoggedPath+len("…") {
		t.Errorf("long path logged as %d bytes", len(got))
	}
}

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

// FuzzRedactPath: whatever the path, the logged form holds no hash-shaped
// run and stays bounded.
func FuzzRedactPath(f *testing.F) {
	f.Add("/" + acct + "/" + dev + "/001565aabbcc.cfg")
	f.Add("/%71" + acct[1:] + "%2F" + dev)
	f.Add("/%zz/" + acct)
	f.Fuzz(func(t *testing.T, p string) {
		got := redactPath(p)
		if hasHashRun(got) {
			t.Fatalf("redactPath(%q) = %q keeps a hash-shaped run", p, got)
		}
		if len(got) > maxLoggedPath+len("…") {
			t.Fatalf("redactPath(%q) is %d bytes", p, len(got))
		}
	})
}
