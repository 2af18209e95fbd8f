package httpd

import (
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// holdMax is net/http's bufferBeforeChunkingSize: the response body is
// held in a buffer of this size in front of the framing, so a body that
// fits when the handler returns gets a Content-Length, and a longer one
// is sent chunked (HTTP/1.1) or delimited by the close (HTTP/1.0) in
// the pieces net/http's bufio.Writer would pass on.
const holdMax = 2 << 10

// h1response is the http.ResponseWriter of the phone-facing HTTP/1.1
// server; one per connection, reset per request. Its header map is
// reused, and the status line, headers and body go into the
// connection's bufio.Writer, flushed once per response. What it sends
// (headers added, removed, framing, keep-alive) follows net/http's
// response writer rule for rule (net/http/server.go, chunkWriter.
// writeHeader), so a handler's answer is the same byte for byte but for
// the header order of keys it adds itself, which is the same sorted
// order too.
type h1response struct {
	c    *h1conn
	req  *http.Request
	body *reqBody // nil when the request has none
	h    http.Header
	snap http.Header // the header as WriteHeader saw it, when changed after

	status      int
	wroteHeader bool // the handler called WriteHeader or Write
	sent        bool // the head is in the connection's buffer
	clen        int64
	written     int64
	held        []byte // body held back while its length is unknown
	chunking    bool
	closeAfter  bool
	handlerDone bool
	noContinue  bool // a 100 Continue may no longer be sent (net/http's canWriteContinue)
	scratch     [32]byte
	clenBuf     [20]byte
}

// reset readies w for req, keeping its buffers.
func (w *h1response) reset(req *http.Request, body *reqBody) {
	clear(w.h)
	*w = h1response{c: w.c, req: req, body: body, h: w.h, clen: -1, held: w.held[:0]}
	if cap(w.held) > holdMax {
		w.held = nil
	}
}

func (w *h1response) Header() http.Header {
	if w.wroteHeader && !w.sent && w.snap == nil {
		// Written logically but not yet on the wire: what WriteHeader
		// saw is what goes out (net/http clones here too).
		w.snap = w.h.Clone()
	}
	return w.h
}

func (w *h1response) WriteHeader(code int) {
	if w.wroteHeader {
		w.c.srv.log.Warn("http: superfluous WriteHeader call", "status", code)
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 101 || code > 199 {
		w.noContinue = true // the client is answered: no 100 Continue
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		w.writeInformational(code)
		return
	}
	w.wroteHeader, w.status = true, code
	if cl := first(w.h, "Content-Length"); cl != "" {
		v, err := strconv.ParseInt(cl, 10, 64)
		if err == nil && v >= 0 {
			w.clen = v
		} else {
			w.c.srv.log.Warn("http: invalid Content-Length from the handler", "value", cl)
			delete(w.h, "Content-Length")
		}
	}
}

// writeInformational sends a 1xx answer (103 Early Hints) at once.
func (w *h1response) writeInformational(code int) {
	bw := w.c.bw
	w.writeStatusLine(code)
	w.h.Write(bw)
	bw.WriteString("\r\n")
	bw.Flush()
}

func (w *h1response) Write(p []byte) (int, error) {
	if err := w.admit(len(p)); err != nil || len(p) == 0 {
		return 0, err
	}
	// bufio.Writer.Write: a write larger than the free space goes out
	// whole if nothing is held, else fills the buffer, which goes out.
	for len(p) > holdMax-len(w.held) {
		if len(w.held) == 0 {
			w.emit(p)
			return len(p), nil
		}
		n := holdMax - len(w.held)
		w.held = append(w.held, p[:n]...)
		p = p[n:]
		w.emitHeld()
	}
	w.held = append(w.held, p...)
	return len(p), nil
}

// WriteString is Write for io.WriteString, as net/http's: a string
// always passes through the buffer (bufio.Writer.WriteString).
func (w *h1response) WriteString(s string) (int, error) {
	if err := w.admit(len(s)); err != nil || len(s) == 0 {
		return 0, err
	}
	n := len(s)
	for len(s) > holdMax-len(w.held) {
		k := holdMax - len(w.held)
		w.held = append(w.held, s[:k]...)
		s = s[k:]
		w.emitHeld()
	}
	w.held = append(w.held, s...)
	return n, nil
}

// admit applies net/http's checks to a write of n bytes and counts it.
// A write too long for the Content-Length is counted too (so the
// connection is not reused), and any write rules out a 100 Continue.
func (w *h1response) admit(n int) error {
	w.noContinue = true
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if n == 0 {
		return nil
	}
	if !bodyAllowedForStatus(w.status) {
		return http.ErrBodyNotAllowed
	}
	w.written += int64(n)
	if w.clen != -1 && w.written > w.clen {
		return http.ErrContentLength
	}
	return nil
}

// emit passes body bytes on past the buffer: the head first if it is
// not out yet (decided on these bytes, as net/http's chunkWriter does).
func (w *h1response) emit(p []byte) {
	if !w.sent {
		w.sendHead(p)
	}
	w.writeBody(p)
}

// emitHeld passes on and empties what the buffer holds.
func (w *h1response) emitHeld() {
	w.emit(w.held)
	w.held = w.held[:0]
}

// Flush sends what is written so far (http.Flusher), the head even if
// no body was written.
func (w *h1response) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.emitHeld()
	w.c.bw.Flush()
}

// writeBody puts body bytes on the wire in the framing chosen.
func (w *h1response) writeBody(p []byte) (int, error) {
	if len(p) == 0 || w.req.Method == http.MethodHead {
		return len(p), nil
	}
	bw := w.c.bw
	if w.chunking {
		bw.Write(strconv.AppendInt(w.scratch[:0], int64(len(p)), 16))
		bw.WriteString("\r\n")
	}
	n, err := bw.Write(p)
	if w.chunking {
		bw.WriteString("\r\n")
	}
	return n, err
}

// finish completes the response once the handler returned: the head if
// not sent yet (the body's length now known), the last chunk, a
// bounded drain of the request body. It reports whether the connection
// may carry another request.
func (w *h1response) finish() (keep bool) {
	w.handlerDone = true
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.emitHeld()
	if w.chunking {
		w.c.bw.WriteString("0\r\n\r\n")
	}
	if w.req.Method != http.MethodHead && w.clen != -1 && bodyAllowedForStatus(w.status) && w.clen != w.written {
		w.closeAfter = true // short body: the client would wait for the rest
	}
	if w.body != nil && !w.closeAfter && !w.body.drain() {
		w.closeAfter = true // the head is out already (a streamed answer)
	}
	return !w.closeAfter
}

// sendHead writes the status line and headers, deciding what net/http
// decides in chunkWriter.writeHeader: the Content-Length of a held body,
// keep-alive, the request body's drain, sniffed Content-Type, Date,
// framing and Connection. p is the body held so far.
func (w *h1response) sendHead(p []byte) {
	w.sent = true
	h := w.h
	if w.snap != nil {
		h = w.snap
	}
	var ex extraHeaders
	var exclude map[string]bool
	del := func(k string) {
		if _, ok := h[k]; ok {
			if exclude == nil {
				exclude = map[string]bool{}
			}
			exclude[k] = true
		}
	}
	req := w.req
	isHEAD := req.Method == http.MethodHead
	te := first(h, "Transfer-Encoding")
	hasTE := te != ""
	if w.handlerDone && !hasTE && bodyAllowedForStatus(w.status) && first(h, "Content-Length") == "" && (!isHEAD || len(p) > 0) {
		w.clen = int64(len(p))
		ex.contentLength = strconv.AppendInt(w.clenBuf[:0], w.clen, 10)
	}
	keepAlives := !w.c.srv.closing.Load()
	is11 := req.ProtoAtLeast(1, 1)
	wants10KeepAlive := req.ProtoMajor == 1 && req.ProtoMinor == 0 && hasToken(first(req.Header, "Connection"), "keep-alive")
	hasCL := w.clen != -1
	if wants10KeepAlive && (isHEAD || hasCL || !bodyAllowedForStatus(w.status)) {
		if _, set := h["Connection"]; !set {
			ex.connection = "keep-alive"
		}
	} else if !is11 || req.Close || hasToken(first(req.Header, "Connection"), "close") {
		w.closeAfter = true
	}
	if first(h, "Connection") == "close" || !keepAlives {
		w.closeAfter = true
	}
	if w.body != nil && !w.closeAfter {
		if w.body.expect && !w.body.sawEOF.Load() {
			w.closeAfter = true // never asked for: don't read it (net/http)
		} else if !w.body.drain() {
			w.closeAfter = true
			del("Connection")
			ex.connection = "close"
		}
	}
	if w.body != nil {
		w.body.expect = false // too late for a 100 Continue
	}
	if bodyAllowedForStatus(w.status) {
		_, haveType := h["Content-Type"]
		if first(h, "Content-Encoding") == "" && !haveType && !hasTE && len(p) > 0 {
			ex.contentType = http.DetectContentType(p)
		}
	} else {
		for _, k := range suppressed(w.status) {
			del(k)
		}
	}
	if _, ok := h["Date"]; !ok {
		ex.date = appendDate(w.c.dateBuf[:0], time.Now())
	}
	if hasCL && hasTE && te != "identity" {
		w.c.srv.log.Warn("http: handler set both Transfer-Encoding and Content-Length", "te", te, "length", w.clen)
		del("Content-Length")
		hasCL = false
	}
	switch {
	case isHEAD || !bodyAllowedForStatus(w.status) || w.status == http.StatusNoContent:
		del("Transfer-Encoding")
	case hasCL:
		del("Transfer-Encoding")
	case is11 && hasTE && te == "identity":
		w.closeAfter = true
		del("Transfer-Encoding")
	case is11:
		w.chunking = true
		ex.transferEncoding = "chunked"
		if hasTE && te == "chunked" {
			del("Transfer-Encoding")
		}
	default:
		w.closeAfter = true // HTTP/1.0, length unknown: the close ends it
		del("Transfer-Encoding")
	}
	if w.chunking {
		del("Content-Length")
	}
	if w.closeAfter && (!keepAlives || !hasToken(first(h, "Connection"), "close")) && !isProtocolSwitch(w.status, h) {
		del("Connection")
		if is11 {
			ex.connection = "close"
		}
	}
	bw := w.c.bw
	w.writeStatusLine(w.status)
	w.writeHeader(h, exclude)
	ex.write(w.c)
	bw.WriteString("\r\n")
}

// writeHeader writes h but the keys in exclude as http.Header.WriteSubset
// does (sorted keys, invalid names dropped, line breaks in values made
// spaces, values trimmed), sorting in a slice the connection keeps.
func (w *h1response) writeHeader(h http.Header, exclude map[string]bool) {
	keys := w.c.keys[:0]
	for k := range h {
		if !exclude[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	bw := w.c.bw
	for _, k := range keys {
		if !httpguts.ValidHeaderFieldName(k) {
			continue
		}
		for _, v := range h[k] {
			if strings.ContainsAny(v, "\r\n") {
				v = newlineToSpace.Replace(v)
			}
			bw.WriteString(k)
			bw.WriteString(": ")
			bw.WriteString(textproto.TrimString(v))
			bw.WriteString("\r\n")
		}
	}
	clear(keys)
	w.c.keys = keys[:0]
}

var newlineToSpace = strings.NewReplacer("\n", " ", "\r", " ")

// writeStatusLine writes the status line as net/http's writeStatusLine.
func (w *h1response) writeStatusLine(code int) {
	bw := w.c.bw
	if w.req.ProtoAtLeast(1, 1) {
		bw.WriteString("HTTP/1.1 ")
	} else {
		bw.WriteString("HTTP/1.0 ")
	}
	bw.Write(strconv.AppendInt(w.scratch[:0], int64(code), 10))
	if text := http.StatusText(code); text != "" {
		bw.WriteByte(' ')
		bw.WriteString(text)
	} else {
		bw.WriteString(" status code ")
		bw.Write(strconv.AppendInt(w.scratch[:0], int64(code), 10))
	}
	bw.WriteString("\r\n")
}

// extraHeaders are the headers the server adds, written after the
// handler's in net/http's order.
type extraHeaders struct {
	date, contentLength                       []byte
	contentType, connection, transferEncoding string
}

func (e *extraHeaders) write(c *h1conn) {
	bw := c.bw
	if e.date != nil {
		bw.WriteString("Date: ")
		bw.Write(e.date)
		bw.WriteString("\r\n")
	}
	if e.contentLength != nil {
		bw.WriteString("Content-Length: ")
		bw.Write(e.contentLength)
		bw.WriteString("\r\n")
	}
	for _, kv := range [...][2]string{{"Content-Type", e.contentType}, {"Connection", e.connection}, {"Transfer-Encoding", e.transferEncoding}} {
		if kv[1] != "" {
			bw.WriteString(kv[0])
			bw.WriteString(": ")
			bw.WriteString(kv[1])
			bw.WriteString("\r\n")
		}
	}
}

// first is h's first value for a canonical key, without Get's
// canonicalisation.
func first(h http.Header, k string) string {
	if v := h[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func hasToken(v, token string) bool {
	return v != "" && httpguts.HeaderValuesContainsToken([]string{v}, token)
}

func bodyAllowedForStatus(code int) bool {
	switch {
	case code >= 100 && code <= 199, code == http.StatusNoContent, code == http.StatusNotModified:
		return false
	}
	return true
}

// suppressed are the headers a response without a body must not carry
// (net/http's suppressedHeaders).
func suppressed(code int) []string {
	if code == http.StatusNotModified {
		return []string{"Content-Type", "Content-Length", "Transfer-Encoding"}
	}
	return []string{"Content-Length", "Transfer-Encoding"}
}

func isProtocolSwitch(code int, h http.Header) bool {
	return code == http.StatusSwitchingProtocols && hasToken(strings.ToLower(first(h, "Connection")), "upgrade")
}

// dateNow caches the Date header's value for the current second.
var dateNow atomic.Pointer[dateStamp]

type dateStamp struct {
	sec int64
	b   []byte
}

// appendDate appends now in http.TimeFormat, formatting once a second.
func appendDate(dst []byte, now time.Time) []byte {
	sec := now.Unix()
	if d := dateNow.Load(); d != nil && d.sec == sec {
		return append(dst, d.b...)
	}
	b := now.UTC().AppendFormat(nil, http.TimeFormat)
	dateNow.Store(&dateStamp{sec: sec, b: b})
	return append(dst, b...)
}
