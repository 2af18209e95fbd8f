package httpd

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/setting"
)

// closedAtOnce reports whether the server closed c (EOF or reset) within
// 3 s without sending anything.
func closedAtOnce(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	n, err := c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return n == 0 && err != nil
}

// TestH1EvictionFollowsRequestState: the loop marks a connection idle or
// active for the limiter itself (net/http's ConnState did before). With
// every connection taken, a known device displaces a stranger's
// connection that waits, even mid-head (a slowloris), but never one
// whose request is in the handler; once that request is answered, the
// connection waits again and may be displaced.
func TestH1EvictionFollowsRequestState(t *testing.T) {
	cfg := Config{MaxConns: 2, ReservedForDevices: 1, IdleTimeout: time.Minute,
		StrangerIdleTimeout: setting.Timeout(time.Minute)}
	core := connCore()
	srv := newServer(t, cfg, core)
	r := start(t, srv, false)
	phone := connFrom(t, phoneAddr.String(), r.addr) // a device's idle connection
	waitOpen(t, srv, 1)

	core.mu.Lock()
	core.hold, core.entered = make(chan struct{}), make(chan struct{}, 1)
	core.mu.Unlock()
	busy := connFrom(t, "127.0.6.1", r.addr)
	io.WriteString(busy, "GET /common.cfg HTTP/1.1\r\nHost: x\r\n\r\n")
	<-core.entered
	if late := connFrom(t, "127.0.0.2", r.addr); !closedAtOnce(late) {
		t.Fatal("a stranger's request in the handler was displaced, or the device let in beyond MaxConns")
	}
	close(core.hold)
	core.mu.Lock()
	core.hold = nil
	core.mu.Unlock()
	bbr := bufio.NewReader(busy)
	busy.SetDeadline(time.Now().Add(5 * time.Second))
	readResponse(t, bbr, "GET")
	waitAllIdle(t, srv.conns)

	dev := connFrom(t, "127.0.0.2", r.addr)
	if !keepAlive(t, dev, bufio.NewReader(dev), "/phone.cfg") {
		t.Fatal("a known device was refused although a stranger's connection waited")
	}
	if _, err := bbr.ReadByte(); err == nil {
		t.Fatal("the waiting stranger's connection was not displaced")
	}
	dev.Close()
	waitOpen(t, srv, 1)

	slow := connFrom(t, "127.0.6.2", r.addr)
	io.WriteString(slow, "GET /common.cfg HTTP/1.1\r\nHo") // and stalls
	waitOpen(t, srv, 2)
	time.Sleep(100 * time.Millisecond) // the head's bytes are read
	dev = connFrom(t, "127.0.0.2", r.addr)
	if !keepAlive(t, dev, bufio.NewReader(dev), "/phone.cfg") {
		t.Fatal("a known device was refused although a stranger stalled mid-head")
	}
	if !closedAtOnce(slow) {
		t.Fatal("the stranger stalled mid-head was not displaced")
	}
	phone.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := phone.Read(make([]byte, 1)); err == io.EOF {
		t.Fatal("the device's idle connection was displaced")
	}
}
