package httpd

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// running is a Server serving on a loopback listener.
type running struct {
	addr   string
	cancel context.CancelFunc
	done   chan error
}

// start serves s on 127.0.0.1:0 (TLS if secure) until the test ends.
func start(t testing.TB, s *Server, secure bool) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{addr: ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() {
		if secure {
			r.done <- s.ServeTLS(ctx, ln)
		} else {
			r.done <- s.Serve(ctx, ln)
		}
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels and waits for Serve; it returns Serve's error (once).
func (r *running) stop(t testing.TB) error {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
		}
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after cancel")
		return nil
	}
}

func newServer(t testing.TB, cfg Config, core Core) *Server {
	t.Helper()
	s, err := New(cfg, core, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rawExchange sends one raw HTTP/1.1 request with Connection: close and
// returns the exact bytes the server answered.
func rawExchange(t *testing.T, addr, method, target string, extra ...string) []byte {
	t.Helper()
	return rawExchangeUA(t, addr, method, target, yealinkUA, extra...)
}

// rawExchangeUA is rawExchange with a chosen User-Agent.
func rawExchangeUA(t *testing.T, addr, method, target, ua string, extra ...string) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	req := method + " " + target + " HTTP/1.1\r\nHost: prov\r\nUser-Agent: " + ua + "\r\n" +
		strings.Join(extra, "") + "Connection: close\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("%s %s: reading answer: %v", method, target, err)
	}
	return b
}

// withoutDateValue blanks the value of the Date header, the one byte range
// allowed to differ between two refusals.
func withoutDateValue(b []byte) string {
	lines := strings.Split(string(b), "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Date: ") {
			lines[i] = "Date: <elided>"
		}
	}
	return strings.Join(lines, "\r\n")
}

// readResponse parses one response from br for a request with method m.
func readResponse(t *testing.T, br *bufio.Reader, m string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: m})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, string(b)
}

// dialFor opens a raw connection to addr that the test closes and that
// gives up after d.
func dialFor(t *testing.T, addr string, d time.Duration) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(d))
	return c
}
