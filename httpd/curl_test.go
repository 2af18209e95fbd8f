package httpd

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// curl is the independent HTTP client (Debian package curl); the test
// skips when it is absent.
func curl(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed (Debian package curl): skipping interop test")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append([]string{"-sS", "--max-time", "20"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestCurl(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	base := "http://" + r.addr
	want := string(core.files["/y000000000028.cfg"].Body)
	if got := curl(t, "-A", yealinkUA, base+"/y000000000028.cfg"); got != want {
		t.Errorf("GET: %q, want %q", got, want)
	}
	if got := curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-z", modTime.Format(time.RFC1123), base+"/y000000000028.cfg"); got != "304" {
		t.Errorf("conditional GET: status %s, want 304", got)
	}
	head := curl(t, "-I", base+"/y000000000028.cfg")
	if !strings.HasPrefix(head, "HTTP/1.1 200") || !strings.Contains(head, fmt.Sprintf("Content-Length: %d", len(want))) {
		t.Errorf("HEAD:\n%s", head)
	}
	for _, p := range []string{"/../etc/passwd", "/%2e%2e/etc/passwd"} {
		if got := curl(t, "--path-as-is", "-w", "%{http_code}", base+p); got != "404 page not found\n404" {
			t.Errorf("%s: %q", p, got)
		}
	}
	// Two URLs in one curl run share the connection (keep-alive).
	out := curl(t, "-v", "-o", "/dev/null", "-o", "/dev/null", base+"/y000000000028.cfg", base+"/y000000000028.cfg")
	if !strings.Contains(out, "Re-using existing connection") {
		t.Errorf("curl did not reuse the connection:\n%s", out)
	}
	if reqs := core.requests(); len(reqs) < 6 || reqs[0].UserAgent != yealinkUA {
		t.Errorf("core saw %d requests, first %+v", len(reqs), reqs[0])
	}
}
