package phone

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Bind pins a phone's sockets to its own interface and leased address.
// A storm namespace holds many phones, each on a macvlan of its own in
// the same subnet: without SO_BINDTODEVICE the kernel would route every
// phone's packets out of whichever interface's route comes first, with
// that interface's MAC, and the server's neighbour check would (rightly)
// refuse them.
type Bind struct {
	Iface string
	IP    net.IP
}

func (b *Bind) control(_, _ string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptString(int(fd), unix.SOL_SOCKET, unix.SO_BINDTODEVICE, b.Iface)
	})
	if err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("binding to %s: %w", b.Iface, serr)
	}
	return nil
}

func (b *Bind) dialer() *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: b.IP}, Control: b.control}
}

// httpGet is one GET on a connection of its own, closed after the answer,
// as the phones do: net/http's Request.Write and ReadResponse on a bound
// socket, without a Transport (its pool and two goroutines per connection
// were a fifth of a storm phone's CPU). ua "" sends no User-Agent.
func (b *Bind) httpGet(ctx context.Context, u *url.URL, ua string, timeout time.Duration) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("User-Agent", ua)
	req.Close = true
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	c, err := b.dialer().DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, "", err
	}
	defer c.Close()
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	if err := req.Write(c); err != nil {
		return nil, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return body, strconv.Itoa(resp.StatusCode), err
}

// TFTP opcodes (RFC 1350).
const (
	tftpRRQ   = 1
	tftpDATA  = 3
	tftpACK   = 4
	tftpERROR = 5
)

// tftpGet reads one file as RFC 1350 says (octet mode, no options, 512-byte
// blocks; pin/tftp's client cannot bind its socket to a device). Each
// packet is resent after timeout/3, three times at most. A server's ERROR
// packet is reported as "code: N, message: ..." like pin/tftp's.
func (b *Bind) tftpGet(u *url.URL, slash bool, timeout time.Duration) ([]byte, error) {
	name := strings.TrimPrefix(u.Path, "/")
	if slash {
		name = "/" + name
	}
	port := u.Port()
	if port == "" {
		port = "69"
	}
	srv, err := net.ResolveUDPAddr("udp4", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return nil, err
	}
	lc := net.ListenConfig{Control: b.control}
	pc, err := lc.ListenPacket(context.Background(), "udp4", net.JoinHostPort(b.IP.String(), "0"))
	if err != nil {
		return nil, err
	}
	defer pc.Close()
	t := &tftpXfer{pc: pc.(*net.UDPConn), to: srv, wait: timeout / 3}
	body, err := t.run(append(append([]byte{0, tftpRRQ}, name...), "\x00octet\x00"...))
	if err != nil {
		return nil, fmt.Errorf("tftp %s: %w", name, err)
	}
	return body, nil
}

// tftpXfer is one transfer: the server's transfer port is learnt from its
// first answer (its TID), later packets from elsewhere are ignored.
type tftpXfer struct {
	pc   *net.UDPConn
	to   *net.UDPAddr
	tid  bool
	wait time.Duration
	body bytes.Buffer
}

func (t *tftpXfer) run(first []byte) ([]byte, error) {
	out, block := first, uint16(1)
	buf := make([]byte, 4+512+1)
	for {
		n, err := t.exchange(out, buf)
		if err != nil {
			return nil, err
		}
		p := buf[:n]
		switch op := binary.BigEndian.Uint16(p); {
		case op == tftpERROR && n >= 4:
			return nil, fmt.Errorf("code: %d, message: %s", binary.BigEndian.Uint16(p[2:]), strings.TrimRight(string(p[4:]), "\x00"))
		case op != tftpDATA || n < 4 || n > 4+512:
			return nil, fmt.Errorf("unexpected packet (opcode %d, %d bytes)", op, n)
		case binary.BigEndian.Uint16(p[2:]) != block:
			continue // a duplicate of the previous block: our ACK is resent by exchange's timeout
		}
		if t.body.Len()+n-4 > maxBody {
			return nil, fmt.Errorf("answer larger than %d bytes", maxBody)
		}
		t.body.Write(p[4:])
		out = []byte{0, tftpACK, byte(block >> 8), byte(block)}
		if n-4 < 512 {
			_, err := t.pc.WriteToUDP(out, t.to)
			return t.body.Bytes(), err
		}
		block++
	}
}

// exchange sends out and waits for the server's next packet, resending
// out on each timeout (three retries).
func (t *tftpXfer) exchange(out, buf []byte) (int, error) {
	for try := 0; try <= 3; try++ {
		if _, err := t.pc.WriteToUDP(out, t.to); err != nil {
			return 0, err
		}
		deadline := time.Now().Add(t.wait)
		for {
			t.pc.SetReadDeadline(deadline)
			n, from, err := t.pc.ReadFromUDP(buf)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				break
			}
			if err != nil {
				return 0, err
			}
			if n < 2 || !from.IP.Equal(t.to.IP) || (t.tid && from.Port != t.to.Port) {
				continue
			}
			if !t.tid {
				t.to, t.tid = from, true
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("timeout after 4 tries of %s", t.wait)
}

// addAddr puts ip/ones on interface index ifindex over rtnetlink, as `ip
// addr add` would, without a process per phone.
func addAddr(ifindex int, ip net.IP, ones int) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ip4 := ip.To4()
	attr := func(typ uint16, v []byte) []byte {
		a := make([]byte, 4, 8)
		binary.NativeEndian.PutUint16(a, uint16(4+len(v)))
		binary.NativeEndian.PutUint16(a[2:], typ)
		return append(a, v...)
	}
	body := []byte{unix.AF_INET, byte(ones), 0, unix.RT_SCOPE_UNIVERSE, 0, 0, 0, 0}
	binary.NativeEndian.PutUint32(body[4:], uint32(ifindex))
	body = append(body, attr(unix.IFA_LOCAL, ip4)...)
	body = append(body, attr(unix.IFA_ADDRESS, ip4)...)
	msg := make([]byte, unix.NLMSG_HDRLEN, unix.NLMSG_HDRLEN+len(body))
	binary.NativeEndian.PutUint32(msg, uint32(unix.NLMSG_HDRLEN+len(body)))
	binary.NativeEndian.PutUint16(msg[4:], unix.RTM_NEWADDR)
	binary.NativeEndian.PutUint16(msg[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_REPLACE)
	binary.NativeEndian.PutUint32(msg[8:], 1)
	msg = append(msg, body...)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("rtnetlink: %w", err)
	}
	ack := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, ack, 0)
	if err != nil {
		return fmt.Errorf("rtnetlink: %w", err)
	}
	if n < unix.NLMSG_HDRLEN+4 || binary.NativeEndian.Uint16(ack[4:]) != unix.NLMSG_ERROR {
		return fmt.Errorf("rtnetlink: unexpected answer (%d bytes)", n)
	}
	if code := int32(binary.NativeEndian.Uint32(ack[unix.NLMSG_HDRLEN:])); code != 0 {
		return fmt.Errorf("adding %s/%d to interface %d: %w", ip, ones, ifindex, unix.Errno(-code))
	}
	return nil
}
