package httpd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// echoHandler shows the server's parse of a request in its answer, so
// that the differential fuzz sees what a handler would see (method,
// target, Host, framing, headers, body), not only the status. Paths
// under /noread leave the body unread (the server drains or closes);
// /half reads 3 bytes of it; the rest read it all. /sniff and /big
// answer in pieces (a sniffed type with a known length; a body past
// net/http's 2 KiB response buffer).
func echoHandler(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q %q %s cl=%d te=%q close=%v\n", r.Method, r.RequestURI, r.Host, r.Proto, r.ContentLength, r.TransferEncoding, r.Close)
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%q: %q\n", k, r.Header[k])
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/sniff"):
		// Length known, type left to sniffing, written in pieces.
		page := "<html><body>" + b.String() + "</body></html>"
		w.Header().Set("Content-Length", itoa(len(page)))
		io.WriteString(w, page[:1])
		w.Write([]byte(page[1:]))
		return
	case strings.HasPrefix(r.URL.Path, "/big"):
		// Past net/http's 2 KiB buffer, by Write and WriteString.
		w.Header().Set("Content-Type", "text/plain")
		for range 3 {
			w.Write([]byte(b.String()))
			io.WriteString(w, strings.Repeat("x", 700))
		}
		w.Write([]byte(strings.Repeat("y", 5000)))
		return
	case strings.HasPrefix(r.URL.Path, "/noread"):
	case strings.HasPrefix(r.URL.Path, "/half"):
		p := make([]byte, 3)
		n, err := io.ReadFull(r.Body, p)
		fmt.Fprintf(&b, "body %q %v\n", p[:n], err)
	default:
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		fmt.Fprintf(&b, "body %q %v trailer %q\n", body, err, r.Trailer)
	}
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, b.String())
}

// startH1 serves h with the phone-facing connection loop on loopback.
func startH1(t testing.TB, cfg Config, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &h1server{cfg: cfg, handler: h, log: newServer(t, cfg, newFakeCore()).log}
	done := make(chan error, 1)
	go func() { done <- srv.run(ctx, ln, time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// startNetHTTPWith serves h with net/http's server configured as cfg.
func startNetHTTPWith(t testing.TB, cfg Config, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: cfg.ReadHeaderTimeout, ReadTimeout: cfg.ReadTimeout,
		WriteTimeout: cfg.WriteTimeout, IdleTimeout: cfg.IdleTimeout, MaxHeaderBytes: cfg.MaxHeaderBytes,
		ErrorLog: nil}
	srv.SetKeepAlivesEnabled(true)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// halfClosedConversation writes raw, half-closes, and returns everything
// the server answered until it closed (bounded by 5 s). The half-close
// makes the end of raw an end of stream, so a conversation takes
// milliseconds; a close the server decided on shows as requests left
// unanswered.
func halfClosedConversation(addr string, raw []byte) (string, error) {
	// From a new loopback address each time: thousands of conversations
	// a second would otherwise use up the ports of one address (the
	// closed ones wait in TIME_WAIT) and stall the dials.
	n := fuzzSource.Add(1)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, byte(n>>16), byte(n>>8), byte(n))}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(raw)
		c.(*net.TCPConn).CloseWrite()
		werr <- err
	}()
	b, err := io.ReadAll(c)
	<-werr // a write cut by the server's close is fine
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return string(b), errors.New("the server neither answered nor closed within 5 s")
	}
	return string(b), nil // a reset after the answers is a close too
}

// fuzzSource numbers the conversations' source addresses.
var fuzzSource atomic.Uint32

// deliberateRefusal is the answer net/http would not give: the loop
// refuses ambiguous framing (Transfer-Encoding with Content-Length, or
// on HTTP/1.0) where net/http lets Transfer-Encoding win.
const deliberateRefusal = "HTTP/1.1 400 Bad Request: ambiguous message length"

// sameAnswers compares the two servers' answers, Date values aside. From
// a deliberate refusal on, only ours is checked: net/http's answer to
// that request and what follows it differ by design (so does the HTTP/2
// preface, when h2Preface: raw holds one). A body cut short
// by the end of the stream may be answered with Connection: close.
func sameAnswers(ours, theirs string, h2Preface bool) bool {
	ours, theirs = withoutDateValue([]byte(ours)), withoutDateValue([]byte(theirs))
	ours, theirs = withoutBoundaries(ours), withoutBoundaries(theirs)
	if strings.Contains(ours, "unexpected EOF") && strings.Contains(theirs, "unexpected EOF") {
		// The body ended early because the stream did: net/http takes
		// that end for the body's and keeps the connection (for
		// nothing), ours says it closes. Both close.
		ours = strings.Replace(ours, "Connection: close\r\n", "", 1)
		theirs = strings.Replace(theirs, "Connection: close\r\n", "", 1)
	}
	if i := strings.Index(ours, deliberateRefusal); i >= 0 {
		return strings.HasPrefix(theirs, ours[:i]) && strings.HasSuffix(ours, "ambiguous message length")
	}
	if i := strings.Index(ours, refusedPreface); i >= 0 && h2Preface {
		return strings.HasPrefix(theirs, ours[:i]) && strings.HasSuffix(ours, "unsupported protocol version")
	}
	return ours == theirs
}

// refusedPreface is ours to "PRI * HTTP/2.0", which net/http hands to
// the handler (for h2c): the phone-facing server speaks HTTP/1 only and
// refuses it as any other HTTP/2 request line, a deliberate difference.
const refusedPreface = "HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version"

// boundary is a multipart boundary (ServeContent's answer to several
// ranges), random per answer.
var boundary = regexp.MustCompile(`boundary=([0-9a-f]{16,})`)

func withoutBoundaries(s string) string {
	for _, m := range boundary.FindAllStringSubmatch(s, -1) {
		s = strings.ReplaceAll(s, m[1], "<boundary>")
	}
	return s
}

// h1Seeds are conversations an attacker or a broken proxy would try:
// smuggling (CL.TE, TE.CL, odd Transfer-Encoding spellings, bad chunk
// sizes and extensions, bare LF, NUL), odd Content-Length forms,
// absolute-URI targets, HTTP/0.9, pipelining after an unread body.
var h1Seeds = []string{
	"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello\r\nPOST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"PUT /noread HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"PUT /noread HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"PUT /half HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  chunked \r\n\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nX: y\r\n Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n0\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 005\r\n\r\nhello",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,5\r\n\r\nhello",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\nhello",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello",
	"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n",
	"GET / HTTP/1.1\nHost: a\n\n",
	"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
	"GET /\r\n\r\n",
	"GET / HTTP/0.9\r\n\r\n",
	"GET / HTTP/1.0\r\n\r\n",
	"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
	"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET http://a/ HTTP/1.1\r\n\r\n",
	"GET http://a/ HTTP/1.1\r\nHost: b c\r\n\r\n",
	"GET http://a/ HTTP/1.1\r\nHost:\r\n\r\n",
	"GET / HTTP/1.1\r\nHost:\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
	"GET https://x@a:80/p?q HTTP/1.1\r\nHost: a\r\n\r\n",
	"CONNECT a:443 HTTP/1.1\r\n\r\n",
	"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
	"PUT /noread HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhelloGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhelloGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET  /  HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
	"get / HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
	"GET /sniff HTTP/1.1\r\nHost: a\r\n\r\nGET /big HTTP/1.1\r\nHost: a\r\n\r\nGET /big HTTP/1.0\r\n\r\n",
	"GET /" + strings.Repeat("A", 3000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
	"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
	"HEAD / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n",
	"GET / HTTP/1.0\r\nExpect: magic\r\n\r\n",
	"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("a:\r\n", 150) + "\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("a:b\r\n", 400) + "\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("a", 1200) + ": b\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\nGET / HTTP/1.1\r\nHost: xn--a.b\r\n\r\n",
	"GET /y000000000028.cfg HTTP/1.1\r\nHost: p\r\nUser-Agent: " + yealinkUA + "\r\n\r\nHEAD /y000000000028.cfg HTTP/1.1\r\nHost: p\r\n\r\n",
	"GET /y000000000028.cfg HTTP/1.1\r\nHost: p\r\nRange: bytes=0-3,5-9\r\n\r\n",
	"GET /y000000000028.cfg HTTP/1.1\r\nHost: p\r\nIf-Modified-Since: Sun, 01 Mar 2026 10:00:00 GMT\r\n\r\n",
	"GET /../../etc/passwd HTTP/1.1\r\nHost: p\r\n\r\nGET /%2e%2e/y000000000028.cfg HTTP/1.1\r\nHost: p\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab",
	"POST /half HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab",
	"POST /noread HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab",
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
}

// FuzzH1MatchesNetHTTP feeds the same raw bytes to the phone-facing
// connection loop and to net/http's server, both running one handler
// that echoes its view of each request, then both running the phone
// handler (over a fake core): the answers must be the same
// byte for byte but Date's value, including which pipelined requests
// get answered (the keep/close decision). The one allowed difference is
// the deliberate refusal of ambiguous framing. Each conversation is
// half-closed by the client and bounded by 5 s.
func FuzzH1MatchesNetHTTP(f *testing.F) {
	for _, s := range h1Seeds {
		f.Add([]byte(s))
	}
	cfg := Config{MaxHeaderBytes: 1024}.withDefaults()
	echo := http.HandlerFunc(echoHandler)
	// The phone handler too: its refusals, uploads and files.
	phone := newServer(f, cfg, coreWithFile())
	pairs := [][2]string{
		{startH1(f, cfg, echo), startNetHTTPWith(f, cfg, echo)},
		{startH1(f, cfg, phone), startNetHTTPWith(f, cfg, phone)},
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 64<<10 {
			return
		}
		for _, p := range pairs {
			compareConversation(t, p[0], p[1], raw)
		}
	})
}

// compareConversation has the same conversation with ours and theirs.
func compareConversation(t *testing.T, ours, theirs string, raw []byte) {
	type answer struct {
		b   string
		err error
	}
	tc := make(chan answer, 1)
	go func() { b, err := halfClosedConversation(theirs, raw); tc <- answer{b, err} }()
	got, err := halfClosedConversation(ours, raw)
	a := <-tc
	if err != nil || a.err != nil {
		t.Fatalf("ours: %v; net/http: %v", err, a.err)
	}
	if !sameAnswers(got, a.b, bytes.Contains(raw, []byte("PRI * HTTP/2.0"))) {
		t.Errorf("for %q\nours:\n%s\nnet/http's:\n%s", raw, got, a.b)
	}
}
