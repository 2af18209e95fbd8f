package httpd

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Connection states, for shutdown: an idle connection (waiting for or
// reading a request head) is closed at once, an active one finishes its
// request.
const (
	connIdle int32 = iota
	connActive
	connClosed
)

// h1conn is one phone-facing connection, served by one goroutine: read a
// request, run the handler, write the answer, repeat while keep-alive
// holds. No goroutine reads in the background while the handler runs:
// a phone does not pipeline, and a pipelined request waits in the buffer.
type h1conn struct {
	srv    *h1server
	rwc    net.Conn     // the *tls.Conn over lc for HTTPS
	lc     *limitedConn // the limiter's view; nil if not limited
	wr     wireReader
	br     *bufio.Reader
	bw     *bufio.Writer
	w      h1response
	ctx    context.Context // the requests' context
	cancel context.CancelFunc
	state  atomic.Int32
	// draining: the handler is done and the server reads the rest of
	// the request body to keep the connection; shutdown stops it.
	draining atomic.Bool
	remote   string
	tls      *tls.ConnectionState
	body     reqBody
	dateBuf  [29]byte
	keys     []string // the response header's keys, sorted
	// lastMethod: after a POST, stray CR/LF before the next request are
	// skipped, as net/http does for old clients.
	lastMethod string
	// reqStart is when the current request's first byte was awaited:
	// ReadTimeout counts from it.
	reqStart time.Time
}

var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

// serve runs the connection until it ends.
func (c *h1conn) serve() {
	defer c.close()
	if tc, ok := c.rwc.(*tls.Conn); ok && !c.handshake(tc) {
		return
	}
	c.br = readerPool.Get().(*bufio.Reader)
	c.br.Reset(&c.wr)
	c.bw = writerPool.Get().(*bufio.Writer)
	c.bw.Reset(c.rwc)
	c.w.c, c.w.h = c, http.Header{}
	for first := true; ; first = false {
		req, ok := c.readRequest(first)
		if !ok {
			return
		}
		if !c.serveRequest(req) || !c.setState(connActive, connIdle) || c.srv.closing.Load() {
			return
		}
	}
}

// handshake runs the TLS handshake within the shortest of the
// read-header, read and write timeouts, as net/http does: a client that
// stalls it holds its connection no longer than one that stalls a head.
func (c *h1conn) handshake(tc *tls.Conn) bool {
	cfg := c.srv.cfg
	dl := time.Now().Add(min(cfg.ReadHeaderTimeout, cfg.ReadTimeout, cfg.WriteTimeout))
	c.rwc.SetReadDeadline(dl) // a stranger's is shortened
	c.rwc.SetWriteDeadline(dl)
	if err := tc.Handshake(); err != nil {
		c.srv.log.Debug("http: TLS handshake failed", "remote", c.remote, "err", err)
		return false
	}
	st := tc.ConnectionState()
	c.tls = &st
	return true
}

// readRequest waits for the next request and parses its head with
// http.ReadRequest. ok is false when the connection is to end (the
// error, if any, answered).
func (c *h1conn) readRequest(first bool) (req *http.Request, ok bool) {
	cfg := c.srv.cfg
	c.wr.startHead(c.br, cfg.MaxHeaderBytes+headSlack)
	now := time.Now()
	if first {
		c.rwc.SetReadDeadline(now.Add(cfg.ReadHeaderTimeout))
	} else {
		if c.br.Buffered() < 4 {
			// One deadline while idle; the head, when it comes in one
			// segment as a phone's does, needs none of its own.
			c.rwc.SetReadDeadline(now.Add(cfg.IdleTimeout))
			// Four bytes, as net/http: fewer then EOF is no request.
			if _, err := c.br.Peek(4); err != nil {
				return nil, false
			}
			now = time.Now()
		}
		if c.lastMethod == http.MethodPost {
			// Before the head is judged whole: CR LF CR LF is no head.
			peek, _ := c.br.Peek(min(4, c.br.Buffered()))
			c.br.Discard(leadingCRLF(peek))
			// The copy of the head must start where ReadRequest does,
			// or the framing checks would stop at the skipped CR LF.
			c.wr.restartHead(c.br)
		}
		if !headBuffered(c.br) {
			c.rwc.SetReadDeadline(now.Add(cfg.ReadHeaderTimeout))
		}
	}
	c.reqStart = now
	req, err := http.ReadRequest(c.br)
	c.wr.endHead()
	if !c.setState(connIdle, connActive) {
		return nil, false // shutdown closed the connection
	}
	if err == nil {
		err = c.checkRequest(req)
	}
	if err == errExpectation {
		c.expectationFailed(req)
		return nil, false
	}
	if err != nil {
		c.answerError(err)
		return nil, false
	}
	c.lastMethod = req.Method
	return req, true
}

func leadingCRLF(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == '\r' || b[n] == '\n') {
		n++
	}
	return n
}

// setState moves the connection from one state to another; false if it
// was not in from (shutdown closed it).
func (c *h1conn) setState(from, to int32) bool {
	if !c.state.CompareAndSwap(from, to) {
		return false
	}
	if c.lc != nil {
		c.lc.waiting.Store(to == connIdle)
	}
	return true
}

// Request errors, answered as net/http answers them.
var (
	errHeadTooLarge   = errors.New("request head too large")
	errNoHost         = statusErr{http.StatusBadRequest, "missing required Host header"}
	errBadHost        = statusErr{http.StatusBadRequest, "malformed Host header"}
	errHeaderName     = statusErr{http.StatusBadRequest, "invalid header name"}
	errHeaderValue    = statusErr{http.StatusBadRequest, "invalid header value"}
	errVersion        = statusErr{http.StatusHTTPVersionNotSupported, "unsupported protocol version"}
	errAmbiguous      = statusErr{http.StatusBadRequest, "ambiguous message length"}
	errExpectation    = statusErr{http.StatusExpectationFailed, ""}
	errorHeadersClose = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
)

type statusErr struct {
	code int
	text string
}

func (e statusErr) Error() string { return e.text }

// checkRequest applies the checks net/http's server adds to
// http.ReadRequest's, plus the refusal of ambiguous framing.
func (c *h1conn) checkRequest(req *http.Request) error {
	switch {
	case req.ProtoMajor != 1:
		return errVersion
	}
	hosts, have := c.hostHeader(req)
	switch {
	case req.ProtoAtLeast(1, 1) && !have && req.Method != http.MethodConnect:
		return errNoHost
	case have && !httpguts.ValidHostHeader(hosts):
		return errBadHost
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return errHeaderName
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return errHeaderValue
			}
		}
	}
	if (req.ContentLength != 0 || req.ProtoMinor == 0) && ambiguousFraming(c.wr.head, req.ProtoMinor == 0) {
		return errAmbiguous
	}
	if e := first(req.Header, "Expect"); e != "" && !hasToken(e, "100-continue") {
		return errExpectation
	}
	return nil
}

// answerError answers a request that could not be served and ends the
// connection: nothing for a connection that died or timed out, 431 for
// an oversized head, 501 for an unknown transfer coding, else 400 (or
// the status of a statusErr).
func (c *h1conn) answerError(err error) {
	if c.wr.hit {
		err = errHeadTooLarge
	}
	var msg string
	var se statusErr
	switch {
	case err == errHeadTooLarge:
		msg = "HTTP/1.1 431 Request Header Fields Too Large" + errorHeadersClose + "431 Request Header Fields Too Large"
	case errors.As(err, &se):
		status := http.StatusText(se.code) + ": " + se.text
		msg = "HTTP/1.1 " + itoa(se.code) + " " + status + errorHeadersClose + itoa(se.code) + " " + status
	case strings.Contains(err.Error(), "transfer encoding"):
		msg = "HTTP/1.1 501 Not Implemented" + errorHeadersClose + "Unsupported transfer encoding"
	case isCommonReadError(err):
		return
	default:
		msg = "HTTP/1.1 400 Bad Request" + errorHeadersClose + "400 Bad Request"
	}
	c.rwc.SetWriteDeadline(time.Now().Add(c.srv.cfg.WriteTimeout))
	io.WriteString(c.rwc, msg)
	c.closeWriteAndWait()
}

// expectationFailed answers an Expect other than 100-continue as
// net/http does, through the response writer (so the status line's
// version, and Content-Length for HEAD, follow the request), and ends
// the connection.
func (c *h1conn) expectationFailed(req *http.Request) {
	c.rwc.SetWriteDeadline(time.Now().Add(c.srv.cfg.WriteTimeout))
	c.w.reset(req, nil)
	c.w.h["Connection"] = []string{"close"}
	c.w.WriteHeader(http.StatusExpectationFailed)
	c.w.finish()
	c.closeWriteAndWait()
}

func itoa(n int) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

// isCommonReadError is net/http's isCommonNetReadError: the client went
// away or was too slow; there is nobody to answer.
func isCommonReadError(err error) bool {
	if err == io.EOF {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "read"
}

// closeWriteAndWait half-closes after an error answer and reads what the
// client still sends for a moment, bounded, so the close does not reset
// the connection before the client read the answer.
func (c *h1conn) closeWriteAndWait() {
	c.bw.Flush()
	if cw, ok := c.rwc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.rwc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	io.CopyN(io.Discard, c.rwc, maxDrain)
}

// serveRequest runs the handler on req and completes its answer; false
// if the connection is not to be reused.
func (c *h1conn) serveRequest(req *http.Request) bool {
	cfg := c.srv.cfg
	c.rwc.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
	var body *reqBody
	if req.ContentLength != 0 {
		// ReadTimeout bounds the whole request, counted from its start.
		c.rwc.SetReadDeadline(c.reqStart.Add(cfg.ReadTimeout))
		c.body = reqBody{body: req.Body, c: c, expect: req.ProtoAtLeast(1, 1) && hasToken(first(req.Header, "Expect"), "100-continue")}
		body = &c.body
		req.Body = body
	}
	// In place: the body reader records trailers on this *Request.
	*req = *req.WithContext(c.ctx)
	req.RemoteAddr, req.TLS = c.remote, c.tls
	c.w.reset(req, body)
	if !c.runHandler(req) {
		return false
	}
	keep := c.w.finish()
	if err := c.bw.Flush(); err != nil {
		return false
	}
	if !keep && body != nil && !body.sawEOF.Load() {
		c.closeWriteAndWait() // body left unread: let the answer arrive
	}
	return keep
}

// runHandler calls the handler; a panic is logged and ends the
// connection without an answer, as under net/http.
func (c *h1conn) runHandler(req *http.Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ok = false
			if p != http.ErrAbortHandler {
				c.srv.log.Error("http: panic serving request", "remote", c.remote, "panic", p, "stack", string(debug.Stack()))
			}
		}
	}()
	if req.RequestURI == "*" && req.Method == http.MethodOptions {
		optionsStar(&c.w, req)
		return true
	}
	c.srv.handler.ServeHTTP(&c.w, req)
	return true
}

// optionsStar answers "OPTIONS *" as net/http's server does, before any
// handler.
func optionsStar(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Length", "0")
	if req.ContentLength != 0 {
		io.Copy(io.Discard, http.MaxBytesReader(w, req.Body, 4<<10))
	}
}

// sendContinue answers Expect: 100-continue when the handler starts
// reading the body, unless its answer is already under way.
func (c *h1conn) sendContinue() {
	if c.w.noContinue || c.w.sent {
		return
	}
	c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
	c.bw.Flush()
}

// close ends the connection and returns its buffers.
func (c *h1conn) close() {
	c.state.Store(connClosed)
	c.cancel()
	c.rwc.Close()
	if c.br != nil {
		c.br.Reset(nil)
		readerPool.Put(c.br)
		c.br = nil
	}
	if c.bw != nil {
		c.bw.Reset(nil)
		writerPool.Put(c.bw)
		c.bw = nil
	}
	c.srv.forget(c)
}
