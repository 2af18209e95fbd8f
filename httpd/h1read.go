package httpd

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"sync/atomic"
)

// headSlack is what net/http lets a request head exceed MaxHeaderBytes by
// (its bufio read-ahead); kept so the 431 threshold is the same.
const headSlack = 4096

// maxDrain is how much of a request body the handler left unread is read
// and dropped to keep the connection (net/http's maxPostHandlerReadBytes);
// more than that and the connection is closed instead.
const maxDrain = 256 << 10

// wireReader sits under a connection's bufio.Reader. While a request
// head is read it caps the bytes taken from the wire and keeps a copy of
// them: http.ReadRequest folds away what the smuggling checks need (a
// Content-Length beside a Transfer-Encoding).
type wireReader struct {
	c      net.Conn
	remain int  // bytes the head may still take; < 0: no limit (body)
	hit    bool // the head ran into the limit
	head   []byte
}

func (r *wireReader) Read(p []byte) (int, error) {
	if r.remain < 0 {
		return r.c.Read(p)
	}
	if r.remain == 0 {
		r.hit = true
		return 0, io.EOF
	}
	if len(p) > r.remain {
		p = p[:r.remain]
	}
	n, err := r.c.Read(p)
	r.remain -= n
	r.head = append(r.head, p[:n]...)
	return n, err
}

// startHead begins a request head: limit bytes from the wire, the copy
// starting with what br already holds of it.
func (r *wireReader) startHead(br *bufio.Reader, limit int) {
	r.remain, r.hit = limit, false
	if cap(r.head) > 2*headSlack {
		r.head = nil // a big head once does not stay with the connection
	}
	buf, _ := br.Peek(br.Buffered())
	r.head = append(r.head[:0], buf...)
}

// restartHead drops from the copy what br skipped since startHead (the
// CR LF tolerated after a POST); the wire limit is unchanged.
func (r *wireReader) restartHead(br *bufio.Reader) {
	buf, _ := br.Peek(br.Buffered())
	r.head = append(r.head[:0], buf...)
}

// hostHeader is the request's Host header field as net/http's server
// judges it (have: present, even empty). http.ReadRequest drops the
// field and sets req.Host from an absolute-URI target instead, so
// req.Host alone would let "GET http://x/ HTTP/1.1" without a Host
// field through, and judge the URI's host instead of the field's. When
// req.Host cannot stand for the field (an absolute target, or empty)
// the head is parsed again from the copy: rare, never a phone's
// (HTTP/1.0 without Host needs no parse: presence is not required, and
// an empty field is valid).
func (c *h1conn) hostHeader(req *http.Request) (host string, have bool) {
	if req.URL.Host == "" && (req.Host != "" || !req.ProtoAtLeast(1, 1)) {
		return req.Host, req.Host != ""
	}
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(c.wr.head)))
	if _, err := tp.ReadLine(); err != nil {
		return "", false
	}
	h, _ := tp.ReadMIMEHeader() // it parsed once already
	v, have := h["Host"]
	if len(v) == 0 {
		return "", false
	}
	return v[0], have
}

// endHead lifts the limit for the body.
func (r *wireReader) endHead() { r.remain = -1 }

// headBuffered reports whether br holds a whole request head, so parsing
// it reads nothing from the wire (and needs no deadline of its own).
func headBuffered(br *bufio.Reader) bool {
	buf, _ := br.Peek(br.Buffered())
	return bytes.Contains(buf, crlfcrlf)
}

var crlfcrlf = []byte("\r\n\r\n")

// ambiguousFraming reports what makes a request's body length depend on
// who reads it (RFC 9112 section 6.1 and 6.3): Transfer-Encoding beside
// Content-Length, or on HTTP/1.0 (which net/http and many proxies
// ignore). net/http accepts the first, letting Transfer-Encoding win; a
// phone never sends either, so it is refused.
func ambiguousFraming(head []byte, http10 bool) bool {
	var cl, te bool
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break // end of the head
		}
		cl = cl || hasPrefixFold(line, "content-length:")
		te = te || hasPrefixFold(line, "transfer-encoding:")
	}
	return te && (cl || http10)
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// reqBody wraps a request body: it answers Expect: 100-continue on the
// first read (as net/http does), notes whether the body was read to its
// end, and makes Close cheap (http.ReadRequest's body would read the
// rest, unbounded); what the handler leaves is drained by the server,
// bounded.
type reqBody struct {
	body    io.ReadCloser
	c       *h1conn
	expect  bool // a 100 Continue is owed on the first read
	sawEOF  atomic.Bool
	closed  atomic.Bool
	readErr atomic.Bool // a read failed other than at the end
}

func (b *reqBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.expect {
		b.expect = false
		b.c.sendContinue()
	}
	n, err := b.body.Read(p)
	switch {
	case err == io.EOF:
		b.sawEOF.Store(true)
	case err != nil:
		b.readErr.Store(true)
	}
	return n, err
}

func (b *reqBody) Close() error {
	b.closed.Store(true)
	return nil
}

// drain reads what the handler left of the body, up to maxDrain: ok
// reports that the body ended cleanly and the connection may be reused.
// A body the client was not yet told to send (100-continue owed) is not
// read: the connection is closed instead, as net/http does.
func (b *reqBody) drain() (ok bool) {
	if b.sawEOF.Load() {
		return true
	}
	if b.expect || b.readErr.Load() {
		return false
	}
	// Shutdown cuts a drain short (see h1server.shutdown): the
	// connection would not be kept anyway. The flag is set before
	// closing is looked at, so shutdown either sees it or is seen.
	b.c.draining.Store(true)
	defer b.c.draining.Store(false)
	if b.c.srv.closing.Load() {
		return false
	}
	_, err := io.CopyN(io.Discard, b.body, maxDrain+1)
	if err == io.EOF {
		b.sawEOF.Store(true)
		return true
	}
	return false
}
