package httpd

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

var modTime = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

const yealinkUA = "Yealink SIP-T46S 66.86.0.15 00:15:65:aa:bb:cc"

func coreWithFile() *fakeCore {
	f := newFakeCore()
	f.files["/y000000000028.cfg"] = provisioning.FetchReply{
		Found: true, Body: []byte("#!version:1.0.0.1\nstatic.auto_provision.pnp_enable = 0\n"),
		ContentType: "text/plain; charset=utf-8", ModTime: modTime,
	}
	return f
}

func TestGetAndHead(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	want := string(core.files["/y000000000028.cfg"].Body)
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequest(m, "http://"+r.addr+"/y000000000028.cfg", nil)
		req.Header.Set("User-Agent", yealinkUA)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", m, resp.StatusCode)
		}
		if m == http.MethodGet && string(body) != want {
			t.Errorf("GET body %q, want %q", body, want)
		}
		if m == http.MethodHead && len(body) != 0 {
			t.Errorf("HEAD body %q, want none", body)
		}
		if resp.ContentLength != int64(len(want)) {
			t.Errorf("%s: Content-Length %d, want %d", m, resp.ContentLength, len(want))
		}
		for k, v := range map[string]string{
			"Content-Type":  "text/plain; charset=utf-8",
			"Last-Modified": modTime.Format(http.TimeFormat),
			"ETag":          etag([]byte(want)),
			"Cache-Control": "private, no-cache",
		} {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", m, k, got, v)
			}
		}
	}
	reqs := core.requests()
	if len(reqs) != 2 {
		t.Fatalf("core saw %d requests, want 2", len(reqs))
	}
	want0 := provisioning.FetchRequest{Proto: "http", Path: "/y000000000028.cfg",
		RemoteIP: netip.MustParseAddr("127.0.0.1"), UserAgent: yealinkUA}
	if reqs[0] != want0 {
		t.Errorf("core got %+v, want %+v", reqs[0], want0)
	}
}

func TestConditionalGet(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	tag := etag(core.files["/y000000000028.cfg"].Body)
	cases := []struct {
		name, header, value string
		want                int
	}{
		{"if-modified-since same", "If-Modified-Since", modTime.Format(http.TimeFormat), 304},
		{"if-modified-since later", "If-Modified-Since", modTime.Add(time.Hour).Format(http.TimeFormat), 304},
		{"if-modified-since earlier", "If-Modified-Since", modTime.Add(-time.Hour).Format(http.TimeFormat), 200},
		{"if-none-match same", "If-None-Match", tag, 304},
		{"if-none-match other", "If-None-Match", `"other"`, 200},
		{"range", "Range", "bytes=0-9", 206},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://"+r.addr+"/y000000000028.cfg", nil)
			req.Header.Set(c.header, c.value)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("status %d, want %d", resp.StatusCode, c.want)
			}
		})
	}
}

// TestCoreETag: a reply that carries its ETag (a cached render's, made
// once per render) is served and validated with that tag, not a hash of
// the body made per request; plain, conditional and ranged alike.
func TestCoreETag(t *testing.T) {
	core := coreWithFile()
	f := core.files["/y000000000028.cfg"]
	f.ETag = `"from-the-core"`
	core.files["/y000000000028.cfg"] = f
	r := start(t, newServer(t, Config{}, core), false)
	cases := []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"plain", nil, 200},
		{"if-none-match core tag", map[string]string{"If-None-Match": f.ETag}, 304},
		{"if-none-match body hash", map[string]string{"If-None-Match": etag(f.Body)}, 200},
		{"range if-range core tag", map[string]string{"Range": "bytes=0-9", "If-Range": f.ETag}, 206},
		{"range if-range body hash", map[string]string{"Range": "bytes=0-9", "If-Range": etag(f.Body)}, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://"+r.addr+"/y000000000028.cfg", nil)
			for k, v := range c.hdr {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("status %d, want %d", resp.StatusCode, c.want)
			}
			if got := resp.Header.Get("Etag"); got != f.ETag {
				t.Errorf("ETag %q, want the core's %q", got, f.ETag)
			}
		})
	}
}

// TestRefusalsIdentical compares the raw bytes of every kind of refusal:
// nothing but Date's value may tell them apart.
func TestRefusalsIdentical(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	hashPath := "/" + strings.Repeat("A", provisioning.HashLen) + "/" + strings.Repeat("B", provisioning.HashLen) + "/001565aabbcc.cfg"
	targets := []string{"/001565aabbcc.cfg", "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/a/%2E%2e/b.cfg", hashPath}
	for _, m := range []string{"GET", "HEAD"} {
		var ref string
		check := func(name string, b []byte) {
			t.Helper()
			got := withoutDateValue(b)
			if !strings.HasPrefix(got, "HTTP/1.1 404 Not Found\r\n") {
				t.Fatalf("%s %s: not a 404:\n%s", m, name, got)
			}
			if ref == "" {
				ref = got
			} else if got != ref {
				t.Errorf("%s %s differs from the first refusal:\n%s\nvs\n%s", m, name, got, ref)
			}
		}
		for _, target := range targets {
			check(target, rawExchange(t, r.addr, m, target))
		}
		// A banned address asking for a file that exists gets the same 404.
		core.setBanned(netip.MustParseAddr("127.0.0.1"), true)
		check("banned", rawExchange(t, r.addr, m, "/y000000000028.cfg"))
		core.setBanned(netip.MustParseAddr("127.0.0.1"), false)
		if m == "HEAD" && strings.Contains(ref, "404 page not found") {
			t.Errorf("HEAD refusal carries a body:\n%s", ref)
		}
	}
	// Paths reach the core exactly as sent: no cleaning, no redirect.
	seen := map[string]bool{}
	for _, q := range core.requests() {
		seen[q.Path] = true
	}
	for _, target := range targets {
		if !seen[target] {
			t.Errorf("core never saw %q (saw %v)", target, seen)
		}
	}
	if seen["/y000000000028.cfg"] {
		t.Error("a banned request reached Fetch")
	}
}

func TestKeepAlive(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	c := dialFor(t, r.addr, 10*time.Second)
	br := bufio.NewReader(c)
	for i, target := range []string{"/y000000000028.cfg", "/missing.cfg", "/y000000000028.cfg"} {
		io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: prov\r\n\r\n")
		resp, _ := readResponse(t, br, "GET")
		if resp.Close {
			t.Fatalf("request %d: server closed the connection", i)
		}
	}
	if n := len(core.requests()); n != 3 {
		t.Errorf("core saw %d requests on one connection, want 3", n)
	}
}

func TestHeaderSizeLimit(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{MaxHeaderBytes: 1024}, core), false)
	// net/http allows 4 KiB of slack above MaxHeaderBytes.
	b := rawExchange(t, r.addr, "GET", "/y000000000028.cfg", "X-Pad: "+strings.Repeat("x", 8<<10)+"\r\n")
	if !strings.HasPrefix(string(b), "HTTP/1.1 431 ") {
		t.Errorf("oversized header got:\n%.200s", b)
	}
	b = rawExchange(t, r.addr, "GET", "/"+strings.Repeat("a", 8<<10)+".cfg")
	if !strings.HasPrefix(string(b), "HTTP/1.1 431 ") {
		t.Errorf("oversized request line got:\n%.200s", b)
	}
	if n := len(core.requests()); n != 0 {
		t.Errorf("oversized requests reached the core %d times", n)
	}
}

// expectClosed reads from c until the server closes it; the deadline is
// only a guard against a hang.
func expectClosed(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.ReadAll(br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("server kept the connection open past its timeout")
	}
}

func TestReadHeaderTimeout(t *testing.T) {
	r := start(t, newServer(t, Config{ReadHeaderTimeout: 100 * time.Millisecond}, coreWithFile()), false)
	c, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /y000000000028.cfg HTTP/1.1\r\nHost: pr") // and stall
	expectClosed(t, c, bufio.NewReader(c))
}

func TestIdleTimeout(t *testing.T) {
	r := start(t, newServer(t, Config{IdleTimeout: 100 * time.Millisecond}, coreWithFile()), false)
	c := dialFor(t, r.addr, 10*time.Second)
	br := bufio.NewReader(c)
	io.WriteString(c, "GET /y000000000028.cfg HTTP/1.1\r\nHost: prov\r\n\r\n")
	if resp, _ := readResponse(t, br, "GET"); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	expectClosed(t, c, br)
}

func TestUploadsDoNotReachCore(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	for _, m := range []string{"PUT", "POST"} {
		req, _ := http.NewRequest(m, "http://"+r.addr+"/0004f2aabbcc-app.log", strings.NewReader("log line\n"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("%s: status %d, want 204", m, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest("DELETE", "http://"+r.addr+"/x.cfg", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("DELETE: status %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if n := len(core.requests()); n != 0 {
		t.Errorf("uploads reached Fetch %d times", n)
	}
}

// TestGracefulShutdown cancels the serving context while a slow request is
// in flight: the request still completes, then Serve returns nil.
func TestGracefulShutdown(t *testing.T) {
	core := coreWithFile()
	core.hold, core.entered = make(chan struct{}), make(chan struct{}, 1)
	r := start(t, newServer(t, Config{}, core), false)
	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + r.addr + "/y000000000028.cfg")
		if err != nil {
			res <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		res <- result{resp.StatusCode, string(b), err}
	}()
	<-core.entered
	r.cancel()
	select {
	case err := <-r.done:
		t.Fatalf("Serve returned %v with a request in flight", err)
	default:
	}
	close(core.hold)
	got := <-res
	if got.err != nil || got.status != 200 || got.body != string(core.files["/y000000000028.cfg"].Body) {
		t.Fatalf("in-flight request: %+v", got)
	}
	if err := r.stop(t); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := net.Dial("tcp", r.addr); err == nil {
		t.Error("listener still accepting after shutdown")
	}
}

// TestShutdownGraceExpires: a request that outlives the grace period is
// cut and Serve says so.
func TestShutdownGraceExpires(t *testing.T) {
	core := coreWithFile()
	core.hold, core.entered = make(chan struct{}), make(chan struct{}, 1)
	defer close(core.hold)
	r := start(t, newServer(t, Config{ShutdownGrace: 50 * time.Millisecond}, core), false)
	go func() {
		if resp, err := http.Get("http://" + r.addr + "/y000000000028.cfg"); err == nil {
			resp.Body.Close()
		}
	}()
	<-core.entered
	err := r.stop(t)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Serve = %v, want a deadline error", err)
	}
}

func TestServeErrorWhenListenerFails(t *testing.T) {
	s := newServer(t, Config{}, coreWithFile())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if err := s.Serve(context.Background(), ln); err == nil {
		t.Fatal("Serve on a closed listener returned nil")
	}
}
