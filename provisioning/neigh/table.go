package neigh

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"sync"

	"golang.org/x/sys/unix"
)

// Table is the kernel's neighbour, link and address tables kept in memory
// from rtnetlink notifications, so that a lookup costs one non-blocking
// read instead of a socket and three dumps.
//
// Staleness is what matters for fail closed: when a thief's entry replaces
// a phone's, a lookup must not answer with the phone's MAC. The kernel
// queues the notification on the socket in the same call that changes its
// table, and every Lookup first applies everything queued (under the lock)
// before it answers; so a lookup sees every change the kernel made before
// the lookup began, as a fresh dump would. A lost notification (the socket
// buffer overflowed: ENOBUFS) or any read error makes the next lookup
// re-read the whole table; until that succeeds the table judges nobody.
type Table struct {
	mu    sync.Mutex
	fd    int // subscribed; -1 when closed
	buf   []byte
	valid bool // the maps mirror the kernel (no notification lost)
	pid   uint32
	seq   uint32
	reads int // full re-reads so far (tests: notifications that cannot be placed)

	neigh map[netip.Addr][]entry // by address (no zone)
	links map[int]*link          // by index
	ls    []link                 // links as a slice for onLinkOf; nil: rebuild
}

// groups are the notifications a Table follows.
const groups = unix.RTMGRP_LINK | unix.RTMGRP_NEIGH | unix.RTMGRP_IPV4_IFADDR | unix.RTMGRP_IPV6_IFADDR

// rcvBuf is the subscription's socket buffer: room for tens of thousands
// of notifications between two lookups before one is lost (a loss costs
// one re-read, not a wrong verdict).
const rcvBuf = 4 << 20

// NewTable subscribes to the kernel's tables in the calling thread's
// network namespace and reads them once.
func NewTable() (*Table, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	// A kernel that never answers a dump must not hold a request forever.
	tv := unix.Timeval{Sec: 2}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return nil, err
	}
	// SO_RCVBUFFORCE needs CAP_NET_ADMIN; the plain option is capped by
	// rmem_max, which still beats the default.
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, rcvBuf) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, rcvBuf)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: groups}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	sa, err := unix.Getsockname(fd)
	nl, isNL := sa.(*unix.SockaddrNetlink)
	if err != nil || !isNL {
		unix.Close(fd)
		return nil, errors.New("netlink: no port id")
	}
	t := &Table{fd: fd, buf: make([]byte, 64<<10), pid: nl.Pid}
	t.mu.Lock()
	defer t.mu.Unlock()
	// The dumps go over the subscribed socket itself (a second socket
	// would need the thread in the same namespace): a change racing a
	// dump is heard as a notification and applied after it, which
	// converges on the kernel's state.
	if err := t.resync(); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return t, nil
}

// Close drops the subscription; later lookups judge nobody.
func (t *Table) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fd < 0 {
		return nil
	}
	err := unix.Close(t.fd)
	t.fd, t.valid = -1, false
	return err
}

// Lookup answers as the package's Lookup does, from the table.
func (t *Table) Lookup(ip netip.Addr) (mac [6]byte, ok bool) {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsUnspecified() || ip.IsMulticast() {
		return mac, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.catchUp() {
		return mac, false
	}
	ls := t.linkSlice()
	ifindex := 0
	if z := ip.Zone(); z != "" {
		if ifindex = indexOf(z, ls); ifindex == 0 {
			return mac, false
		}
	}
	ip = ip.WithZone("")
	return lookup(ip, ifindex, t.neigh[ip], func(ip netip.Addr, ifindex int) bool {
		return onLinkOf(ip, ifindex, ls)
	})
}

// catchUp applies every queued notification; after a loss it re-reads
// the tables. It reports whether the table mirrors the kernel.
func (t *Table) catchUp() bool {
	if t.fd < 0 {
		return false
	}
	for {
		n, fromKernel, err := recvNow(t.fd, t.buf)
		switch {
		case err == unix.EAGAIN:
			if !t.valid {
				return t.resync() == nil
			}
			return true
		case errors.Is(err, unix.EINTR):
			continue
		case err == unix.ENOBUFS: // something was lost; read on, then re-read
			t.valid = false
			continue
		case err != nil:
			t.valid = false
			return false
		}
		if !fromKernel {
			continue // only the kernel speaks for the kernel
		}
		if _, err := parse(t.buf[:n], 0, t.apply); err != nil {
			t.valid = false
		}
	}
}

// resync reads the three tables afresh over the subscribed socket, then
// applies the notifications heard meanwhile. It retries a few times when
// notifications were lost during the dumps themselves.
func (t *Table) resync() error {
	t.valid = false
	t.reads++
	for range 3 {
		var pending [][]byte // type (2 bytes) + body, in arrival order
		lost := false
		c := &conn{fd: t.fd, seq: t.seq, buf: t.buf, pid: t.pid,
			stray: func(typ uint16, body []byte) {
				m := binary.NativeEndian.AppendUint16(make([]byte, 0, 2+len(body)), typ)
				pending = append(pending, append(m, body...))
			},
			lost: func() { lost = true },
		}
		ls, err := c.links()
		var es []entry
		if err == nil {
			es, err = c.neighbours()
		}
		t.seq = c.seq
		if err != nil {
			return err
		}
		t.install(ls, es)
		t.valid = true // apply clears it if a notification cannot be placed
		for _, m := range pending {
			t.apply(binary.NativeEndian.Uint16(m), m[2:])
		}
		if !lost && t.valid {
			return nil
		}
		t.valid = false
	}
	return errors.New("netlink: notifications lost during every re-read")
}

func (t *Table) install(ls []link, es []entry) {
	t.links = make(map[int]*link, len(ls))
	for i := range ls {
		t.links[ls[i].index] = &ls[i]
	}
	t.ls = nil
	t.neigh = make(map[netip.Addr][]entry, len(es))
	for _, e := range es {
		t.neigh[e.ip] = append(t.neigh[e.ip], e)
	}
}

// apply folds one notification into the table.
func (t *Table) apply(typ uint16, body []byte) {
	switch typ {
	case unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH:
		t.applyNeigh(typ, body)
	case unix.RTM_NEWLINK:
		if l, ok := parseLink(body); ok {
			if old := t.links[l.index]; old != nil {
				l.prefixes = old.prefixes
			}
			t.links[l.index] = &l
			t.ls = nil
		}
	case unix.RTM_DELLINK:
		if l, ok := parseLink(body); ok {
			delete(t.links, l.index)
			t.ls = nil
			t.dropNeighOn(l.index)
		}
	case unix.RTM_NEWADDR, unix.RTM_DELADDR:
		t.applyAddr(typ, body)
	}
}

// applyNeigh replaces or removes the entry for (address, interface). An
// update to an unusable state (failed, incomplete) removes it.
func (t *Table) applyNeigh(typ uint16, body []byte) {
	if len(body) < unix.SizeofNdMsg {
		return
	}
	// Bridge forwarding entries (AF_BRIDGE) and proxy entries share the
	// group but are not neighbours; the dumps leave them out too.
	if f := body[0]; (f != unix.AF_INET && f != unix.AF_INET6) || body[10]&unix.NTF_PROXY != 0 {
		return
	}
	e, usable := parseNeigh(body)
	if !usable {
		// Still name what to remove: the address and interface.
		var ok bool
		if e, ok = neighKey(body); !ok {
			t.valid = false // cannot tell which entry changed
			return
		}
	}
	es := t.neigh[e.ip][:0:0]
	for _, o := range t.neigh[e.ip] {
		if o.ifindex != e.ifindex {
			es = append(es, o)
		}
	}
	if usable && typ == unix.RTM_NEWNEIGH {
		es = append(es, e)
	}
	if len(es) == 0 {
		delete(t.neigh, e.ip)
	} else {
		t.neigh[e.ip] = es
	}
}

// neighKey is the address and interface of an ndmsg whatever its state.
func neighKey(b []byte) (entry, bool) {
	var dst []byte
	if !attrs(b[unix.SizeofNdMsg:], func(typ uint16, v []byte) {
		if typ == unix.NDA_DST {
			dst = v
		}
	}) {
		return entry{}, false
	}
	ip, ok := netip.AddrFromSlice(dst)
	if !ok {
		return entry{}, false
	}
	return entry{ip: ip.Unmap(), ifindex: int(int32(binary.NativeEndian.Uint32(b[4:])))}, true
}

func (t *Table) dropNeighOn(index int) {
	for ip, es := range t.neigh {
		kept := es[:0:0]
		for _, e := range es {
			if e.ifindex != index {
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			delete(t.neigh, ip)
		} else {
			t.neigh[ip] = kept
		}
	}
}

func (t *Table) applyAddr(typ uint16, body []byte) {
	index, p, ok := parseAddr(body)
	if !ok {
		t.valid = false
		return
	}
	l := t.links[index]
	if l == nil {
		t.valid = false // a link not seen yet: re-read rather than guess
		return
	}
	kept := l.prefixes[:0:0]
	for _, q := range l.prefixes {
		if q != p {
			kept = append(kept, q)
		}
	}
	if typ == unix.RTM_NEWADDR {
		kept = append(kept, p)
	}
	l.prefixes = kept
	t.ls = nil
}

// linkSlice is the links as onLinkOf and indexOf read them.
func (t *Table) linkSlice() []link {
	if t.ls == nil {
		t.ls = make([]link, 0, len(t.links))
		for _, l := range t.links {
			t.ls = append(t.ls, *l)
		}
	}
	return t.ls
}
