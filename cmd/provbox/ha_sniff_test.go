package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/sys/unix"

	"github.com/provbox/provbox/cmd/internal/lab"
)

// dhcpReply is one DHCP reply seen on the wire.
type dhcpReply struct {
	at     time.Time
	from   netip.Addr // the server (IP source)
	typ    dhcpv4.MessageType
	yiaddr netip.Addr
	chaddr string
}

// replySniffer records every DHCP reply arriving on a host's interface
// (AF_PACKET), so a test knows exactly what each server acknowledged.
type replySniffer struct {
	fd      int
	mu      sync.Mutex
	replies []dhcpReply
	stop    chan struct{}
	done    chan struct{}
}

func sniffReplies(t *testing.T, h *lab.Host) *replySniffer {
	t.Helper()
	s := &replySniffer{stop: make(chan struct{}), done: make(chan struct{})}
	err := h.Do(func() error {
		ifc, err := net.InterfaceByName(h.Iface)
		if err != nil {
			return err
		}
		proto := int(unix.ETH_P_IP&0xff)<<8 | unix.ETH_P_IP>>8 // network byte order
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, proto)
		if err != nil {
			return err
		}
		s.fd = fd
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 8<<20)
		tv := unix.Timeval{Usec: 100000} // lets close end the loop
		_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
		return unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: uint16(proto), Ifindex: ifc.Index})
	})
	if err != nil {
		t.Fatal(err)
	}
	go s.loop()
	t.Cleanup(s.close)
	return s
}

func (s *replySniffer) loop() {
	defer close(s.done)
	buf := make([]byte, 2048)
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		n, _, err := unix.Recvfrom(s.fd, buf, 0)
		if err == nil {
			s.record(buf[:n], time.Now())
		}
	}
}

// record parses IPv4/UDP by hand; only BOOTREPLYs to port 67 or 68 count.
func (s *replySniffer) record(b []byte, at time.Time) {
	if len(b) < 28 || b[0]>>4 != 4 || b[9] != syscall.IPPROTO_UDP {
		return
	}
	ihl := int(b[0]&0xf) * 4
	if len(b) < ihl+8 {
		return
	}
	if dport := binary.BigEndian.Uint16(b[ihl+2:]); dport != 67 && dport != 68 {
		return
	}
	m, err := dhcpv4.FromBytes(b[ihl+8:])
	if err != nil || m.OpCode != dhcpv4.OpcodeBootReply {
		return
	}
	from, _ := netip.AddrFromSlice(b[12:16])
	yi, _ := netip.AddrFromSlice(m.YourIPAddr.To4())
	s.mu.Lock()
	s.replies = append(s.replies, dhcpReply{at: at, from: from, typ: m.MessageType(), yiaddr: yi, chaddr: m.ClientHWAddr.String()})
	s.mu.Unlock()
}

func (s *replySniffer) close() {
	select {
	case <-s.stop:
		return
	default:
	}
	close(s.stop)
	<-s.done
	unix.Close(s.fd)
}

// seen returns the replies so far.
func (s *replySniffer) seen() []dhcpReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]dhcpReply(nil), s.replies...)
}

// acks counts the ACKs from server since t.
func (s *replySniffer) acks(server netip.Addr, since time.Time) int {
	n := 0
	for _, r := range s.seen() {
		if r.typ == dhcpv4.MessageTypeAck && r.from == server && !r.at.Before(since) {
			n++
		}
	}
	return n
}

// from counts every reply (OFFER, ACK, NAK) from server since t.
func (s *replySniffer) from(server netip.Addr, since time.Time) int {
	n := 0
	for _, r := range s.seen() {
		if r.from == server && !r.at.Before(since) {
			n++
		}
	}
	return n
}

// byType sums up what server sent since t, by message type, and when the
// last reply from any server was seen: what a failure message needs to
// tell a silent server from a silent client.
func (s *replySniffer) byType(server netip.Addr, since time.Time) string {
	counts := map[dhcpv4.MessageType]int{}
	var last time.Time
	for _, r := range s.seen() {
		if r.from == server && !r.at.Before(since) {
			counts[r.typ]++
		}
		if r.at.After(last) {
			last = r.at
		}
	}
	return fmt.Sprintf("OFFER %d, ACK %d, NAK %d since then; last reply from any server %.2f s after it",
		counts[dhcpv4.MessageTypeOffer], counts[dhcpv4.MessageTypeAck], counts[dhcpv4.MessageTypeNak], last.Sub(since).Seconds())
}
