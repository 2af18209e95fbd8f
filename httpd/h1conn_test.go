package httpd

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestH1CurlInterop drives the server with curl: keep-alive over several
// URLs in one run, HEAD, a Range, If-None-Match, and a PUT with a body
// and Expect: 100-continue.
func TestH1CurlInterop(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	url := "http://" + r.addr + "/y000000000028.cfg"
	body := string(core.files["/y000000000028.cfg"].Body)
	out := curl(t, "-v", "-A", yealinkUA, url, url, "http://"+r.addr+"/missing.cfg", url)
	if n := strings.Count(out, "Re-using existing connection"); n != 3 {
		t.Errorf("curl reused the connection %d times for 4 URLs, want 3:\n%s", n, out)
	}
	if strings.Count(out, body) != 3 || !strings.Contains(out, "404 page not found") {
		t.Errorf("curl's answers:\n%s", out)
	}
	head := curl(t, "-I", url)
	if !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") || !strings.Contains(head, "Content-Length: 55\r\n") || strings.Contains(head, "#!version") {
		t.Errorf("HEAD:\n%s", head)
	}
	if got := curl(t, "-r", "0-9", "-w", " %{http_code}", url); got != body[:10]+" 206" {
		t.Errorf("Range 0-9: %q", got)
	}
	if got := curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: "+etag([]byte(body)), url); got != "304" {
		t.Errorf("If-None-Match: status %s, want 304", got)
	}
	log := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(log, bytes.Repeat([]byte("log line\n"), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-T", log, "-H", "Expect: 100-continue", "http://"+r.addr+"/0015656aabbcc.log"); got != "204" {
		t.Errorf("PUT with Expect: status %s, want 204", got)
	}
	if got := curl(t, "-o", "/dev/null", "-w", "%{http_code} %{num_connects} ", "-T", log, "-H", "Expect:", "http://"+r.addr+"/a.log", "-o", "/dev/null", url); got != "204 1 200 0 " {
		t.Errorf("PUT then GET on one connection: %q, want 204 1 then 200 0", got)
	}
	if len(core.requests()) != 8 {
		t.Errorf("core saw %d requests, want 8 (uploads never reach it)", len(core.requests()))
	}
}

// TestH1GoClientReuse: Go's client reuses one connection, plain and TLS;
// over TLS only HTTP/1.1 is offered (ALPN), even to a client that would
// take HTTP/2.
func TestH1GoClientReuse(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	core := coreWithFile()
	s := newServer(t, Config{Addr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0", CertFile: certFile, KeyFile: keyFile}, core)
	for _, secure := range []bool{false, true} {
		r := start(t, s, secure)
		url := "http://" + r.addr + "/y000000000028.cfg"
		tr := &http.Transport{}
		if secure {
			url = "https" + url[4:]
			tr = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
		}
		client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		reused := 0
		for i := range 5 {
			trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
				if ci.Reused {
					reused++
				}
			}}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), "GET", url, nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.ProtoMajor != 1 || resp.ProtoMinor != 1 {
				t.Errorf("secure %v request %d: %d %s", secure, i, resp.StatusCode, resp.Proto)
			}
			if secure && resp.TLS.NegotiatedProtocol != "http/1.1" {
				t.Errorf("ALPN %q, want http/1.1", resp.TLS.NegotiatedProtocol)
			}
		}
		client.CloseIdleConnections()
		if reused != 4 {
			t.Errorf("secure %v: %d of 5 requests reused the connection, want 4", secure, reused)
		}
	}
}

// TestH1Pipelined: three requests in one write get three answers, in
// order, on the one connection.
func TestH1Pipelined(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	c := dialFor(t, r.addr, 10*time.Second)
	io.WriteString(c, "GET /y000000000028.cfg HTTP/1.1\r\nHost: p\r\n\r\nHEAD /y000000000028.cfg HTTP/1.1\r\nHost: p\r\n\r\nGET /missing.cfg HTTP/1.1\r\nHost: p\r\n\r\n")
	br := bufio.NewReader(c)
	want := []struct {
		method string
		status int
		body   string
	}{{"GET", 200, string(core.files["/y000000000028.cfg"].Body)}, {"HEAD", 200, ""}, {"GET", 404, "404 page not found\n"}}
	for i, w := range want {
		resp, body := readResponse(t, br, w.method)
		if resp.StatusCode != w.status || body != w.body || resp.Close {
			t.Errorf("answer %d: %d %q close %v, want %d %q", i, resp.StatusCode, body, resp.Close, w.status, w.body)
		}
	}
}

// slowloris sends head one byte every gap on c until the server closes
// the connection (true) or the head is sent (false).
func slowloris(c net.Conn, head string, gap time.Duration) bool {
	for i := range len(head) {
		if _, err := c.Write([]byte{head[i]}); err != nil {
			return true
		}
		time.Sleep(gap)
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	_, err := c.Read(make([]byte, 1))
	return err == io.EOF
}

// TestH1Slowloris: a head trickled in a byte at a time is cut by
// ReadHeaderTimeout, for a connection's first request and for a later
// one on a kept-alive connection (IdleTimeout is far longer, so only
// the header timeout can cut it).
func TestH1Slowloris(t *testing.T) {
	core := coreWithFile()
	core.known[phoneAddr] = true // a device: the stranger timeout stays out of it
	cfg := Config{ReadHeaderTimeout: 800 * time.Millisecond, IdleTimeout: time.Minute}
	r := start(t, newServer(t, cfg, core), false)
	head := "GET /y000000000028.cfg HTTP/1.1\r\nHost: prov\r\nUser-Agent: " + yealinkUA + "\r\n\r\n"
	for _, later := range []bool{false, true} {
		c, err := net.Dial("tcp", r.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if later {
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, head)
			if resp, _ := readResponse(t, bufio.NewReader(c), "GET"); resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			c.SetDeadline(time.Time{})
		}
		began := time.Now()
		if !slowloris(c, head, 200*time.Millisecond) {
			t.Fatalf("later %v: a head trickled over %v was served", later, time.Since(began))
		}
		if d := time.Since(began); d > 4*time.Second {
			t.Errorf("later %v: cut after %v, want about the header timeout %v", later, d, cfg.ReadHeaderTimeout)
		}
	}
	if n := len(core.requests()); n != 1 {
		t.Errorf("core saw %d requests, want the 1 sent whole", n)
	}
}

// TestH1AmbiguousFraming: a body length two parsers could read
// differently is refused with 400 and the connection closed, so what
// hides in the body is never served as a request.
func TestH1AmbiguousFraming(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	smuggled := "GET /y000000000028.cfg HTTP/1.1\r\nHost: prov\r\n\r\n"
	for name, raw := range map[string]string{
		"cl and te": "POST /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
		"te and cl": "POST /a.log HTTP/1.1\r\nHost: prov\r\ntransfer-encoding: chunked\r\ncontent-length: 60\r\n\r\n0\r\n\r\n" + smuggled,
		"te on 1.0": "POST /a.log HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
		"two cls":   "POST /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 0\r\nContent-Length: 48\r\n\r\n" + smuggled,
		// The CR LF tolerated after a POST must not hide the next head
		// from the check.
		"cl and te after post crlf": "POST /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 0\r\n\r\n\r\n" +
			"POST /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
	} {
		if strings.Contains(name, "after post") {
			// the first POST is answered before the refusal
			got, closed := rawConversation(t, r.addr, raw)
			if !strings.HasPrefix(got, "HTTP/1.1 204 No Content") || !strings.Contains(got, "HTTP/1.1 400 Bad Request") || !closed {
				t.Errorf("%s: closed %v, answer:\n%s", name, closed, got)
			}
			continue
		}
		got, closed := rawConversation(t, r.addr, raw)
		if !strings.HasPrefix(got, "HTTP/1.1 400 Bad Request") || !strings.Contains(got, "Connection: close\r\n") || !closed {
			t.Errorf("%s: closed %v, answer:\n%s", name, closed, got)
		}
	}
	if n := len(core.requests()); n != 0 {
		t.Errorf("a smuggled request reached the core %d times", n)
	}
}

// limiterOpen is how many connections the limiter holds.
func limiterOpen(s *Server) int {
	s.conns.mu.Lock()
	defer s.conns.mu.Unlock()
	return s.conns.total
}

// TestH1WriteTimeoutFreesConn: a client that asks for a big file and
// never reads loses its connection at WriteTimeout; the server serves
// others meanwhile.
func TestH1WriteTimeoutFreesConn(t *testing.T) {
	core := coreWithFile()
	core.files["/big.bin"] = provisioning.FetchReply{Found: true, Body: bytes.Repeat([]byte("f"), 32<<20), ModTime: modTime}
	s := newServer(t, Config{WriteTimeout: 300 * time.Millisecond}, core)
	r := start(t, s, false)
	c, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(4096)
	sent := time.Now()
	io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: prov\r\n\r\n")
	end := sent.Add(10 * time.Second)
	// Wait for the request to reach the core: a sign that stays, where the
	// limiter's count could rise and fall back between two looks.
	for len(core.requests()) == 0 {
		if time.Now().After(end) {
			t.Fatal("the request never reached the core")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for limiterOpen(s) != 0 {
		if time.Now().After(end) {
			t.Fatal("the connection of a client that never reads is still held after 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d := time.Since(sent); d < 300*time.Millisecond {
		t.Errorf("connection dropped after %v, before the write timeout", d)
	}
	if got := rawExchange(t, r.addr, "GET", "/y000000000028.cfg"); !bytes.HasPrefix(got, []byte("HTTP/1.1 200 ")) {
		t.Errorf("next client got:\n%.200s", got)
	}
}

// panicCore panics on one path.
type panicCore struct{ *fakeCore }

func (p panicCore) Fetch(ctx context.Context, r provisioning.FetchRequest) provisioning.FetchReply {
	if r.Path == "/panic.cfg" {
		panic("core exploded")
	}
	return p.fakeCore.Fetch(ctx, r)
}

// TestH1HandlerPanic: a panic in the handler is logged, its connection
// closed without an answer, and the server goes on serving.
func TestH1HandlerPanic(t *testing.T) {
	var logs provtest.LogBuffer
	s, err := New(Config{}, panicCore{coreWithFile()}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, s, false)
	if got := rawExchange(t, r.addr, "GET", "/panic.cfg"); len(got) != 0 {
		t.Errorf("a panicking request got an answer:\n%s", got)
	}
	if got := rawExchange(t, r.addr, "GET", "/y000000000028.cfg"); !bytes.HasPrefix(got, []byte("HTTP/1.1 200 ")) {
		t.Errorf("after the panic:\n%.200s", got)
	}
	if l := logs.String(); !strings.Contains(l, "panic serving request") || !strings.Contains(l, "core exploded") {
		t.Errorf("panic not logged:\n%s", l)
	}
}

// TestH1ShutdownInFlightAndIdle: at shutdown an idle keep-alive
// connection is closed at once, while a slow request in flight gets its
// whole answer (with Connection: close); then Serve returns nil.
func TestH1ShutdownInFlightAndIdle(t *testing.T) {
	core := coreWithFile()
	r := start(t, newServer(t, Config{}, core), false)
	idle := dialFor(t, r.addr, 10*time.Second)
	ibr := bufio.NewReader(idle)
	io.WriteString(idle, "GET /y000000000028.cfg HTTP/1.1\r\nHost: p\r\n\r\n")
	readResponse(t, ibr, "GET")

	core.mu.Lock()
	core.hold, core.entered = make(chan struct{}), make(chan struct{}, 1)
	core.mu.Unlock()
	busy := dialFor(t, r.addr, 10*time.Second)
	io.WriteString(busy, "GET /y000000000028.cfg HTTP/1.1\r\nHost: p\r\n\r\n")
	<-core.entered
	r.cancel()
	if _, err := ibr.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection at shutdown: %v, want it closed (EOF)", err)
	}
	close(core.hold)
	resp, body := readResponse(t, bufio.NewReader(busy), "GET")
	if resp.StatusCode != 200 || body != string(core.files["/y000000000028.cfg"].Body) || !resp.Close {
		t.Errorf("in-flight request: %d %q close %v", resp.StatusCode, body, resp.Close)
	}
	if err := r.stop(t); err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// TestH1ExpectContinue: a handler that reads the body makes the server
// send 100 Continue first, and only then does the client send it.
func TestH1ExpectContinue(t *testing.T) {
	s := newServer(t, Config{}, coreWithFile())
	h := &h1server{cfg: s.cfg, log: s.log, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the body: %v", err)
		}
		io.WriteString(w, "got "+string(b))
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.run(ctx, ln, time.Second) }()
	defer func() { cancel(); <-done }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	io.WriteString(c, "PUT /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("before the body: %q %v, want 100 Continue", line, err)
	}
	br.ReadString('\n')
	io.WriteString(c, "hello")
	resp, body := readResponse(t, br, "PUT")
	if resp.StatusCode != 200 || body != "got hello" || resp.Close {
		t.Errorf("answer %d %q close %v", resp.StatusCode, body, resp.Close)
	}
}
