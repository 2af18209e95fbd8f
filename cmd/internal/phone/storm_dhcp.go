package phone

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// dhcpRetransmit is when a storm phone resends an unanswered DISCOVER or
// REQUEST: RFC 2131 section 4.1's first retransmission, 4 seconds. A storm
// that loses a packet therefore misses a 3 s goal, as real phones would.
const dhcpRetransmit = 4 * time.Second

// dhcpHub is the DHCP side of a storm namespace. Each phone sends its own
// DISCOVER and REQUEST out of its own macvlan (its MAC as the frame's
// source and as chaddr). provbox broadcasts OFFER and ACK (dhcp/serve.go,
// destination), and a broadcast would be copied to every macvlan of the
// namespace, each copy walking the IP stack: with N phones that is N
// copies of 2N replies, on the lab's two cores rather than N phones' own.
// So the lab drops the replies at the uplink's ingress (a tc filter,
// after the packet taps), and this one tap on the uplink, which sees each
// reply once, hands it to the phone whose xid and chaddr it carries, as
// that phone's DHCP client would pick it out of the broadcasts.
type dhcpHub struct {
	rx   *os.File // AF_PACKET tap on the uplink, filtered to UDP port 68
	rxfd int
	tx   int // AF_PACKET socket the phones send through
	mu   sync.Mutex
	// waiting: the phones' open transactions by xid.
	waiting map[dhcpv4.TransactionID]*dhcpWait
	done    chan struct{}
	counts  hubCounters
}

type dhcpWait struct {
	mac net.HardwareAddr
	ch  chan *dhcpv4.DHCPv4
}

// replyFilter accepts unfragmented IPv4 UDP to port 68; on a SOCK_DGRAM
// packet socket the filter sees the packet from its IP header.
var replyFilter = []bpf.Instruction{
	bpf.LoadAbsolute{Off: 9, Size: 1},
	bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: unix.IPPROTO_UDP, SkipTrue: 6},
	bpf.LoadAbsolute{Off: 6, Size: 2},
	bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x1fff, SkipTrue: 4},
	bpf.LoadMemShift{Off: 0},
	bpf.LoadIndirect{Off: 2, Size: 2},
	bpf.JumpIf{Cond: bpf.JumpEqual, Val: dhcpv4.ClientPort, SkipFalse: 1},
	bpf.RetConstant{Val: 0xffff},
	bpf.RetConstant{Val: 0},
}

func openHub(uplink string) (*dhcpHub, error) {
	ifc, err := net.InterfaceByName(uplink)
	if err != nil {
		return nil, err
	}
	prog, err := bpf.Assemble(replyFilter)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, int(htons(unix.ETH_P_ALL)))
	if err != nil {
		return nil, fmt.Errorf("packet socket: %w", err)
	}
	f := make([]unix.SockFilter, len(prog))
	for i, p := range prog {
		f[i] = unix.SockFilter{Code: p.Op, Jt: p.Jt, Jf: p.Jf, K: p.K}
	}
	steps := []error{
		unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]}),
		// A storm's replies come in one burst.
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 8<<20),
		unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifc.Index}),
	}
	if err := errors.Join(steps...); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("dhcp tap on %s: %w", uplink, err)
	}
	tx, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	h := &dhcpHub{rx: os.NewFile(uintptr(fd), "dhcp-tap"), rxfd: fd, tx: tx, waiting: map[dhcpv4.TransactionID]*dhcpWait{}, done: make(chan struct{})}
	go h.read()
	return h, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// drops is what the tap lost for a full buffer since it opened.
func (h *dhcpHub) drops() int {
	st, err := unix.GetsockoptTpacketStats(h.rxfd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return -1
	}
	return int(st.Drops)
}

func (h *dhcpHub) Close() {
	h.rx.Close()
	unix.Close(h.tx)
	<-h.done
}

func (h *dhcpHub) read() {
	defer close(h.done)
	buf := make([]byte, 2048)
	for {
		n, err := h.rx.Read(buf)
		if err != nil {
			return
		}
		p := buf[:n]
		if n < 20 || int(p[0]&0xf)*4+8 > n {
			continue
		}
		m, err := dhcpv4.FromBytes(p[int(p[0]&0xf)*4+8:])
		if err != nil || m.OpCode != dhcpv4.OpcodeBootReply {
			continue
		}
		h.counts.replies.Add(1)
		h.mu.Lock()
		w := h.waiting[m.TransactionID]
		h.mu.Unlock()
		switch {
		case w == nil:
			h.counts.stray.Add(1) // another namespace's phone, or a late answer
			continue
		case !bytesEqual(m.ClientHWAddr, w.mac):
			h.counts.wrongMAC.Add(1)
			continue
		}
		select {
		case w.ch <- m:
			h.counts.delivered.Add(1)
		default:
			h.counts.full.Add(1)
		}
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// send broadcasts m from interface ifindex (0.0.0.0:68 to
// 255.255.255.255:67, as a client without an address sends).
func (h *dhcpHub) send(ifindex int, m *dhcpv4.DHCPv4) error {
	payload := m.ToBytes()
	pkt := make([]byte, 28, 28+len(payload))
	pkt[0], pkt[8], pkt[9] = 0x45, 64, unix.IPPROTO_UDP
	binary.BigEndian.PutUint16(pkt[2:], uint16(28+len(payload)))
	copy(pkt[16:20], net.IPv4bcast.To4())
	binary.BigEndian.PutUint16(pkt[10:], checksum(pkt[:20], 0))
	binary.BigEndian.PutUint16(pkt[20:], dhcpv4.ClientPort)
	binary.BigEndian.PutUint16(pkt[22:], dhcpv4.ServerPort)
	binary.BigEndian.PutUint16(pkt[24:], uint16(8+len(payload)))
	pkt = append(pkt, payload...)
	// The UDP checksum covers a pseudo-header: addresses, protocol, length.
	pseudo := uint32(0xffff*2) + unix.IPPROTO_UDP + uint32(8+len(payload))
	cs := checksum(pkt[20:], pseudo)
	if cs == 0 {
		cs = 0xffff
	}
	binary.BigEndian.PutUint16(pkt[26:], cs)
	return unix.Sendto(h.tx, pkt, 0, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_IP), Ifindex: ifindex,
		Halen: 6, Addr: [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}})
}

// checksum is the Internet checksum (RFC 1071) of b plus sum.
func checksum(b []byte, sum uint32) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// dhcpTry counts what one DORA cost a phone.
type dhcpTry struct {
	Resent int // DISCOVERs and REQUESTs sent again after dhcpRetransmit
	// ResentRequest is the REQUESTs among them.
	ResentRequest int
	// Sent and Offer are when the first DISCOVER left and the OFFER came.
	Sent, Offer time.Time
}

// dora runs DISCOVER/OFFER/REQUEST/ACK for the phone on interface ifc,
// with class as option 60 (nil: none) and prl as option 55, like DORA.
func (h *dhcpHub) dora(ctx context.Context, ifc *net.Interface, class []byte, prl []uint8, try *dhcpTry) (*Lease, error) {
	codes := make([]dhcpv4.OptionCode, len(prl))
	for i, o := range prl {
		codes[i] = dhcpv4.GenericOptionCode(o)
	}
	mods := []dhcpv4.Modifier{dhcpv4.WithOption(dhcpv4.OptParameterRequestList(codes...))}
	if class != nil {
		mods = append(mods, dhcpv4.WithGeneric(dhcpv4.OptionClassIdentifier, class))
	}
	disc, err := dhcpv4.NewDiscovery(ifc.HardwareAddr, mods...)
	if err != nil {
		return nil, err
	}
	w := &dhcpWait{mac: ifc.HardwareAddr, ch: make(chan *dhcpv4.DHCPv4, 4)}
	h.mu.Lock()
	h.waiting[disc.TransactionID] = w
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.waiting, disc.TransactionID)
		h.mu.Unlock()
	}()
	offer, err := h.await(ctx, ifc.Index, disc, w, dhcpv4.MessageTypeOffer, try)
	if err != nil {
		return nil, fmt.Errorf("DORA on %s: no OFFER: %w", ifc.Name, err)
	}
	try.Offer = time.Now()
	req, err := dhcpv4.NewRequestFromOffer(offer, mods...)
	if err != nil {
		return nil, err
	}
	ack, err := h.await(ctx, ifc.Index, req, w, dhcpv4.MessageTypeAck, try)
	if err != nil {
		return nil, fmt.Errorf("DORA on %s: no ACK for %s: %w", ifc.Name, offer.YourIPAddr, err)
	}
	l := &Lease{IP: ack.YourIPAddr, Mask: ack.SubnetMask(), Server: ack.ServerIdentifier(), Options: map[uint8][]byte{}}
	for code, v := range ack.Options {
		l.Options[code] = v
	}
	if l.Mask == nil {
		return nil, fmt.Errorf("ACK for %s carries no subnet mask", l.IP)
	}
	return l, nil
}

// await sends m and waits for a reply of type want, resending every
// dhcpRetransmit until ctx ends. A NAK ends it.
func (h *dhcpHub) await(ctx context.Context, ifindex int, m *dhcpv4.DHCPv4, w *dhcpWait, want dhcpv4.MessageType, try *dhcpTry) (*dhcpv4.DHCPv4, error) {
	for sent := 0; ; sent++ {
		if err := h.send(ifindex, m); err != nil {
			return nil, err
		}
		switch {
		case try.Sent.IsZero():
			try.Sent = time.Now()
		case sent > 0:
			try.Resent++
			if want == dhcpv4.MessageTypeAck {
				try.ResentRequest++
			}
		}
		if r, done, err := next(ctx, w, want); done {
			return r, err
		}
	}
}

// next waits dhcpRetransmit at most for a reply of type want (done) or a
// NAK (done, with an error); a stray OFFER while waiting for the ACK is
// ignored.
func next(ctx context.Context, w *dhcpWait, want dhcpv4.MessageType) (*dhcpv4.DHCPv4, bool, error) {
	t := time.NewTimer(dhcpRetransmit)
	defer t.Stop()
	for {
		select {
		case r := <-w.ch:
			switch r.MessageType() {
			case want:
				return r, true, nil
			case dhcpv4.MessageTypeNak:
				return nil, true, fmt.Errorf("NAK: %s", r.Message())
			}
		case <-t.C:
			return nil, false, nil
		case <-ctx.Done():
			return nil, true, ctx.Err()
		}
	}
}
