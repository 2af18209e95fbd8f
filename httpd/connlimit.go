package httpd

import (
	"container/list"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// connLimiter shares out the phone-facing server's connections: every
// idle keep-alive connection holds a file descriptor, and one host
// holding a thousand of them must not starve the phones. Connections are
// bounded in all, per source address and per IPv6 /64; a share is only
// for addresses bound to a known device. When the connections a newcomer
// may use are all taken, it displaces the oldest idle connection of a
// stranger (a device's is never displaced), so idle strangers cannot
// lock anyone out. A stranger's connection also waits a shorter time for
// its next (or first) request. A refused connection is closed at once.
type connLimiter struct {
	mu        sync.Mutex
	lim       connLimits
	known     func(netip.Addr) bool
	log       *slog.Logger
	total     int
	strangers int
	sources   map[netip.Addr]*connSource
	perPrefix map[netip.Prefix]int
	conns     *list.List // *limitedConn, oldest first
	lastWarn  time.Time
	refused   int // since the last warning
}

// connLimits are the bounds; see Config.
type connLimits struct {
	max, perSource, perPrefix, reserved int
	strangerIdle                        time.Duration // <= 0: as for devices
}

// connSource is one address's connections, and whether it is bound to a
// known device, judged at its first connection.
type connSource struct {
	n     int
	known bool
}

// warnEvery spaces the warnings about refused connections.
const warnEvery = 10 * time.Second

func newConnLimiter(lim connLimits, known func(netip.Addr) bool, log *slog.Logger) *connLimiter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &connLimiter{lim: lim, known: known, log: log, sources: map[netip.Addr]*connSource{},
		perPrefix: map[netip.Prefix]int{}, conns: list.New()}
}

// limitListener admits the connections the limiter lets in.
type limitListener struct {
	net.Listener
	l *connLimiter
}

func (ln *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := ln.l.admit(c); lc != nil {
			return lc, nil
		}
		c.Close()
	}
}

// limitedConn is an admitted connection. Close gives its place back.
type limitedConn struct {
	net.Conn
	l      *connLimiter
	ip     netip.Addr
	prefix netip.Prefix
	known  bool
	elem   *list.Element
	// waiting: no request is being served (new or idle); only then is a
	// stranger's read deadline shortened, and only then may it be
	// displaced.
	waiting  atomic.Bool
	released bool // under l.mu
	once     sync.Once
}

func (c *limitedConn) Close() error {
	c.once.Do(func() { c.l.release(c) })
	return c.Conn.Close()
}

// CloseWrite passes the half-close through: net/http uses it to send an
// error answer before closing, so the client reads it instead of a reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// SetReadDeadline shortens the wait for a stranger's next request: the
// connection server (h1conn) sets IdleTimeout (or ReadHeaderTimeout for
// the first request and an unfinished head) while the connection is
// marked waiting.
func (c *limitedConn) SetReadDeadline(t time.Time) error {
	if d := c.l.lim.strangerIdle; d > 0 && !c.known && c.waiting.Load() {
		if end := time.Now().Add(d); t.IsZero() || t.After(end) {
			t = end
		}
	}
	return c.Conn.SetReadDeadline(t)
}

// addrOf is a connection's peer address, unmapped.
func addrOf(c net.Conn) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func prefixOf(ip netip.Addr) netip.Prefix {
	if !ip.Is6() {
		return netip.Prefix{}
	}
	p, _ := ip.Prefix(64)
	return p
}

// admit returns c wrapped if a bound lets it in, else nil.
func (l *connLimiter) admit(c net.Conn) *limitedConn {
	ip := addrOf(c)
	known := l.isKnown(ip)
	lc := &limitedConn{Conn: c, l: l, ip: ip, prefix: prefixOf(ip), known: known}
	lc.waiting.Store(true)
	l.mu.Lock()
	ok, victim := l.fits(lc)
	if ok {
		l.take(lc)
	} else {
		l.refuse(lc)
	}
	l.mu.Unlock()
	if victim != nil {
		victim.Conn.Close() // its Close finds it released already
	}
	if !ok {
		return nil
	}
	return lc
}

// isKnown asks the core once per source while it has connections.
func (l *connLimiter) isKnown(ip netip.Addr) bool {
	l.mu.Lock()
	s := l.sources[ip]
	l.mu.Unlock()
	if s != nil {
		return s.known
	}
	return l.known != nil && l.known(ip)
}

// fits decides under l.mu; victim is a stranger's idle connection it
// released to make room, for the caller to close.
func (l *connLimiter) fits(c *limitedConn) (ok bool, victim *limitedConn) {
	if s := l.sources[c.ip]; s != nil && s.n >= l.lim.perSource {
		return false, nil
	}
	if c.prefix.IsValid() && l.perPrefix[c.prefix] >= l.lim.perPrefix {
		return false, nil
	}
	full := l.total >= l.lim.max
	if !c.known && l.strangers >= l.lim.max-l.lim.reserved {
		full = true
	}
	if !full {
		return true, nil
	}
	if l.lim.reserved <= 0 {
		return false, nil // nothing is kept for devices: no displacing
	}
	if v := l.idleStranger(); v != nil {
		l.drop(v)
		return true, v
	}
	return false, nil
}

// idleStranger is the oldest stranger's connection waiting for a request.
func (l *connLimiter) idleStranger() *limitedConn {
	for e := l.conns.Front(); e != nil; e = e.Next() {
		if c := e.Value.(*limitedConn); !c.known && c.waiting.Load() {
			return c
		}
	}
	return nil
}

func (l *connLimiter) take(c *limitedConn) {
	l.total++
	if !c.known {
		l.strangers++
	}
	s := l.sources[c.ip]
	if s == nil {
		s = &connSource{known: c.known}
		l.sources[c.ip] = s
	}
	s.n++
	if c.prefix.IsValid() {
		l.perPrefix[c.prefix]++
	}
	c.elem = l.conns.PushBack(c)
}

// drop undoes take, once.
func (l *connLimiter) drop(c *limitedConn) {
	if c.released {
		return
	}
	c.released = true
	l.conns.Remove(c.elem)
	l.total--
	if !c.known {
		l.strangers--
	}
	if s := l.sources[c.ip]; s != nil {
		if s.n--; s.n <= 0 {
			delete(l.sources, c.ip)
		}
	}
	if c.prefix.IsValid() {
		if l.perPrefix[c.prefix]--; l.perPrefix[c.prefix] <= 0 {
			delete(l.perPrefix, c.prefix)
		}
	}
}

func (l *connLimiter) release(c *limitedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.drop(c)
}

// refuse counts a refused connection and warns at most every warnEvery.
func (l *connLimiter) refuse(c *limitedConn) {
	l.refused++
	now := time.Now()
	if !l.lastWarn.IsZero() && now.Sub(l.lastWarn) < warnEvery {
		return
	}
	l.lastWarn = now
	l.log.Warn("http connection limit reached: connections refused", "ip", c.ip.String(), "refused", l.refused,
		"open", l.total, "by_strangers", l.strangers, "max_conns", l.lim.max, "reserved_for_devices", l.lim.reserved)
	l.refused = 0
}
