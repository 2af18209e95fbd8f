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

// maxDumpBytes bounds what one dump may read: a table far beyond any
// LAN's (the kernel's default gc_thresh3 is 1024 entries per family).
const maxDumpBytes = 16 << 20

// dump reads the whole neighbour table, both families, through one
// rtnetlink socket (RTM_GETNEIGH, AF_UNSPEC).
func dump() ([]entry, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket: %w", err)
	}
	defer unix.Close(fd)
	// A kernel that never answers must not hold a request forever.
	tv := unix.Timeval{Sec: 2}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return nil, fmt.Errorf("netlink timeout: %w", err)
	}
	const seq = 1
	if err := unix.Sendto(fd, request(seq), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("netlink request: %w", err)
	}
	var out []entry
	buf := make([]byte, 64<<10)
	for read := 0; read < maxDumpBytes; {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return nil, fmt.Errorf("netlink read: %w", err)
		}
		read += n
		done, err := parse(buf[:n], seq, &out)
		if err != nil || done {
			return out, err
		}
	}
	return nil, errors.New("netlink: neighbour table too large")
}

// request is an RTM_GETNEIGH dump request for every family.
func request(seq uint32) []byte {
	b := make([]byte, unix.NLMSG_HDRLEN+unix.SizeofNdMsg)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(len(b)))
	ne.PutUint16(b[4:], unix.RTM_GETNEIGH)
	ne.PutUint16(b[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(b[8:], seq)
	b[unix.NLMSG_HDRLEN] = unix.AF_UNSPEC
	return b
}

// parse appends the usable entries of one read's messages to out and
// reports whether the dump ended.
func parse(b []byte, seq uint32, out *[]entry) (done bool, err error) {
	ne := binary.NativeEndian
	for len(b) >= unix.NLMSG_HDRLEN {
		l := int(ne.Uint32(b[0:]))
		typ, s := ne.Uint16(b[4:]), ne.Uint32(b[8:])
		if l < unix.NLMSG_HDRLEN || l > len(b) {
			return false, errors.New("netlink: truncated message")
		}
		body := b[unix.NLMSG_HDRLEN:l]
		b = b[min(align(l), len(b)):]
		if s != seq {
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
		case unix.RTM_NEWNEIGH:
			if e, ok := parseNeigh(body); ok {
				*out = append(*out, e)
			}
		}
	}
	return false, nil
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
	for a := b[unix.SizeofNdMsg:]; len(a) >= unix.SizeofRtAttr; {
		l := int(ne.Uint16(a[0:]))
		if l < unix.SizeofRtAttr || l > len(a) {
			return entry{}, false
		}
		switch ne.Uint16(a[2:]) {
		case unix.NDA_DST:
			dst = a[unix.SizeofRtAttr:l]
		case unix.NDA_LLADDR:
			e.mac = append([]byte(nil), a[unix.SizeofRtAttr:l]...)
		}
		a = a[min(align(l), len(a)):]
	}
	ip, ok := netip.AddrFromSlice(dst)
	switch {
	case !ok, family == unix.AF_INET && !ip.Is4(), family == unix.AF_INET6 && !ip.Is6():
		return entry{}, false
	}
	e.ip = ip.Unmap()
	return e, true
}

func align(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }
