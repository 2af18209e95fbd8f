package httpd

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startNetHTTP serves s's handler with net/http's own server, configured
// as the phone-facing server was before it had its own connection loop:
// the oracle the differential tests compare against.
func startNetHTTP(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := s.cfg
	srv := &http.Server{Handler: s, ReadHeaderTimeout: c.ReadHeaderTimeout, ReadTimeout: c.ReadTimeout,
		WriteTimeout: c.WriteTimeout, IdleTimeout: c.IdleTimeout, MaxHeaderBytes: c.MaxHeaderBytes}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// rawConversation writes raw on a fresh connection and returns all the
// server sent until it closed the connection or, once it had answered,
// was quiet for a second, and whether it closed. The first answer may
// take up to 10 s: a loaded machine can be slow to give it, and a quiet
// second before it would cut the conversation short.
func rawConversation(t *testing.T, addr, raw string) (got string, closed bool) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return "", false
	}
	defer c.Close()
	go io.WriteString(c, raw) // a big body need not be read first
	var b strings.Builder
	buf := make([]byte, 64<<10)
	end := time.Now().Add(15 * time.Second)
	for time.Now().Before(end) {
		quiet := time.Second
		if b.Len() == 0 {
			quiet = 10 * time.Second
		}
		c.SetReadDeadline(time.Now().Add(quiet))
		n, err := c.Read(buf)
		b.Write(buf[:n])
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			return b.String(), false
		case err != nil:
			return b.String(), true
		}
	}
	t.Error("the server kept talking for 15 s")
	return "", false
}

// TestH1MatchesNetHTTP sends the same raw requests to the phone-facing
// server and to net/http's server running the same handler: the bytes
// answered (Date's value aside) and whether the connection stays open
// must be the same. It covers methods, conditional and range requests,
// HTTP/1.0 keep-alive, request bodies (length, chunked, bad chunking,
// too big to drain, Expect), and malformed requests.
func TestH1MatchesNetHTTP(t *testing.T) {
	core := coreWithFile()
	s := newServer(t, Config{MaxHeaderBytes: 1024}, core)
	ours := start(t, s, false).addr
	theirs := startNetHTTP(t, s)
	const file = "/y000000000028.cfg"
	tag := etag(core.files[file].Body)
	get := func(target string, hdr ...string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: prov\r\nUser-Agent: " + yealinkUA + "\r\n" + strings.Join(hdr, "") + "\r\n"
	}
	big := strings.Repeat("x", 300<<10)
	cases := map[string]string{
		"get":                  get(file),
		"head":                 "HEAD " + file + " HTTP/1.1\r\nHost: prov\r\n\r\n",
		"missing":              get("/missing.cfg"),
		"range":                get(file, "Range: bytes=0-9\r\n"),
		"range unsatisfiable":  get(file, "Range: bytes=100000-\r\n"),
		"if-none-match":        get(file, "If-None-Match: "+tag+"\r\n"),
		"if-modified-since":    get(file, "If-Modified-Since: "+modTime.Format(http.TimeFormat)+"\r\n"),
		"connection close":     get(file, "Connection: close\r\n"),
		"pipelined":            get(file) + "HEAD " + file + " HTTP/1.1\r\nHost: prov\r\n\r\n" + get("/missing.cfg"),
		"http/1.0":             "GET " + file + " HTTP/1.0\r\n\r\n",
		"http/1.0 keep-alive":  "GET " + file + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"http/1.0 head ka":     "HEAD " + file + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"http/1.0 405 ka":      "DELETE " + file + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"delete":               "DELETE " + file + " HTTP/1.1\r\nHost: prov\r\n\r\n",
		"options star":         "OPTIONS * HTTP/1.1\r\nHost: prov\r\n\r\n",
		"put":                  "PUT /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 5\r\n\r\nhello" + get(file),
		"put chunked":          "PUT /a.log HTTP/1.1\r\nHost: prov\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + get(file),
		"put bad chunking":     "PUT /a.log HTTP/1.1\r\nHost: prov\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n" + get(file),
		"put too big to drain": "POST /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: " + itoa(len(big)) + "\r\n\r\n" + big,
		"put expect":           "PUT /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
		"duplicate equal cl":   "PUT /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello" + get(file),
		"duplicate cl":         "PUT /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
		"bad cl":               "PUT /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: -1\r\n\r\n",
		"unknown te":           "PUT /a.log HTTP/1.1\r\nHost: prov\r\nTransfer-Encoding: gzip\r\n\r\n",
		"no host":              "GET " + file + " HTTP/1.1\r\n\r\n",
		"two hosts":            "GET " + file + " HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"absolute no host":     "GET http://prov" + file + " HTTP/1.1\r\n\r\n",
		"absolute bad host":    "GET http://prov" + file + " HTTP/1.1\r\nHost: a b\r\n\r\n",
		"absolute host":        "GET http://prov" + file + " HTTP/1.1\r\nHost: other\r\n\r\n",
		"empty host":           "GET " + file + " HTTP/1.1\r\nHost:\r\n\r\n",
		"bad host":             "GET " + file + " HTTP/1.1\r\nHost: a b\r\n\r\n",
		"bad header value":     get(file, "X-A: a\x01b\r\n"),
		"bad header name":      get(file, "X A: b\r\n"),
		"http/2":               "GET " + file + " HTTP/2.0\r\nHost: prov\r\n\r\n",
		"garbage":              "GARBAGE\r\n\r\n",
		"expectation":          "PUT /a.log HTTP/1.1\r\nHost: prov\r\nContent-Length: 5\r\nExpect: magic\r\n\r\nhello",
		"head too large":       get(file, "X-Pad: "+strings.Repeat("x", 8<<10)+"\r\n"),
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			type answer struct {
				b      string
				closed bool
			}
			theirc := make(chan answer, 1)
			go func() { b, closed := rawConversation(t, theirs, raw); theirc <- answer{b, closed} }()
			got, gotClosed := rawConversation(t, ours, raw)
			a := <-theirc
			want, wantClosed := a.b, a.closed
			if name == "put expect" {
				// net/http waits for the body it never asked for (until
				// ReadTimeout) before closing; the answer says close, so
				// closing at once is right.
				wantClosed = true
			}
			if withoutDateValue([]byte(got)) != withoutDateValue([]byte(want)) || gotClosed != wantClosed {
				t.Errorf("answer (closed %v):\n%s\nnet/http's (closed %v):\n%s", gotClosed, got, wantClosed, want)
			}
		})
	}
}
