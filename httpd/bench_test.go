package httpd

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkGetKeepAlive measures one GET of a small config over a kept-
// alive loopback connection, the core being a map lookup.
func BenchmarkGetKeepAlive(b *testing.B) {
	core := coreWithFile()
	s, err := New(Config{}, core, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := start(b, s, false)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	url := "http://" + r.addr + "/y000000000028.cfg"
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkServeHTTP is the handler alone on a phone's GET (the core a
// map lookup, no network): what the server adds around the core's
// decision.
func BenchmarkServeHTTP(b *testing.B) { benchServeHTTP(b, coreWithFile()) }

// BenchmarkServeHTTPCachedETag is BenchmarkServeHTTP with the reply
// carrying its ETag, as a cached render's does: no hash per request.
func BenchmarkServeHTTPCachedETag(b *testing.B) {
	core := coreWithFile()
	f := core.files["/y000000000028.cfg"]
	f.ETag = etag(f.Body)
	core.files["/y000000000028.cfg"] = f
	benchServeHTTP(b, core)
}

func benchServeHTTP(b *testing.B, core *fakeCore) {
	s, err := New(Config{}, core, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/y000000000028.cfg", nil)
	r.RemoteAddr = "10.0.0.5:5060"
	r.Header.Set("User-Agent", yealinkUA)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkLoopKeepAlive is one GET of a small config over a kept-alive
// loopback connection driven by a minimal raw client (one write, one
// read per answer), so the serving loop's own cost shows: compare with
// BenchmarkLoopKeepAliveNetHTTP, the same handler under net/http's
// server.
func BenchmarkLoopKeepAlive(b *testing.B) {
	s, err := New(Config{}, coreWithFile(), nil)
	if err != nil {
		b.Fatal(err)
	}
	benchLoop(b, start(b, s, false).addr)
}

// BenchmarkLoopKeepAliveNetHTTP is BenchmarkLoopKeepAlive under
// net/http's server: the reference the phone-facing loop replaced.
func BenchmarkLoopKeepAliveNetHTTP(b *testing.B) {
	s, err := New(Config{}, coreWithFile(), nil)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: time.Minute, IdleTimeout: time.Minute}
	go srv.Serve(ln)
	defer srv.Close()
	benchLoop(b, ln.Addr().String())
}

func benchLoop(b *testing.B, addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET /y000000000028.cfg HTTP/1.1\r\nHost: prov\r\nUser-Agent: " + yealinkUA + "\r\n\r\n")
	buf := make([]byte, 4096)
	// The answer's size, learnt once: every answer is the same but for
	// Date, whose length is fixed.
	c.Write(req)
	n, err := c.Read(buf)
	if err != nil || !bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 200 ")) {
		b.Fatalf("first answer %q, %v", buf[:n], err)
	}
	size := n
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		for got := 0; got < size; {
			n, err := c.Read(buf[got:])
			if err != nil {
				b.Fatal(err)
			}
			got += n
		}
	}
}
