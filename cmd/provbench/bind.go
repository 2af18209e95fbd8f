package main

import (
	"context"
	"fmt"
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// phoneBinding makes sockets leave from the i-th phone: its address, and
// its macvlan (SO_BINDTODEVICE), so the frames carry its MAC.
type phoneBinding struct {
	ip  net.IP
	dev string
}

func bindingOf(i int) phoneBinding {
	return phoneBinding{ip: net.IP(phoneIP(i).AsSlice()), dev: fmt.Sprintf("pm%d", i)}
}

func (b phoneBinding) control(_, _ string, c syscall.RawConn) error {
	var serr error
	if err := c.Control(func(fd uintptr) { serr = unix.BindToDevice(int(fd), b.dev) }); err != nil {
		return err
	}
	return serr
}

func (b phoneBinding) dialer() *net.Dialer {
	// No TCP keep-alive probes: four setsockopt calls per connection saved,
	// and the load generator's own cost is what limits the one-connection-
	// per-request measure first.
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: b.ip}, Control: b.control, Timeout: 3 * time.Second, KeepAlive: -1}
}

func (b phoneBinding) udp() (*net.UDPConn, error) {
	lc := net.ListenConfig{Control: b.control}
	pc, err := lc.ListenPacket(context.Background(), "udp4", net.JoinHostPort(b.ip.String(), "0"))
	if err != nil {
		return nil, err
	}
	return pc.(*net.UDPConn), nil
}
