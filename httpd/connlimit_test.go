package httpd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/setting"
)

var phoneAddr = netip.MustParseAddr("127.0.0.1")

// connFrom dials addr from a chosen loopback address (all of 127/8 is on
// lo).
func connFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// keepAlive sends one keep-alive GET on c and reports whether an answer
// came; false when the server closed the connection instead.
func keepAlive(t *testing.T, c net.Conn, br *bufio.Reader, path string) bool {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\nUser-Agent: %s\r\n\r\n", path, yealinkUA); err != nil {
		return false
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("no answer and no close within 5s: %v", err)
		}
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return true
}

func connCore() *fakeCore {
	core := newFakeCore()
	core.files["/phone.cfg"] = provisioning.FetchReply{Found: true, Body: []byte("phone config\n"), ContentType: "text/plain"}
	core.files["/common.cfg"] = provisioning.FetchReply{Found: true, Body: []byte("common\n"), ContentType: "text/plain"}
	core.known[phoneAddr] = true
	core.known[netip.MustParseAddr("127.0.0.2")] = true
	return core
}

// phoneFetch is a phone's plain fetch from 127.0.0.1.
func phoneFetch(t *testing.T, addr string) error {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/phone.cfg", nil)
	req.Header.Set("User-Agent", yealinkUA)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "phone config\n" {
		return fmt.Errorf("status %d, body %q", resp.StatusCode, b)
	}
	return nil
}

// hogConns is the finding's 1,100 connections, fewer if the file limit
// would not hold both ends of them.
func hogConns(t *testing.T) int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	n := min(1100, (int(rl.Cur)-200)/2)
	if n <= DefaultMaxConnsPerSource {
		t.Skipf("file limit %d too low for a hog", rl.Cur)
	}
	return n
}

// One source opening 1,100 keep-alive connections and leaving them idle
// gets MaxConnsPerSource of them; a known phone still fetches its file.
func TestConnHogOneSource(t *testing.T) {
	r := start(t, newServer(t, Config{IdleTimeout: time.Minute, StrangerIdleTimeout: setting.Timeout(time.Minute)}, connCore()), false)
	held := 0
	for range hogConns(t) {
		c := connFrom(t, "127.0.3.1", r.addr)
		if keepAlive(t, c, bufio.NewReader(c), "/common.cfg") {
			held++
		} else {
			c.Close()
		}
	}
	if held != DefaultMaxConnsPerSource {
		t.Fatalf("one source holds %d connections, want %d", held, DefaultMaxConnsPerSource)
	}
	if err := phoneFetch(t, r.addr); err != nil {
		t.Fatalf("phone fetch while the hog holds its connections: %v", err)
	}
}

// Strangers from many sources fill only their share: past it, a
// stranger's new connection displaces the oldest idle one of a stranger.
// When every connection is taken, a known phone's connection displaces a
// stranger's idle one too, and the phone is served.
func TestConnHogManySourcesPhoneStillServed(t *testing.T) {
	cfg := Config{MaxConns: 20, MaxConnsPerSource: 5, ReservedForDevices: 5,
		IdleTimeout: time.Minute, StrangerIdleTimeout: setting.Timeout(time.Minute)}
	srv := newServer(t, cfg, connCore())
	r := start(t, srv, false)
	var hog []net.Conn
	var readers []*bufio.Reader
	for i := range 6 { // 30 connections from 6 sources
		for range 5 {
			c := connFrom(t, fmt.Sprintf("127.0.4.%d", i+1), r.addr)
			br := bufio.NewReader(c)
			if !keepAlive(t, c, br, "/common.cfg") {
				t.Fatalf("stranger connection %d refused although idle ones could give way", len(hog))
			}
			hog, readers = append(hog, c), append(readers, br)
			// The client reads the answer before net/http reports the
			// connection idle: on a loaded machine the next connection
			// could otherwise pass over this one when it looks for the
			// oldest idle stranger.
			waitAllIdle(t, srv.conns)
		}
	}
	alive := func(i int) bool { return keepAlive(t, hog[i], readers[i], "/common.cfg") }
	for i := range hog {
		if want := i >= 15; alive(i) != want {
			t.Fatalf("stranger connection %d open: %t, want %t (the share of 15, newest kept)", i, !want, want)
		}
	}
	// The phone's own five idle connections fill the total...
	for i := range 5 {
		c := connFrom(t, phoneAddr.String(), r.addr)
		if !keepAlive(t, c, bufio.NewReader(c), "/phone.cfg") {
			t.Fatalf("phone connection %d refused", i)
		}
	}
	// ...and yet another known device (127.0.0.2) is served, displacing
	// the oldest idle stranger.
	c := connFrom(t, "127.0.0.2", r.addr)
	if !keepAlive(t, c, bufio.NewReader(c), "/phone.cfg") {
		t.Fatal("a known device was refused with every connection taken")
	}
	if alive(15) {
		t.Fatal("the oldest idle stranger connection was not displaced")
	}
	if !alive(16) {
		t.Fatal("more than one stranger connection was displaced")
	}
}

// A stranger's idle connection is closed after StrangerIdleTimeout; a
// known phone's stays open for IdleTimeout.
func TestStrangerIdleTimeout(t *testing.T) {
	cfg := Config{IdleTimeout: time.Minute, StrangerIdleTimeout: setting.Timeout(300 * time.Millisecond)}
	r := start(t, newServer(t, cfg, connCore()), false)
	phone := connFrom(t, phoneAddr.String(), r.addr)
	pbr := bufio.NewReader(phone)
	if !keepAlive(t, phone, pbr, "/phone.cfg") {
		t.Fatal("the phone's first request not answered")
	}
	// The stranger asks as soon as it connects: it too may wait only
	// StrangerIdleTimeout for its first request.
	stranger := connFrom(t, "127.0.5.1", r.addr)
	sbr := bufio.NewReader(stranger)
	if !keepAlive(t, stranger, sbr, "/common.cfg") {
		t.Fatal("the stranger's first request not answered")
	}
	stranger.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := sbr.ReadByte(); err != io.EOF {
		t.Fatalf("stranger's idle connection: %v, want closed by the server (EOF)", err)
	}
	time.Sleep(time.Second)
	if !keepAlive(t, phone, pbr, "/phone.cfg") {
		t.Fatal("the phone's idle connection was closed within a second")
	}
	// A stranger that connects and sends nothing is cut as early.
	silent := connFrom(t, "127.0.5.2", r.addr)
	silent.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := silent.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("silent stranger: %v, want closed by the server (EOF)", err)
	}
}

// fakeConn is a connection from a chosen address, for the limiter alone.
type fakeConn struct {
	net.Conn
	from netip.Addr
}

func (f fakeConn) RemoteAddr() net.Addr {
	return net.TCPAddrFromAddrPort(netip.AddrPortFrom(f.from, 40000))
}
func (f fakeConn) Close() error { return nil }

// Rotating addresses inside one IPv6 /64 gains nothing past
// MaxConnsPerPrefix; another /64 is not affected.
func TestConnLimiterPerPrefix(t *testing.T) {
	l := newConnLimiter(connLimits{max: 100, perSource: 4, perPrefix: 6, reserved: 10}, nil, nil)
	for i := range 6 {
		if l.admit(fakeConn{from: netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i + 1)})}) == nil {
			t.Fatalf("address %d of the /64 refused", i)
		}
	}
	if l.admit(fakeConn{from: netip.MustParseAddr("2001:db8::ff")}) != nil {
		t.Fatal("a seventh address of the same /64 got in")
	}
	c := l.admit(fakeConn{from: netip.MustParseAddr("2001:db8:0:1::1")})
	if c == nil {
		t.Fatal("another /64 refused")
	}
	c.Close()
	c.Close() // twice: released once
	if l.total != 6 || len(l.sources) != 6 {
		t.Fatalf("after close: total %d, %d sources", l.total, len(l.sources))
	}
}

// With the real core: strangers fill every connection they may use and
// the phone's own idle ones fill the rest; the phone, known by its lease,
// still provisions (bootstrap, redirect, full config) by displacing idle
// strangers.
func TestE2EConnHogPhoneProvisions(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &e2e{addr: ln.Addr().String(), base: "http://" + ln.Addr().String()}
	cfg := provisioning.Config{BaseURL: e.base, Checks: provisioning.DefaultChecks(true)}
	e.svc = provtest.Service(t, "", cfg)
	provtest.AddPhone(t, e.svc, provtest.Phone{MAC: e2eMAC, Vendor: "yealink", Model: "T46U", Password: e2ePassword})
	lease := provisioning.Lease{IP: phoneAddr, MAC: e2eMAC, Expires: time.Now().Add(time.Hour)}
	if err := e.svc.CommitLease(t.Context(), lease); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, Config{MaxConns: 12, MaxConnsPerSource: 5, ReservedForDevices: 4,
		IdleTimeout: time.Minute, StrangerIdleTimeout: setting.Timeout(time.Minute)}, e.svc)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	held := 0
	for i := range 4 { // 16 tries for the strangers' 8
		for range 4 {
			c := connFrom(t, fmt.Sprintf("127.0.6.%d", i+1), e.addr)
			if keepAlive(t, c, bufio.NewReader(c), "/y000000000000.boot") {
				held++
			}
		}
	}
	if held != 16 { // past the share, each displaced an older idle one
		t.Fatalf("%d stranger connections answered, want 16", held)
	}
	for i := range 4 {
		c := connFrom(t, phoneAddr.String(), e.addr)
		if !keepAlive(t, c, bufio.NewReader(c), "/y000000000000.boot") {
			t.Fatalf("phone connection %d refused", i)
		}
	}
	// Every connection is taken: the phone's next ones displace strangers.
	e.provision(t)
}

// waitAllIdle waits (up to 5 s) until every connection the limiter holds
// waits for a request.
func waitAllIdle(t *testing.T, l *connLimiter) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		l.mu.Lock()
		busy := 0
		for e := l.conns.Front(); e != nil; e = e.Next() {
			if !e.Value.(*limitedConn).waiting.Load() {
				busy++
			}
		}
		l.mu.Unlock()
		if busy == 0 {
			return
		}
	}
	t.Fatal("connections still busy after 5 s")
}
