package tftp

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

type running struct {
	addr   string
	cancel context.CancelFunc
	done   chan error
}

// start serves s on 127.0.0.1:0 until the test ends.
func start(t testing.TB, s *Server) *running {
	t.Helper()
	s.cfg.Addr = "127.0.0.1:0"
	conn, err := s.Listen() // packet info on before any request can arrive
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{addr: conn.LocalAddr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- s.Serve(ctx, conn) }()
	t.Cleanup(func() { r.stop(t, 30*time.Second) })
	return r
}

// stop cancels Serve and waits at most limit for it to return.
func (r *running) stop(t testing.TB, limit time.Duration) error {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
		}
		return err
	case <-time.After(limit):
		t.Fatalf("Serve did not return within %v of cancel", limit)
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

// request builds a raw RRQ (op 1) or WRQ (op 2) with options.
func request(op uint16, name, mode string, opts ...string) []byte {
	b := binary.BigEndian.AppendUint16(nil, op)
	for _, s := range append([]string{name, mode}, opts...) {
		b = append(append(b, s...), 0)
	}
	return b
}

// rawClient is a bare UDP socket speaking TFTP by hand, to see exact packets.
type rawClient struct {
	t    *testing.T
	conn *net.UDPConn
	peer *net.UDPAddr // the transfer's port once known
}

func dialRaw(t *testing.T) *rawClient {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, conn: c}
}

func (c *rawClient) send(to string, pkt []byte) {
	c.t.Helper()
	a, err := net.ResolveUDPAddr("udp", to)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.conn.WriteToUDP(pkt, a); err != nil {
		c.t.Fatal(err)
	}
}

// recv returns the next packet (deadline only as a hang guard).
func (c *rawClient) recv() []byte {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 65536)
	n, from, err := c.conn.ReadFromUDP(buf)
	if err != nil {
		c.t.Fatal(err)
	}
	c.peer = from
	return buf[:n]
}

func (c *rawClient) ack(block uint16) {
	c.t.Helper()
	pkt := binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, 4), block)
	if _, err := c.conn.WriteToUDP(pkt, c.peer); err != nil {
		c.t.Fatal(err)
	}
}

// abort ends the transfer from the client side (ERROR 0), so a test that
// stops reading does not leave the server retransmitting.
func (c *rawClient) abort() {
	c.t.Helper()
	pkt := append([]byte{0, 5, 0, 0}, "done\x00"...)
	if _, err := c.conn.WriteToUDP(pkt, c.peer); err != nil {
		c.t.Fatal(err)
	}
}

// parseError decodes an ERROR packet (op 5).
func parseError(t *testing.T, p []byte) (code uint16, msg string) {
	t.Helper()
	if len(p) < 5 || binary.BigEndian.Uint16(p) != 5 || p[len(p)-1] != 0 {
		t.Fatalf("not an ERROR packet: %q", p)
	}
	return binary.BigEndian.Uint16(p[2:]), string(p[4 : len(p)-1])
}

// parseOACK decodes an OACK packet (op 6).
func parseOACK(t *testing.T, p []byte) map[string]string {
	t.Helper()
	if len(p) < 2 || binary.BigEndian.Uint16(p) != 6 {
		t.Fatalf("not an OACK packet: %q", p)
	}
	parts := strings.Split(string(bytes.TrimSuffix(p[2:], []byte{0})), "\x00")
	m := map[string]string{}
	for i := 0; i+1 < len(parts); i += 2 {
		m[parts[i]] = parts[i+1]
	}
	return m
}

// payload is deterministic file content of n bytes.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func netipOf(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
