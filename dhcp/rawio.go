package dhcp

import (
	"net"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"
)

// The DHCP socket is non-blocking (Go's poller waits for it), so its
// recvmmsg(2) and sendmsg(2) return at once, EAGAIN when there is nothing
// to do. They are made as raw system calls: a call through syscall.Syscall
// also tells the runtime it may block, and on a process that was idle
// (every packet at a few hundred a second) that wakes the runtime's
// monitor thread (sysmon), which then polls every 20 µs until the process
// is idle again: a fifth of the server's CPU at 1,000 DORA/s (perf). A raw
// call that cannot block is what the runtime's own poller does.

// conn is a DHCP socket: the packet conn and, for a UDP socket, its file
// descriptor for the raw calls (nil: pc's own methods are used).
type conn struct {
	*ipv4.PacketConn
	raw syscall.RawConn
}

func newConn(c net.PacketConn) *conn {
	sc := &conn{PacketConn: ipv4.NewPacketConn(c)}
	if u, ok := c.(*net.UDPConn); ok {
		if raw, err := u.SyscallConn(); err == nil {
			sc.raw = raw
		}
	}
	return sc
}

// writeTo sends b to to, with cm's packet info if cm is not nil.
func (c *conn) writeTo(b []byte, cm *ipv4.ControlMessage, to net.Addr) error {
	ua, ok := to.(*net.UDPAddr)
	if c.raw == nil || !ok || ua.IP.To4() == nil || len(b) == 0 {
		_, err := c.WriteTo(b, cm, to)
		return err
	}
	var sa unix.RawSockaddrInet4
	sa.Family = unix.AF_INET
	port := (*[2]byte)(unsafe.Pointer(&sa.Port))
	port[0], port[1] = byte(ua.Port>>8), byte(ua.Port)
	copy(sa.Addr[:], ua.IP.To4())
	iov := unix.Iovec{Base: &b[0]}
	iov.SetLen(len(b))
	msg := unix.Msghdr{Name: (*byte)(unsafe.Pointer(&sa)), Namelen: unix.SizeofSockaddrInet4, Iov: &iov, Iovlen: 1}
	var oob []byte
	if cm != nil {
		oob = cm.Marshal()
	}
	if len(oob) > 0 {
		msg.Control = &oob[0]
		msg.SetControllen(len(oob))
	}
	var errno syscall.Errno
	err := c.raw.Write(func(fd uintptr) bool {
		for {
			_, _, errno = unix.RawSyscall(unix.SYS_SENDMSG, fd, uintptr(unsafe.Pointer(&msg)), 0)
			if errno != unix.EINTR {
				return errno != unix.EAGAIN
			}
		}
	})
	if err == nil && errno != 0 {
		err = os.NewSyscallError("sendmsg", errno)
	}
	if err != nil {
		return &net.OpError{Op: "write", Net: "udp", Source: c.LocalAddr(), Addr: to, Err: err}
	}
	return nil
}

// mmsghdr is struct mmsghdr of recvmmsg(2).
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
	_   [unsafe.Sizeof(uintptr(0)) - 4]byte
}

// rawBatch is the state of raw recvmmsg reads: headers, buffers, source
// addresses and control messages, one per datagram.
type rawBatch struct {
	hs   []mmsghdr
	iovs []unix.Iovec
	bufs [][]byte
	sas  []unix.RawSockaddrInet4
	oobs [][]byte
}

func newRawBatch(n int) *rawBatch {
	b := &rawBatch{hs: make([]mmsghdr, n), iovs: make([]unix.Iovec, n), bufs: make([][]byte, n), sas: make([]unix.RawSockaddrInet4, n), oobs: make([][]byte, n)}
	for i := range n {
		b.bufs[i] = make([]byte, 4096)
		b.oobs[i] = ipv4.NewControlMessage(ipv4.FlagInterface | ipv4.FlagDst)
	}
	return b
}

// read waits for datagrams on raw and returns how many arrived.
func (b *rawBatch) read(raw syscall.RawConn) (int, error) {
	for i := range b.hs {
		b.iovs[i] = unix.Iovec{Base: &b.bufs[i][0]}
		b.iovs[i].SetLen(len(b.bufs[i]))
		h := &b.hs[i].hdr
		*h = unix.Msghdr{Name: (*byte)(unsafe.Pointer(&b.sas[i])), Namelen: unix.SizeofSockaddrInet4, Iov: &b.iovs[i], Iovlen: 1, Control: &b.oobs[i][0]}
		h.SetControllen(len(b.oobs[i]))
		b.hs[i].n = 0
	}
	var n uintptr
	var errno syscall.Errno
	err := raw.Read(func(fd uintptr) bool {
		for {
			n, _, errno = unix.RawSyscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&b.hs[0])), uintptr(len(b.hs)), 0, 0, 0)
			if errno != unix.EINTR {
				return errno != unix.EAGAIN
			}
		}
	})
	if err == nil && errno != 0 {
		err = os.NewSyscallError("recvmmsg", errno)
	}
	if err != nil {
		return 0, &net.OpError{Op: "read", Net: "udp", Err: err}
	}
	return int(n), nil
}

// packet is the i-th datagram of the last read: its bytes, its control
// messages and its source.
func (b *rawBatch) packet(i int) ([]byte, []byte, net.Addr) {
	h := &b.hs[i]
	sa := &b.sas[i]
	port := (*[2]byte)(unsafe.Pointer(&sa.Port))
	peer := &net.UDPAddr{IP: net.IPv4(sa.Addr[0], sa.Addr[1], sa.Addr[2], sa.Addr[3]), Port: int(port[0])<<8 | int(port[1])}
	return b.bufs[i][:h.n], b.oobs[i][:h.hdr.Controllen], peer
}
