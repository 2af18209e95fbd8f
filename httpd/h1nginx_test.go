package httpd

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startNginxProxy runs Debian's nginx in a temporary directory as a
// reverse proxy to upstream, keeping upstream connections alive (where
// a desync would poison other clients' answers), and returns its
// address. It is stopped by PID when the test ends.
func startNginxProxy(t *testing.T, upstream, extra string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		t.Skip("nginx not installed (Debian package nginx, see .ci/deps)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nginx binds it next; nothing else here takes ports
	dir := t.TempDir()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // else its worker runs as nobody and cannot read dir
	}
	conf := user + fmt.Sprintf(`worker_processes 1; pid %[1]s/nginx.pid; error_log %[1]s/error.log;
events { worker_connections 256; }
http { access_log off;
  client_body_temp_path %[1]s; proxy_temp_path %[1]s; fastcgi_temp_path %[1]s; uwsgi_temp_path %[1]s; scgi_temp_path %[1]s;
  upstream provbox { server %[2]s; keepalive 4; }
  server { listen %[3]s;
    location / { proxy_pass http://provbox; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host prov; %[4]s } } }
`, dir, upstream, addr, extra)
	cf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", cf, "-g", "daemon off;")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	for end := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(end) {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not listen on %s: %v\n%s", addr, err, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// smuggleAttempts are request sequences that hide a second request
// ("/smuggled.cfg") in what one parser or the other takes as a body.
// Served correctly, the hidden request never reaches the handler.
var smuggleAttempts = map[string]string{
	"cl.te":             "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden,
	"te.cl":             "POST /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n" + chunk(hidden) + "0\r\n\r\n",
	"te space colon":    "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 4\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + hidden,
	"te tab":            "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 4\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n" + hidden,
	"te case":           "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 4\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n" + hidden,
	"te obs-fold":       "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 4\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + hidden,
	"te not last":       "POST /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked, identity\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" + hidden,
	"te twice":          "POST /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n" + hidden,
	"te x-chunked":      "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 4\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + hidden,
	"chunk ext":         "POST /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n" + fmt.Sprintf("%x", len(hidden)) + ";a=\"b\r\n0\r\n\r\n\"\r\n" + hidden + "\r\n0\r\n\r\n",
	"chunk bare lf":     "POST /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n" + fmt.Sprintf("%x", len(hidden)) + "\n" + hidden + "\n0\n\n",
	"chunk size huge":   "POST /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000003\r\nabc\r\n0\r\n\r\n" + hidden,
	"cl plus":           "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: +" + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"cl leading zeros":  "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 00" + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"cl comma":          "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 0, " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"cl twice":          "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 0\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"cl nul":            "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\x00\r\n\r\n" + hidden,
	"header nul":        "POST /a.log HTTP/1.1\r\nHost: p\r\nX: a\x00\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"bare lf head":      "POST /a.log HTTP/1.1\nHost: p\nContent-Length: " + fmt.Sprint(len(hidden)) + "\n\n" + hidden,
	"bare cr":           "POST /a.log HTTP/1.1\r\nHost: p\r\nX: a\rContent-Length: 0\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"http/1.0 te":       "POST /a.log HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"http/0.9":          "POST /a.log\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"unread put body":   "PUT /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"unread chunked":    "PUT /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(hidden) + "0\r\n\r\n",
	"after post crlf":   "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 0\r\n\r\n\r\nPOST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden,
	"absolute no host":  "POST http://p/a.log HTTP/1.1\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden,
	"expect then body":  "PUT /a.log HTTP/1.1\r\nHost: p\r\nExpect: 100-continue\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"head with body":    "HEAD /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"get with cl body":  "GET /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: " + fmt.Sprint(len(hidden)) + "\r\n\r\n" + hidden,
	"chunked trailer":   "POST /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n" + strings.TrimSuffix(hidden, "\r\n"),
	"chunk no crlf end": "POST /a.log HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX" + hidden,
}

// hidden is the request an attacker wants served in someone's stead.
const hidden = "GET /smuggled.cfg HTTP/1.1\r\nHost: p\r\n\r\n"

func chunk(s string) string { return fmt.Sprintf("%x\r\n%s\r\n", len(s), s) }

// TestH1SmugglingDirect sends each smuggling attempt to the loop itself:
// the hidden request never reaches the handler.
func TestH1SmugglingDirect(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	for name, raw := range smuggleAttempts {
		if _, err := halfClosedConversation(r.addr, []byte(raw)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		assertNotSmuggled(t, core, name)
	}
}

// TestH1SmugglingBehindNginx sends each attempt through Debian's nginx
// as a reverse proxy with upstream keep-alive (request bodies buffered,
// then streamed), then a victim's requests on other connections: no
// hidden request reaches the handler, and every victim gets its own
// answer (no desync of the shared upstream connections).
func TestH1SmugglingBehindNginx(t *testing.T) {
	for name, extra := range map[string]string{
		"buffered":  "",
		"streaming": "proxy_request_buffering off;", // a chunked body goes upstream chunked
	} {
		t.Run(name, func(t *testing.T) { smuggleBehindNginx(t, extra) })
	}
}

func smuggleBehindNginx(t *testing.T, extra string) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	proxy := startNginxProxy(t, r.addr, extra)
	want := string(core.files["/y000000000028.cfg"].Body)
	for name, raw := range smuggleAttempts {
		c, err := net.Dial("tcp", proxy)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(time.Second))
		io.WriteString(c, raw)
		io.Copy(io.Discard, c) // till nginx closes or a second passes
		c.Close()
		for i := range 3 {
			if got := victimFetch(t, proxy); got != want {
				t.Errorf("%s: victim %d got %q, want its config", name, i, got)
			}
		}
		assertNotSmuggled(t, core, name)
	}
}

// victimFetch is a phone's ordinary fetch through the proxy.
func victimFetch(t *testing.T, proxy string) string {
	c, err := net.Dial("tcp", proxy)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET /y000000000028.cfg HTTP/1.1\r\nHost: prov\r\nUser-Agent: "+yealinkUA+"\r\n\r\n")
	resp, err := readResponseErr(bufio.NewReader(c), "GET")
	if err != nil {
		return err.Error()
	}
	return resp
}

func readResponseErr(br *bufio.Reader, m string) (string, error) {
	resp, err := http.ReadResponse(br, &http.Request{Method: m})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func assertNotSmuggled(t *testing.T, core *fakeCore, name string) {
	t.Helper()
	for _, q := range core.requests() {
		if strings.Contains(q.Path, "smuggled") {
			t.Fatalf("%s: the hidden request reached the core: %+v", name, q)
		}
	}
}
