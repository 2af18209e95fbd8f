package neigh

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// usable are the states of an entry that names a host: NUD_INCOMPLETE and
// NUD_FAILED carry no (trustworthy) address, NUD_NOARP entries are not
// resolved neighbours, NUD_NONE is being created.
const usable = unix.NUD_REACHABLE | unix.NUD_STALE | unix.NUD_DELAY | unix.NUD_PROBE | unix.NUD_PERMANENT

// maxDumpBytes bounds what one dump may read: far beyond any LAN's table
// (the kernel's default gc_thresh3 is 1024 neighbours per family).
const maxDumpBytes = 16 << 20

// conn is one rtnetlink socket; a lookup makes all its dumps through it.
type conn struct {
	fd  int
	seq uint32
	buf []byte
	// A socket that is also subscribed to notifications (Table) hears
	// them in the middle of a dump: pid tells its dump's messages apart
	// (the kernel addresses them to the socket's port), stray gets the
	// others, and lost hears of notifications dropped (ENOBUFS).
	pid   uint32
	stray func(typ uint16, body []byte)
	lost  func()
}

func open() (*conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket: %w", err)
	}
	// A kernel that never answers must not hold a request forever.
	tv := unix.Timeval{Sec: 2}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("netlink timeout: %w", err)
	}
	return &conn{fd: fd, buf: make([]byte, 64<<10)}, nil
}

func (c *conn) close() { unix.Close(c.fd) }

// dump asks for every object of typ (RTM_GETNEIGH, RTM_GETADDR,
// RTM_GETLINK) of every family, and hands each message body to each.
func (c *conn) dump(typ uint16, hdrLen int, each func(typ uint16, body []byte)) error {
	c.seq++
	if err := unix.Sendto(c.fd, request(c.seq, typ, hdrLen), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink request: %w", err)
	}
	for read := 0; read < maxDumpBytes; {
		n, _, err := unix.Recvfrom(c.fd, c.buf, 0)
		if err == unix.ENOBUFS && c.lost != nil {
			c.lost()
			continue
		}
		if err != nil {
			return fmt.Errorf("netlink read: %w", err)
		}
		read += n
		done, err := parseFrom(c.buf[:n], c.seq, c.pid, each, c.stray)
		if err != nil || done {
			return err
		}
	}
	return errors.New("netlink: dump too large")
}

// request is a dump request with a zeroed family header of hdrLen bytes
// (AF_UNSPEC: every family).
func request(seq uint32, typ uint16, hdrLen int) []byte {
	b := make([]byte, unix.NLMSG_HDRLEN+hdrLen)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(len(b)))
	ne.PutUint16(b[4:], typ)
	ne.PutUint16(b[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(b[8:], seq)
	return b
}

// parse hands the bodies of one read's messages of dump seq to each and
// reports whether the dump ended. seq 0 takes every message: notifications
// carry the sequence number of whichever request caused them.
func parse(b []byte, seq uint32, each func(typ uint16, body []byte)) (done bool, err error) {
	return parseFrom(b, seq, 0, each, nil)
}

// parseFrom is parse for dump seq to port pid (0: any); the messages of
// anything else go to stray (nil: dropped).
func parseFrom(b []byte, seq, pid uint32, each, stray func(typ uint16, body []byte)) (done bool, err error) {
	ne := binary.NativeEndian
	for len(b) >= unix.NLMSG_HDRLEN {
		l := int(ne.Uint32(b[0:]))
		typ, s, p := ne.Uint16(b[4:]), ne.Uint32(b[8:]), ne.Uint32(b[12:])
		if l < unix.NLMSG_HDRLEN || l > len(b) {
			return false, errors.New("netlink: truncated message")
		}
		body := b[unix.NLMSG_HDRLEN:l]
		b = b[min(align(l), len(b)):]
		if (seq != 0 && s != seq) || (pid != 0 && p != pid) {
			if stray != nil {
				stray(typ, body)
			}
			continue
		}
		switch typ {
		case unix.NLMSG_DONE:
			return true, nil
		case unix.NLMSG_ERROR:
			if len(body) >= 4 && int32(ne.Uint32(body)) != 0 {
				return false, fmt.Errorf("netlink: %w", unix.Errno(-int32(ne.Uint32(body))))
			}
			return true, nil
		default:
			each(typ, body)
		}
	}
	return false, nil
}

// attrs calls fn for each route attribute in b.
func attrs(b []byte, fn func(typ uint16, v []byte)) bool {
	ne := binary.NativeEndian
	for len(b) >= unix.SizeofRtAttr {
		l := int(ne.Uint16(b[0:]))
		if l < unix.SizeofRtAttr || l > len(b) {
			return false
		}
		fn(ne.Uint16(b[2:]), b[unix.SizeofRtAttr:l])
		b = b[min(align(l), len(b)):]
	}
	return true
}

// neighbours reads the whole neighbour table, both families.
func (c *conn) neighbours() ([]entry, error) {
	var out []entry
	err := c.dump(unix.RTM_GETNEIGH, unix.SizeofNdMsg, func(typ uint16, body []byte) {
		if e, ok := parseNeigh(body); ok && typ == unix.RTM_NEWNEIGH {
			out = append(out, e)
		}
	})
	return out, err
}

// parseNeigh reads one ndmsg and its attributes; ok is false for an entry
// that names no host (see usable) or is malformed.
func parseNeigh(b []byte) (entry, bool) {
	if len(b) < unix.SizeofNdMsg {
		return entry{}, false
	}
	ne := binary.NativeEndian
	family := b[0]
	e := entry{ifindex: int(int32(ne.Uint32(b[4:])))}
	if ne.Uint16(b[8:])&usable == 0 {
		return entry{}, false
	}
	var dst []byte
	ok := attrs(b[unix.SizeofNdMsg:], func(typ uint16, v []byte) {
		switch typ {
		case unix.NDA_DST:
			dst = v
		case unix.NDA_LLADDR:
			e.mac = append([]byte(nil), v...)
		}
	})
	ip, valid := netip.AddrFromSlice(dst)
	switch {
	case !ok, !valid, family == unix.AF_INET && !ip.Is4(), family == unix.AF_INET6 && !ip.Is6():
		return entry{}, false
	}
	e.ip = ip.Unmap()
	return e, true
}

// links reads the interfaces and their addresses.
func (c *conn) links() ([]link, error) {
	var ls []link
	at := map[int]int{} // index -> position in ls
	err := c.dump(unix.RTM_GETLINK, unix.SizeofIfInfomsg, func(typ uint16, body []byte) {
		if l, ok := parseLink(body); ok && typ == unix.RTM_NEWLINK {
			at[l.index] = len(ls)
			ls = append(ls, l)
		}
	})
	if err != nil {
		return nil, err
	}
	err = c.dump(unix.RTM_GETADDR, unix.SizeofIfAddrmsg, func(typ uint16, body []byte) {
		if index, p, ok := parseAddr(body); ok && typ == unix.RTM_NEWADDR {
			if i, known := at[index]; known {
				ls[i].prefixes = append(ls[i].prefixes, p)
			}
		}
	})
	return ls, err
}

// parseLink reads one ifinfomsg: its index, flags and name.
func parseLink(b []byte) (link, bool) {
	if len(b) < unix.SizeofIfInfomsg {
		return link{}, false
	}
	ne := binary.NativeEndian
	l := link{index: int(int32(ne.Uint32(b[4:]))), flags: ne.Uint32(b[8:])}
	ok := attrs(b[unix.SizeofIfInfomsg:], func(typ uint16, v []byte) {
		if typ == unix.IFLA_IFNAME {
			for len(v) > 0 && v[len(v)-1] == 0 {
				v = v[:len(v)-1]
			}
			l.name = string(v)
		}
	})
	return l, ok
}

// parseAddr reads one ifaddrmsg: the interface and the address with its
// prefix length (IFA_LOCAL, the box's own address, where it differs
// from IFA_ADDRESS: a point-to-point peer).
func parseAddr(b []byte) (index int, p netip.Prefix, ok bool) {
	if len(b) < unix.SizeofIfAddrmsg {
		return 0, netip.Prefix{}, false
	}
	ne := binary.NativeEndian
	bits, index := int(b[1]), int(ne.Uint32(b[4:]))
	var addr, local []byte
	if !attrs(b[unix.SizeofIfAddrmsg:], func(typ uint16, v []byte) {
		switch typ {
		case unix.IFA_ADDRESS:
			addr = v
		case unix.IFA_LOCAL:
			local = v
		}
	}) {
		return 0, netip.Prefix{}, false
	}
	if local != nil {
		addr = local
	}
	ip, valid := netip.AddrFromSlice(addr)
	if !valid || bits > ip.BitLen() {
		return 0, netip.Prefix{}, false
	}
	return index, netip.PrefixFrom(ip.Unmap(), bits), true
}

func align(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }
