package tftp

import (
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	pintftp "github.com/pin/tftp/v3"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// pktConn is the listening socket as pin/tftp sees it in single-port
// mode. Given the *net.UDPConn itself, pin/tftp v3.2.0 reads each
// datagram's packet info and calls net.InterfaceByIndex (a netlink dump
// of every link) on every datagram, each ACK included, to cap blksize at
// the arrival interface's MTU; it also allocates a datagram buffer of
// the largest block for each. Given any other net.PacketConn it reads
// plain datagrams and answers through WriteTo. pktConn is such a
// PacketConn that supplies what pin/tftp would have read:
//   - the packet info, read here; each client's answers leave from the
//     address its read request was sent to (IP_PKTINFO on send, as
//     pin/tftp does). That address is kept per client address and port
//     from its RRQ on (a later RRQ replaces it), its age refreshed by its
//     datagrams, and dropped endGrace after the hook reports the
//     transfer's end (then only its last ERROR may still go out), at
//     once when pin/tftp rejects the request without a transfer (the
//     hook's report without a client, see forgetFailed), or once unused
//     for keep. At most max are kept, so a flood of forged requests
//     costs bounded memory; when full, the ended and then the oldest
//     entries make room, so a new phone is still answered from the
//     address it asked. A write request is refused at once and not
//     remembered: its ERROR leaves from the kernel's choice;
//   - the blksize cap: the arrival interface's MTU less the headers, from
//     a cache refreshed every mtuTTL, set on the server (setBlock) while
//     pin/tftp's loop waits in ReadFrom, so before it handles the
//     request. pin/tftp's loop is one goroutine that calls ReadFrom and
//     then handles that datagram: the value set is the one it reads.
type pktConn struct {
	*net.UDPConn
	v4       *ipv4.PacketConn // one of v4 and v6
	v6       *ipv6.PacketConn
	setBlock func(int) // pin/tftp's SetBlockSize
	cap      int       // the configured MaxBlockSize, or the protocol's largest
	mtus     *mtuCache
	keep     time.Duration
	now      func() time.Time
	max      int // clients remembered at most

	mu     sync.Mutex
	dst    map[netip.AddrPort]local // client → where it sent to
	swept  time.Time
	endedN int // entries marked ended and not yet dropped
	// lastReq is the client whose read request the last ReadFrom
	// returned; pin/tftp's loop handles it before reading again.
	lastReq netip.AddrPort
}

// local is the address a client's datagrams arrived at.
type local struct {
	ip    net.IP
	oob   []byte    // the packet info that sends from ip (srcInfo)
	seen  time.Time // its last datagram, or its transfer's end
	ended bool      // the hook reported the transfer's end
}

// Bounds of the clients remembered: a transfer's end is followed by at
// most its ERROR, sent at once; and forged requests are cheap.
const (
	endGrace      = time.Second
	maxRemembered = 1 << 16
)

// maxBlock is RFC 2348's largest blksize, and what pin/tftp accepts.
const maxBlock = 65464

// newPktConn enables packet info on uc; nil if the system refuses it
// (then pin/tftp is given uc itself, as before).
func newPktConn(uc *net.UDPConn, setBlock func(int), cap int, keep time.Duration) *pktConn {
	c := &pktConn{UDPConn: uc, setBlock: setBlock, cap: cap, mtus: newMTUCache(), keep: keep, now: time.Now,
		max: maxRemembered, dst: map[netip.AddrPort]local{}}
	if a, ok := uc.LocalAddr().(*net.UDPAddr); ok && a.IP.To4() != nil {
		c.v4 = ipv4.NewPacketConn(uc)
		if c.v4.SetControlMessage(ipv4.FlagDst|ipv4.FlagInterface, true) != nil {
			return nil
		}
		return c
	}
	c.v6 = ipv6.NewPacketConn(uc)
	if c.v6.SetControlMessage(ipv6.FlagDst|ipv6.FlagInterface, true) != nil {
		return nil
	}
	return c
}

// ReadFrom reads a datagram and notes where it was sent to.
func (c *pktConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, src, dst, ifindex, err := readPktInfo(c.UDPConn, b)
	c.mu.Lock()
	c.lastReq = netip.AddrPort{}
	c.mu.Unlock()
	if err != nil {
		if src == nil {
			return n, nil, err // no typed nil in the interface
		}
		return n, src, err
	}
	request := n >= 2 && b[0] == 0 && (b[1] == 1 || b[1] == 2) // RRQ, WRQ: a transfer starts
	if request {
		c.setBlock(c.blockCap(ifindex, dst.To4() != nil))
	}
	if answerFrom(dst) {
		c.remember(src, dst, request && b[1] == 1)
	}
	return n, src, nil
}

// answerFrom reports whether answers may leave from dst, where a
// request arrived. Not from a broadcast or multicast address: as
// pin/tftp does, they then leave from the kernel's choice.
func answerFrom(dst net.IP) bool {
	return dst != nil && !dst.Equal(net.IPv4bcast) && !dst.IsMulticast() && !dst.IsUnspecified()
}

// blockCap is the largest blksize for a transfer over ifindex (of IPv4
// or IPv6; 0: unknown): the MTU less the IP and UDP headers, at most
// cap; pin/tftp takes nothing under 513, so a smaller MTU gets 513 (an
// MTU under 541 is not Ethernet).
func (c *pktConn) blockCap(ifindex int, v4 bool) int {
	lim := c.cap
	if mtu := c.mtus.get(ifindex, c.now()); mtu > 0 {
		hdr := 48 // IPv6 40 + UDP 8
		if v4 {
			hdr = 28 // IPv4 20 + UDP 8
		}
		lim = min(lim, mtu-hdr)
	}
	return max(lim, 513)
}

// transferEnded passes a transfer's end to c; c may be nil.
func (c *pktConn) transferEnded(st pintftp.TransferStats) {
	if c != nil && st.RemoteAddr != nil {
		c.ended(st.RemoteAddr, st.Tid)
	}
}

func key(a *net.UDPAddr) netip.AddrPort {
	ap := a.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// remember notes dst for the client on a read request; another datagram
// of a known client only refreshes its age (one of an unknown client
// starts nothing: pin/tftp answers none).
func (c *pktConn) remember(a *net.UDPAddr, dst net.IP, rrq bool) {
	now := c.now()
	k := key(a)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sweep(now)
	l, known := c.dst[k]
	if !rrq {
		if known && !l.ended {
			l.seen = now
			c.dst[k] = l
		}
		return
	}
	if !known && len(c.dst) >= c.max {
		c.makeRoom(now)
	}
	c.dst[k] = local{ip: dst, oob: srcInfo(dst), seen: now}
	c.lastReq = k
}

// forgetFailed drops the client of the last read request: pin/tftp
// reported, right after reading it, that it started no transfer (a
// malformed request), so no end will be reported for it.
func (c *pktConn) forgetFailed() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastReq.IsValid() {
		delete(c.dst, c.lastReq)
		c.lastReq = netip.AddrPort{}
	}
}

// makeRoom frees entries in the full table: the ended and expired ones,
// else the oldest sixteenth, so that the walk is paid once per many
// requests. The caller holds c.mu.
func (c *pktConn) makeRoom(now time.Time) {
	c.swept = time.Time{} // a full walk now
	c.sweep(now)
	for k, l := range c.dst {
		if l.ended {
			delete(c.dst, k)
		}
	}
	c.endedN = 0
	if len(c.dst) == 0 || len(c.dst) < c.max {
		return
	}
	ages := make([]time.Time, 0, len(c.dst))
	for _, l := range c.dst {
		ages = append(ages, l.seen)
	}
	slices.SortFunc(ages, time.Time.Compare)
	cut := ages[min(len(ages)-1, c.max/16)]
	for k, l := range c.dst {
		if !l.seen.After(cut) {
			delete(c.dst, k)
		}
	}
}

// ended is the hook's report that the transfer with the client at ip
// and port is over.
func (c *pktConn) ended(ip net.IP, port int) {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return
	}
	k := netip.AddrPortFrom(a.Unmap(), uint16(port))
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.dst[k]; ok && !l.ended {
		l.ended, l.seen = true, now
		c.dst[k] = l
		c.endedN++
	}
}

// sweep drops ended transfers' entries after endGrace and any unused for
// keep; it walks the table at most once per endGrace when transfers
// ended, else once per keep. The caller holds c.mu.
func (c *pktConn) sweep(now time.Time) {
	since := now.Sub(c.swept)
	if since < endGrace || (c.endedN == 0 && since < c.keep && len(c.dst) < c.max) {
		return
	}
	c.swept, c.endedN = now, 0
	for k, l := range c.dst {
		switch age := now.Sub(l.seen); {
		case l.ended && age > endGrace, age > c.keep:
			delete(c.dst, k)
		case l.ended:
			c.endedN++ // not yet: the next sweep
		}
	}
}

// WriteTo sends b to addr from the address addr last sent to; from the
// address the kernel picks if that is unknown.
func (c *pktConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return c.UDPConn.WriteTo(b, addr)
	}
	c.mu.Lock()
	l, known := c.dst[key(ua)]
	c.mu.Unlock()
	if !known {
		return c.UDPConn.WriteTo(b, addr)
	}
	n, _, err := c.WriteMsgUDP(b, l.oob, ua)
	return n, err
}

// mtuCache holds interfaces' MTUs: a lookup is a netlink dump of every
// link, and an MTU rarely changes.
type mtuCache struct {
	mu sync.Mutex
	m  map[int]mtuEntry
}

type mtuEntry struct {
	mtu int
	at  time.Time
}

// mtuTTL is how long a cached MTU is used: a changed MTU takes effect
// for new transfers within it.
const mtuTTL = 10 * time.Second

func newMTUCache() *mtuCache { return &mtuCache{m: map[int]mtuEntry{}} }

// get is ifindex's MTU, 0 if unknown.
func (m *mtuCache) get(ifindex int, now time.Time) int {
	if ifindex <= 0 {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.m[ifindex]; ok && now.Sub(e.at) < mtuTTL {
		return e.mtu
	}
	ifc, err := net.InterfaceByIndex(ifindex)
	if err != nil {
		delete(m.m, ifindex)
		return 0
	}
	m.m[ifindex] = mtuEntry{mtu: ifc.MTU, at: now}
	return ifc.MTU
}
