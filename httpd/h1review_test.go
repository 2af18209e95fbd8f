package httpd

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestH1TLSHandshakeStallBounded: a client (even a known device's
// address, whose timeouts are not shortened) that opens a TLS connection
// and stalls the handshake is cut after the shortest of the read-header,
// read and write timeouts, as net/http cut it, not after ReadTimeout.
func TestH1TLSHandshakeStallBounded(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t, t.TempDir())
	core := connCore() // 127.0.0.1 is a known device's address
	s := newServer(t, Config{TLSAddr: "127.0.0.1:0", CertFile: certFile, KeyFile: keyFile,
		ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}, core)
	r := start(t, s, true)
	for name, send := range map[string]string{
		"silent":              "",
		"half a client hello": "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
	} {
		c, err := net.Dial("tcp", r.addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, send)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = io.Copy(io.Discard, c)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("%s: a stalled TLS handshake still held the connection after 5 s", name)
		}
		c.Close()
	}
}

// TestH1NeverReadingPipeliner: a client that pipelines requests without
// end and never reads an answer is cut by WriteTimeout; the server reads
// no further than its buffers while its answers cannot go out (the
// client's writes stall), and the connection's place is given back.
func TestH1NeverReadingPipeliner(t *testing.T) {
	core := coreWithFile()
	s := newServer(t, Config{WriteTimeout: time.Second}, core)
	r := start(t, s, false)
	c, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := strings.Repeat("GET /y000000000028.cfg HTTP/1.1\r\nHost: p\r\n\r\n", 1000) // 46 KB
	const limit = 256 << 20
	var sent atomic.Int64
	c.SetWriteDeadline(time.Now().Add(20 * time.Second))
	var werr error
	for sent.Load() < limit {
		n, err := io.WriteString(c, req)
		sent.Add(int64(n))
		if err != nil {
			werr = err
			break
		}
	}
	var ne net.Error
	switch {
	case werr == nil:
		t.Fatalf("the server took %d MB of pipelined requests without the client reading", limit>>20)
	case errors.As(werr, &ne) && ne.Timeout():
		t.Fatalf("the client's writes stalled for 20 s and the server did not cut it (%d bytes sent)", sent.Load())
	}
	// Kernel buffers on both sides take a few MB on loopback; the
	// server itself holds a 4 KiB read buffer and one request.
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("%d MB were taken before the server stopped reading", n>>20)
	}
	waitOpen(t, s, 0)
	if served := len(core.requests()); int64(served)*46 > sent.Load() {
		t.Errorf("served %d requests of %d bytes sent", served, sent.Load())
	}
}

// waitOpen waits (up to 10 s) until the limiter holds n connections.
func waitOpen(t *testing.T, s *Server, n int) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); limiterOpen(s) != n; {
		if time.Now().After(end) {
			t.Fatalf("the limiter holds %d connections, want %d", limiterOpen(s), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// viewHandler records what the handler saw of each request.
type viewHandler struct {
	remote chan string
	tls    chan bool
}

func (v viewHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.remote <- r.RemoteAddr
	v.tls <- r.TLS != nil && r.TLS.HandshakeComplete
	io.WriteString(w, "ok")
}

// TestH1HandlerView: the handler gets the peer's address as net/http
// gave it (IPv4, IPv6, IPv4 through a dual-stack listener), which the
// core's checks read unmapped, and r.TLS on HTTPS only.
func TestH1HandlerView(t *testing.T) {
	core := coreWithFile()
	s := newServer(t, Config{}, core)
	for _, tc := range []struct{ listen, dial, want string }{
		{"127.0.0.1:0", "127.0.0.1", "127.0.0.1"},
		{"[::1]:0", "::1", "::1"},
		{"[::]:0", "127.0.0.1", "127.0.0.1"},
		{"[::]:0", "::ffff:127.0.0.1", "127.0.0.1"},
	} {
		ln, err := net.Listen("tcp", tc.listen)
		if err != nil {
			t.Logf("%s: %v (no IPv6 here?)", tc.listen, err)
			continue
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx, ln) }()
		port := ln.Addr().(*net.TCPAddr).Port
		target := net.JoinHostPort(tc.dial, itoa(port))
		resp, err := http.Get("http://" + target + "/y000000000028.cfg")
		if err == nil {
			resp.Body.Close()
		} else {
			t.Errorf("%s via %s: %v", tc.dial, tc.listen, err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		reqs := core.requests()
		if len(reqs) == 0 || reqs[len(reqs)-1].RemoteIP != netip.MustParseAddr(tc.want) {
			t.Errorf("%s via %s: the core saw %+v, want the address %s", tc.dial, tc.listen, reqs, tc.want)
		}
	}

	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	v := viewHandler{remote: make(chan string, 4), tls: make(chan bool, 4)}
	for _, secure := range []bool{false, true} {
		srv := &h1server{cfg: s.cfg, handler: v, log: s.log}
		scheme := "http"
		client := &http.Client{}
		if secure {
			srv.tls = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}
			scheme = "https"
			client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- srv.run(ctx, ln, time.Second) }()
		resp, err := client.Get(scheme + "://" + ln.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		client.CloseIdleConnections()
		local := resp.Request.URL.Host
		if got := <-v.remote; !strings.HasPrefix(got, "127.0.0.1:") || got == local {
			t.Errorf("RemoteAddr %q", got)
		}
		if got := <-v.tls; got != secure {
			t.Errorf("%s: r.TLS set %v", scheme, got)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}
}

// TestH1ShutdownNoLeaks: with connections in every state (idle after a
// request, new and silent, mid-head, in a stalled TLS
// handshake, in flight in the handler), shutdown closes the idle ones at
// once, lets the one in flight finish, returns nil, and leaves no
// goroutine behind.
func TestH1ShutdownNoLeaks(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t, t.TempDir())
	before := runtime.NumGoroutine()
	core := coreWithFile()
	s := newServer(t, Config{TLSAddr: "127.0.0.1:0", CertFile: certFile, KeyFile: keyFile, ShutdownGrace: 5 * time.Second}, core)
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	secure, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { done <- s.Serve(ctx, plain) }()
	go func() { done <- s.ServeTLS(ctx, secure) }()

	dial := func(addr, send string) net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(20 * time.Second))
		io.WriteString(c, send)
		return c
	}
	get := "GET /y000000000028.cfg HTTP/1.1\r\nHost: p\r\n\r\n"
	idle := dial(plain.Addr().String(), get)
	ibr := bufio.NewReader(idle)
	readResponse(t, ibr, "GET")
	quiet := []net.Conn{
		dial(plain.Addr().String(), ""),
		dial(plain.Addr().String(), "GET /y0000"),
		dial(secure.Addr().String(), "\x16\x03\x01"),
	}
	core.mu.Lock()
	core.hold, core.entered = make(chan struct{}), make(chan struct{}, 1)
	core.mu.Unlock()
	busy := dial(plain.Addr().String(), get)
	<-core.entered
	waitOpen(t, s, 5)

	cancel()
	if _, err := ibr.ReadByte(); err != io.EOF {
		t.Errorf("idle connection at shutdown: %v, want EOF at once", err)
	}
	for i, c := range quiet[:2] {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("waiting connection %d at shutdown: %v, want EOF at once", i, err)
		}
	}
	close(core.hold)
	resp, body := readResponse(t, bufio.NewReader(busy), "GET")
	if resp.StatusCode != 200 || body != string(core.files["/y000000000028.cfg"].Body) || !resp.Close {
		t.Errorf("in-flight request: %d %q close %v", resp.StatusCode, body, resp.Close)
	}
	for range 2 {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("Serve did not return")
		}
	}
	if n := limiterOpen(s); n != 0 {
		t.Errorf("the limiter still holds %d connections", n)
	}
	for end := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(end) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after shutdown, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestH1SlowBodyCut: a body sent a byte at a time is cut at ReadTimeout
// counted from the request's start, whether the handler reads it
// (an echo) or leaves it for the server to drain (the phone handler's
// 204 for an upload); and a client that asks for 100-continue and never
// sends the body holds a reading handler no longer.
func TestH1SlowBodyCut(t *testing.T) {
	cfg := Config{ReadTimeout: 700 * time.Millisecond}.withDefaults()
	s := newServer(t, cfg, coreWithFile())
	addrs := map[string]string{"phone handler": start(t, s, false).addr, "reading handler": startH1(t, cfg, http.HandlerFunc(echoHandler))}
	for name, addr := range addrs {
		for _, expect := range []bool{false, true} {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			head := "PUT /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 1000\r\n"
			if expect {
				head += "Expect: 100-continue\r\n"
			}
			io.WriteString(c, head+"\r\n")
			cut := make(chan time.Duration, 1)
			began := time.Now()
			go func() {
				io.Copy(io.Discard, c) // until the server closes
				cut <- time.Since(began)
			}()
			for i := 0; i < 100 && !expect; i++ {
				if _, err := c.Write([]byte{'x'}); err != nil {
					break
				}
				time.Sleep(50 * time.Millisecond)
				if len(cut) > 0 {
					break
				}
			}
			select {
			case d := <-cut:
				t.Logf("%s, expect %v: cut after %v", name, expect, d.Round(10*time.Millisecond))
			case <-time.After(10 * time.Second):
				t.Errorf("%s, expect %v: a slow body held the connection 10 s (ReadTimeout %v)", name, expect, cfg.ReadTimeout)
			}
			c.Close()
		}
	}
}

// TestH1SlowHeadAfterPostCRLF: the CR LF tolerated after a POST does
// not pass for a whole head. A known device's kept-alive connection
// (whose timeouts the limiter does not shorten) that sends a POST, the
// CR LF and the start of a next head, then stalls, is cut after
// ReadHeaderTimeout, not after what was left of IdleTimeout.
func TestH1SlowHeadAfterPostCRLF(t *testing.T) {
	cfg := Config{ReadHeaderTimeout: 300 * time.Millisecond, IdleTimeout: 30 * time.Second}
	r := start(t, newServer(t, cfg, connCore()), false)
	c := connFrom(t, phoneAddr.String(), r.addr)
	br := bufio.NewReader(c)
	if !keepAlive(t, c, br, "/phone.cfg") {
		t.Fatal("first request not answered")
	}
	time.Sleep(50 * time.Millisecond) // idle: the 30 s deadline is set
	io.WriteString(c, "POST /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 0\r\n\r\n\r\n\r\nGET /pho")
	resp, _ := readResponse(t, br, "POST")
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	began := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := br.ReadByte()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("a stalled head after POST CR LF held the connection 5 s (ReadHeaderTimeout %v)", cfg.ReadHeaderTimeout)
	}
	rest, _ := io.ReadAll(br)
	t.Logf("cut after %v: %v %q", time.Since(began).Round(10*time.Millisecond), err, rest)
}

// TestH1ShutdownCutsDrain: a connection whose handler is done but whose
// request body the server is still reading (to keep the connection) is
// not a request in flight: shutdown stops the read at once, the client
// gets its answer with Connection: close, and Serve returns nil well
// within the grace.
func TestH1ShutdownCutsDrain(t *testing.T) {
	s := newServer(t, Config{ShutdownGrace: 20 * time.Second}, coreWithFile())
	r := start(t, s, false)
	c := dialFor(t, r.addr, 15*time.Second)
	io.WriteString(c, "PUT /a.log HTTP/1.1\r\nHost: p\r\nContent-Length: 1000\r\n\r\nabc")
	time.Sleep(200 * time.Millisecond) // the handler answered; the server drains
	began := time.Now()
	r.cancel()
	resp, _ := readResponse(t, bufio.NewReader(c), "PUT")
	if resp.StatusCode != http.StatusNoContent || !resp.Close {
		t.Errorf("answer %d, close %v", resp.StatusCode, resp.Close)
	}
	select {
	case err := <-r.done:
		close(r.done)
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve still waits for a body nobody reads, 10 s after cancel")
	}
	t.Logf("Serve returned %v after cancel", time.Since(began).Round(10*time.Millisecond))
}

// TestH1ContextCutAtEndOfGrace: a request still in the handler when the
// grace ends sees r.Context() cancelled (so a core call bound to it
// returns), and run reports the cut.
func TestH1ContextCutAtEndOfGrace(t *testing.T) {
	cfg := Config{}.withDefaults()
	entered, cut := make(chan struct{}), make(chan error, 1)
	srv := &h1server{cfg: cfg, log: newServer(t, cfg, newFakeCore()).log, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		select {
		case <-r.Context().Done():
			cut <- r.Context().Err()
		case <-time.After(10 * time.Second):
			cut <- errors.New("not cancelled within 10 s")
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.run(ctx, ln, 200*time.Millisecond) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: p\r\n\r\n")
	<-entered
	cancel()
	if err := <-cut; !errors.Is(err, context.Canceled) {
		t.Errorf("the handler's context: %v, want cancelled at the end of the grace", err)
	}
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("run = %v, want the grace's deadline", err)
	}
}
