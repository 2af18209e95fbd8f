package dhcp

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/provbox/provbox/provisioning"
)

// Rogue is a DHCP server other than provbox seen answering on a watched
// segment: the classic reason phones end up on the wrong provisioning
// server.
type Rogue struct {
	IP        netip.Addr // its server identifier (option 54), else the packet's source
	MAC       net.HardwareAddr
	Interface string
	FirstSeen time.Time
	LastSeen  time.Time
	Packets   int
	Options   []OptionInfo // of the last OFFER/ACK seen
}

// rogueWarnEvery bounds the warnings about one server.
const rogueWarnEvery = time.Hour

// Bounds of the rogue table: anyone on the segment can forge OFFERs with
// a new server identifier and MAC each, so the table, its option values
// and the warnings about new servers are capped.
const (
	rogueMax         = 256         // servers kept; the least recently seen is dropped beyond
	rogueValueMax    = 128         // bytes of an option value kept
	rogueNewWarnGap  = time.Minute // at most one warning about a new server per gap, all servers together
	rogueValueSuffix = "…"
)

// rogueTable holds the foreign servers seen, by IP and MAC.
type rogueTable struct {
	mu      sync.Mutex
	seen    map[string]*Rogue
	warned  map[string]time.Time
	known   int       // replies from known_servers, silenced
	dropped int       // servers dropped from the full table
	newWarn time.Time // the last warning about a new server
	muted   int       // new servers not warned about since
}

// Rogues lists the foreign DHCP servers seen, by IP.
func (s *Server) Rogues() []Rogue {
	s.rogues.mu.Lock()
	defer s.rogues.mu.Unlock()
	out := make([]Rogue, 0, len(s.rogues.seen))
	for _, r := range s.rogues.seen {
		cp := *r
		cp.Options = slices.Clone(r.Options)
		out = append(out, cp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].IP.Less(out[j].IP) })
	return out
}

// RoguesDropped is how many foreign DHCP servers were dropped from the
// full table (the least recently seen first): forged ones, usually.
func (s *Server) RoguesDropped() int {
	s.rogues.mu.Lock()
	defer s.rogues.mu.Unlock()
	return s.rogues.dropped
}

// RogueCount is how many foreign DHCP servers are kept (for metrics).
func (s *Server) RogueCount() int {
	s.rogues.mu.Lock()
	defer s.rogues.mu.Unlock()
	return len(s.rogues.seen)
}

// RogueWatch is a packet socket on one interface that sees DHCP replies
// (UDP 67 to 68) whoever sends them, and sends the probes.
type RogueWatch struct {
	fd    int
	iface string
	index int
	hw    net.HardwareAddr
	addrs []netip.Addr // the interface's own, when opened
}

// OpenRogueWatch opens the watch on iface, in the calling thread's
// network namespace. It needs CAP_NET_RAW.
func OpenRogueWatch(iface string) (*RogueWatch, error) {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("rogue DHCP watch: %w", err)
	}
	w := &RogueWatch{iface: iface, index: ifc.Index, hw: ifc.HardwareAddr}
	if as, err := ifc.Addrs(); err == nil {
		for _, a := range as {
			if ipn, ok := a.(*net.IPNet); ok {
				if ip, ok := netip.AddrFromSlice(ipn.IP); ok {
					w.addrs = append(w.addrs, ip.Unmap())
				}
			}
		}
	}
	proto := htons(unix.ETH_P_IP)
	if w.fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(proto)); err != nil {
		return nil, fmt.Errorf("rogue DHCP watch on %s: %w (needs CAP_NET_RAW)", iface, err)
	}
	if err := w.setup(proto); err != nil {
		unix.Close(w.fd)
		return nil, fmt.Errorf("rogue DHCP watch on %s: %w", iface, err)
	}
	return w, nil
}

func (w *RogueWatch) setup(proto uint16) error {
	prog, err := bpf.Assemble(replyFilter)
	if err != nil {
		return err
	}
	fp := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		fp[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	if err := unix.SetsockoptSockFprog(w.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER,
		&unix.SockFprog{Len: uint16(len(fp)), Filter: &fp[0]}); err != nil {
		return fmt.Errorf("attaching the filter: %w", err)
	}
	tv := unix.NsecToTimeval(int64(500 * time.Millisecond)) // lets the loop see its context end
	if err := unix.SetsockoptTimeval(w.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return err
	}
	return unix.Bind(w.fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: w.index})
}

// replyFilter keeps unfragmented IPv4 UDP from port 67 to port 68: only
// DHCP replies reach the daemon, however busy the segment.
var replyFilter = []bpf.Instruction{
	bpf.LoadAbsolute{Off: 12, Size: 2},
	bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x0800, SkipFalse: 10},
	bpf.LoadAbsolute{Off: 23, Size: 1},
	bpf.JumpIf{Cond: bpf.JumpEqual, Val: 17, SkipFalse: 8},
	bpf.LoadAbsolute{Off: 20, Size: 2},
	bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x1fff, SkipTrue: 6},
	bpf.LoadMemShift{Off: 14},
	bpf.LoadIndirect{Off: 14, Size: 2},
	bpf.JumpIf{Cond: bpf.JumpEqual, Val: 67, SkipFalse: 3},
	bpf.LoadIndirect{Off: 16, Size: 2},
	bpf.JumpIf{Cond: bpf.JumpEqual, Val: 68, SkipFalse: 1},
	bpf.RetConstant{Val: 4096},
	bpf.RetConstant{Val: 0},
}

// Close releases the socket.
func (w *RogueWatch) Close() error { return unix.Close(w.fd) }

// WatchRogues reads the watches until ctx ends, and probes each every
// cfg.RogueProbeInterval (0: passive only). The caller closes the
// watches once it has returned.
func (s *Server) WatchRogues(ctx context.Context, ws ...*RogueWatch) error {
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(2)
		go func() { defer wg.Done(); s.readReplies(ctx, w) }()
		go func() { defer wg.Done(); s.probeEvery(ctx, w) }()
	}
	wg.Wait()
	return nil
}

func (s *Server) readReplies(ctx context.Context, w *RogueWatch) {
	buf := make([]byte, 4096)
	for ctx.Err() == nil {
		n, from, err := unix.Recvfrom(w.fd, buf, 0)
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			s.log.Warn("rogue DHCP watch stopped", "interface", w.iface, "err", err)
			return
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue // our own replies
		}
		s.sawReply(w, buf[:n])
	}
}

// sawReply records a foreign OFFER or ACK in frame (Ethernet).
func (s *Server) sawReply(w *RogueWatch, frame []byte) {
	if len(frame) < 14+20+8 {
		return
	}
	ihl := int(frame[14]&0x0f) * 4
	if len(frame) < 14+ihl+8 {
		return
	}
	src := netip.AddrFrom4([4]byte(frame[14+12 : 14+16]))
	srcMAC := net.HardwareAddr(slices.Clone(frame[6:12]))
	msg, err := dhcpv4.FromBytes(frame[14+ihl+8:])
	if err != nil || msg.OpCode != dhcpv4.OpcodeBootReply {
		return
	}
	if t := msg.MessageType(); t != dhcpv4.MessageTypeOffer && t != dhcpv4.MessageTypeAck {
		return
	}
	id := addr4(msg.ServerIdentifier())
	if !id.IsValid() {
		id = src
	}
	if slices.Equal(srcMAC, w.hw) || slices.Contains(w.addrs, src) || slices.Contains(w.addrs, id) {
		return
	}
	if slices.Contains(s.cfg.KnownServers, id) || slices.Contains(s.cfg.KnownServers, src) {
		s.rogues.mu.Lock()
		s.rogues.known++
		s.rogues.mu.Unlock()
		return
	}
	s.noteRogue(w.iface, id, srcMAC, describeOptions(msg.Options))
}

func (s *Server) noteRogue(iface string, ip netip.Addr, mac net.HardwareAddr, opts []OptionInfo) {
	now := s.now()
	key := ip.String() + " " + mac.String()
	opts = truncateValues(opts)
	t := &s.rogues
	t.mu.Lock()
	if t.seen == nil {
		t.seen, t.warned = map[string]*Rogue{}, map[string]time.Time{}
	}
	r := t.seen[key]
	if r == nil {
		t.makeRoom()
		r = &Rogue{IP: ip, MAC: mac, Interface: iface, FirstSeen: now}
		t.seen[key] = r
	}
	r.LastSeen, r.Options = now, opts
	r.Packets++
	muted, warn := t.shouldWarn(key, now)
	dropped := t.dropped
	t.mu.Unlock()
	if warn {
		s.log.Warn("rogue DHCP server on the phones' segment", "interface", iface, "server", ip.String(),
			"mac", mac.String(), "options", provisioningOptions(opts), "new_servers_not_logged", muted,
			"servers_dropped", dropped)
	}
}

// makeRoom drops the least recently seen server when the table is full.
// The caller holds t.mu.
func (t *rogueTable) makeRoom() {
	if len(t.seen) < rogueMax {
		return
	}
	var oldest string
	for k, r := range t.seen {
		if oldest == "" || r.LastSeen.Before(t.seen[oldest].LastSeen) {
			oldest = k
		}
	}
	delete(t.seen, oldest)
	delete(t.warned, oldest)
	t.dropped++
}

// shouldWarn decides whether the reply of server key is logged: a known
// server once per rogueWarnEvery; a new one only if no new server was
// logged within rogueNewWarnGap, so that a flood of forged servers logs
// one line a minute. muted is how many new servers went unlogged before
// this warning. The caller holds t.mu.
func (t *rogueTable) shouldWarn(key string, now time.Time) (muted int, warn bool) {
	last, warned := t.warned[key]
	if warned {
		if now.Sub(last) < rogueWarnEvery {
			return 0, false
		}
		t.warned[key] = now
		return 0, true
	}
	t.warned[key] = now // muted or not: it counts once
	if !t.newWarn.IsZero() && now.Sub(t.newWarn) < rogueNewWarnGap {
		t.muted++
		return 0, false
	}
	muted, t.muted, t.newWarn = t.muted, 0, now
	return muted, true
}

// truncateValues caps each option's value and bytes at rogueValueMax
// bytes (the text on a rune boundary): they come from anyone on the
// segment.
func truncateValues(opts []OptionInfo) []OptionInfo {
	for i, o := range opts {
		if len(o.Bytes) > rogueValueMax {
			opts[i].Bytes = slices.Clone(o.Bytes[:rogueValueMax])
		}
		if len(o.Value) <= rogueValueMax {
			continue
		}
		v := o.Value[:rogueValueMax]
		for len(v) > 0 && !utf8.ValidString(v) {
			v = v[:len(v)-1]
		}
		opts[i].Value = v + rogueValueSuffix
	}
	return opts
}

// provisioningOptions are the options that send phones somewhere, as
// "66=... 150=...".
func provisioningOptions(opts []OptionInfo) string {
	out := ""
	for _, o := range opts {
		switch o.Code {
		case 43, 66, 67, 150, 160:
			if out != "" {
				out += " "
			}
			out += fmt.Sprintf("%d=%s", o.Code, o.Value)
		}
	}
	return out
}

func (s *Server) probeEvery(ctx context.Context, w *RogueWatch) {
	every := s.cfg.RogueProbeInterval
	if every <= 0 {
		return
	}
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		if err := s.probe(w); err != nil {
			s.log.Warn("rogue DHCP probe not sent", "interface", w.iface, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
	}
}

// probe broadcasts a DISCOVER from port 68 with provbox's own probe MAC
// and the broadcast flag, so every server's OFFER comes back to the
// watch. No REQUEST follows: the OFFER lapses and nobody is disturbed.
func (s *Server) probe(w *RogueWatch) error {
	req, err := dhcpv4.NewDiscovery(net.HardwareAddr(s.probeMAC[:]))
	if err != nil {
		return err
	}
	req.SetBroadcast()
	// Ask what a phone asks: servers send 66 and friends only on request.
	req.UpdateOption(dhcpv4.OptParameterRequestList(probeParams...))
	payload := req.ToBytes()
	frame := make([]byte, 14+20+8+len(payload))
	copy(frame[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	copy(frame[6:12], s.probeMAC[:])
	binary.BigEndian.PutUint16(frame[12:14], unix.ETH_P_IP)
	ip := frame[14:34]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:4], uint16(20+8+len(payload)))
	copy(ip[16:20], []byte{255, 255, 255, 255})
	binary.BigEndian.PutUint16(ip[10:12], ipChecksum(ip))
	udp := frame[34:42]
	binary.BigEndian.PutUint16(udp[0:2], 68)
	binary.BigEndian.PutUint16(udp[2:4], 67)
	binary.BigEndian.PutUint16(udp[4:6], uint16(8+len(payload))) // checksum 0: none (IPv4)
	copy(frame[42:], payload)
	to := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_IP), Ifindex: w.index, Halen: 6}
	copy(to.Addr[:], frame[0:6])
	return unix.Sendto(w.fd, frame, 0, to)
}

// probeParams is the probes' parameter request list.
var probeParams = []dhcpv4.OptionCode{dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter, dhcpv4.OptionDomainNameServer,
	dhcpv4.OptionNTPServers, dhcpv4.OptionVendorSpecificInformation, dhcpv4.OptionTFTPServerName,
	dhcpv4.OptionBootfileName, dhcpv4.GenericOptionCode(150), dhcpv4.GenericOptionCode(160)}

func ipChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i < len(h); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(h[i : i+2]))
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// newProbeMAC is a random locally administered unicast MAC for the probes.
func newProbeMAC() provisioning.MAC {
	var m provisioning.MAC
	rand.Read(m[:])
	m[0] = m[0]&0xfc | 0x02
	return m
}
