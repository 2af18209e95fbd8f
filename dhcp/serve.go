package dhcp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"golang.org/x/net/ipv4"

	"github.com/provbox/provbox/provisioning"
)

// maxInFlight bounds the packets being handled at once; each may wait for
// a group commit, so this is also the largest batch the core can form.
// Beyond it the reader waits for a slot, slotWait at most, then drops
// (admit.go): under overload an answer that comes late is worth less than
// a prompt answer to fewer clients (they retry), and the queue must not
// grow until every reply is too late; a burst the socket buffer can hold
// is answered late by a fraction of a second, not shed.
const maxInFlight = 512

// Bind opens a DHCP socket on iface: the wildcard address with
// SO_BINDTODEVICE (a socket bound to a unicast address would miss
// broadcast DISCOVERs, insomniacslk/dhcp#326). Port 0 means 67.
func Bind(iface string, port int) (*net.UDPConn, error) {
	if port == 0 {
		port = dhcpv4.ServerPort
	}
	c, err := server4.NewIPv4UDPConn(iface, &net.UDPAddr{Port: port})
	if err != nil {
		return nil, fmt.Errorf("binding DHCP on interface %q port %d: %w", iface, port, err)
	}
	_ = c.SetReadBuffer(1 << 20) // absorb bursts (boot storms); best effort
	// IP_PKTINFO now, not when serving starts: a datagram queued before it
	// is set carries no interface index, and its client no subnet.
	if err := ipv4.NewPacketConn(c).SetControlMessage(ipv4.FlagInterface|ipv4.FlagDst, true); err != nil {
		c.Close()
		return nil, fmt.Errorf("dhcp socket on %q: enabling IP_PKTINFO: %w", iface, err)
	}
	return c, nil
}

// Serve answers DHCP on conns (UDP sockets; Serve closes them) until ctx is
// cancelled, then waits for packets in flight and returns nil. Every
// packet is parsed and decided on the reading goroutine (which reads
// several per system call under load, batchread.go); DISCOVER and INFORM
// are answered there too (peek.go), an ACK from the group commit's
// callback once its lease is durable (async.go), and a packet that must
// wait otherwise (an ARP probe) in its own goroutine.
func (s *Server) Serve(ctx context.Context, conns ...net.PacketConn) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, maxInFlight)
	var handlers, readers sync.WaitGroup
	errs := make([]error, len(conns))
	for i, c := range conns {
		readers.Go(func() {
			if errs[i] = s.serveConn(ctx, c, sem, &handlers); errs[i] != nil {
				cancel()
			}
		})
	}
	<-ctx.Done()
	for _, c := range conns {
		c.Close()
	}
	readers.Wait()
	handlers.Wait()
	return errors.Join(errs...)
}

func (s *Server) serveConn(ctx context.Context, c net.PacketConn, sem chan struct{}, wg *sync.WaitGroup) error {
	pc := newConn(c)
	if err := pc.SetControlMessage(ipv4.FlagInterface|ipv4.FlagDst, true); err != nil {
		return fmt.Errorf("dhcp socket %s: enabling IP_PKTINFO: %w", c.LocalAddr(), err)
	}
	slots := &admission{sem: sem, wait: slotWait}
	r := newBatchReader(pc)
	for {
		n, err := r.read()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("dhcp socket %s: %w", c.LocalAddr(), err)
		}
		for i := range n {
			b, cm, peer := r.packet(i)
			s.dispatch(ctx, pc, b, cm, peer, slots, wg)
		}
	}
}

// dispatch answers one packet read from pc. b is reused once it returns:
// begin copies what outlives it.
func (s *Server) dispatch(ctx context.Context, pc *conn, b []byte, cm *ipv4.ControlMessage, peer net.Addr, slots *admission, wg *sync.WaitGroup) {
	if inline(peekMessageType(b)) {
		s.handle(pc, b, cm, peer)
		return
	}
	if !slots.acquire(ctx) {
		s.shed("too many requests in flight")
		return
	}
	s.wait(s.begin(pc, b, cm, peer), func() { <-slots.sem }, wg)
}

// shed counts a packet dropped for overload and logs the first of each
// minute, saying why.
func (s *Server) shed(reason string) {
	if o, ok := s.obs.(ShedObserver); ok {
		o.Shed()
	}
	now := s.now()
	s.mu.Lock()
	s.dropped++
	log := now.Sub(s.lastShed) >= time.Minute
	if log {
		s.lastShed = now
	}
	n := s.dropped
	s.mu.Unlock()
	if log {
		s.log.Warn("overloaded: dropping packets", "reason", reason, "dropped_total", n)
	}
}

// handle answers one packet: parse, decide, make the lease durable, send.
func (s *Server) handle(pc *conn, b []byte, cm *ipv4.ControlMessage, peer net.Addr) {
	if p := s.begin(pc, b, cm, peer); p != nil {
		s.finish(p)
	}
}

// inFlight is a packet being answered: what begin learned, for the part
// that may wait.
type inFlight struct {
	pc      *conn
	req     *dhcpv4.DHCPv4
	ifIndex int
	peer    net.Addr
	in      ingress
	d       decision
}

// begin parses and decides b, which never waits; nil if nothing more is
// to be done. The request is a copy: b may be reused at once.
func (s *Server) begin(pc *conn, b []byte, cm *ipv4.ControlMessage, peer net.Addr) *inFlight {
	req, err := decode(b)
	if err != nil {
		s.log.Debug("malformed packet dropped", "remote", peer.String(), "err", err)
		return nil
	}
	var ifIndex int
	var dst net.IP
	if cm != nil {
		ifIndex, dst = cm.IfIndex, cm.Dst
	}
	s.obs.Received(msgTypeName(uint8(req.MessageType())))
	in := s.resolve(req, ifIndex, addr4(dst))
	if !s.relayAllowed(req, in, peer) {
		s.dealtWith(req)
		return nil
	}
	return &inFlight{pc: pc, req: req, ifIndex: ifIndex, peer: peer, in: in, d: s.decide(req, in, s.now())}
}

// dealtWith runs the test hook once a packet needs nothing more.
func (s *Server) dealtWith(req *dhcpv4.DHCPv4) {
	if s.handled != nil {
		s.handled(req)
	}
}

// finish does what may wait (an ARP probe, the durable commit), then
// replies.
func (s *Server) finish(p *inFlight) {
	defer s.dealtWith(p.req)
	req, in := p.req, p.in
	if d := p.d; d.probe.IsValid() {
		self, _ := provisioning.MACFromHardwareAddr(req.ClientHWAddr)
		if d.probeAny {
			self = provisioning.MAC{} // any answer counts, the client's own too
		}
		in.probed, in.probeBusy = d.probe, s.inUse(req, p.ifIndex, d.probe, in.serverID, self)
		p.d = s.decide(req, in, s.now())
	}
	defer putReply(p.d.reply) // sent or dropped by the time finish returns
	if !s.commit(p.d) {
		return
	}
	s.reply(p)
}

// reply logs the decision, whose leases are durable, and sends its reply
// if there is one and this node may still answer.
func (s *Server) reply(p *inFlight) {
	req, d := p.req, p.d
	s.record(req, d)
	if d.reply == nil || !s.mayReply() {
		return
	}
	to := destination(req, d.reply.MessageType() == dhcpv4.MessageTypeNak, p.peer)
	var out *ipv4.ControlMessage
	if to.IP.Equal(net.IPv4bcast) && p.ifIndex != 0 {
		out = &ipv4.ControlMessage{IfIndex: p.ifIndex} // leave by the ingress interface
	}
	if err := send(p.pc, d.reply, out, to); err != nil {
		s.log.Warn("reply not sent", "mac", req.ClientHWAddr.String(), "remote", to.String(), "err", err)
		return
	}
	s.obs.Replied(msgTypeName(uint8(d.reply.MessageType())))
}

// inUse checks with ARP whether a host other than self holds ip, on the
// link the request came from; a relayed client's link is out of reach, and a check
// that cannot be made counts as in use (an unsure ACK could give one
// address to two hosts, a NAK only costs the client a DISCOVER).
func (s *Server) inUse(req *dhcpv4.DHCPv4, ifIndex int, ip, from netip.Addr, self provisioning.MAC) bool {
	if addr4(req.GatewayIPAddr).IsValid() || ifIndex == 0 {
		return true
	}
	busy, err := s.arp(ifIndex, ip, from, self)
	if err != nil {
		s.log.Warn("address not checked with ARP, counted as in use", "mac", req.ClientHWAddr.String(), "ip", ip, "err", err)
		return true
	}
	return busy
}

// commit makes d's leases durable; false if that failed (the reply is
// then withheld: the client retries and nothing is promised that a crash
// could take back).
func (s *Server) commit(d decision) bool {
	for _, l := range d.commit {
		ctx, cancel := context.WithTimeout(context.Background(), s.commitTTL)
		err := s.core.CommitLease(ctx, l)
		cancel()
		if err != nil {
			s.log.Error("lease not stored, reply withheld", "mac", l.MAC, "ip", l.IP, "err", err)
			return false
		}
	}
	return true
}

// record puts d's refusal in the audit trail and logs d.
func (s *Server) record(req *dhcpv4.DHCPv4, d decision) {
	if d.audit != nil {
		s.core.RefuseDHCP(d.audit.ip, d.audit.mac, d.reason)
	}
	// Enabled first: the attributes' strings were 2% of a lease's CPU
	// when the level drops the line anyway.
	if d.event == "" || !s.log.Enabled(context.Background(), d.event.level()) {
		return
	}
	attrs := []any{"mac", req.ClientHWAddr.String(), "msg_type", req.MessageType().String(), "xid", req.TransactionID.String()}
	if d.reply != nil && !d.reply.YourIPAddr.IsUnspecified() {
		attrs = append(attrs, "ip", d.reply.YourIPAddr.String())
	}
	if d.reason != "" {
		attrs = append(attrs, "reason", d.reason)
	}
	s.logDecision(d.event.level(), string(d.event), attrs...)
}

// destination picks where a reply goes (RFC 2131 section 4.1): a relay
// gets it on port 67; a client that sent from an address of its own
// (RENEWING, INFORM) gets it there; one with only ciaddr, at ciaddr:68;
// everyone else by broadcast. The RFC's unicast to yiaddr/chaddr for
// clients without the broadcast flag would need an AF_PACKET socket;
// broadcasting instead is what RFC 2131 allows when the server cannot
// unicast before the client has its address, and every client accepts it.
// A NAK not relayed is broadcast (section 4.1: "In all cases"): the
// client's address is the one being refused. Only a client off port 68
// (which a broadcast to 68 would miss) gets its NAK where it sent from.
func destination(req *dhcpv4.DHCPv4, nak bool, peer net.Addr) *net.UDPAddr {
	if gi := addr4(req.GatewayIPAddr); gi.IsValid() {
		return &net.UDPAddr{IP: gi.AsSlice(), Port: dhcpv4.ServerPort}
	}
	if u, ok := peer.(*net.UDPAddr); ok {
		if a := addr4(u.IP); a.IsValid() && a.As4() != [4]byte{255, 255, 255, 255} && (!nak || u.Port != dhcpv4.ClientPort) {
			return &net.UDPAddr{IP: a.AsSlice(), Port: u.Port}
		}
	}
	if ci := addr4(req.ClientIPAddr); ci.IsValid() && !nak {
		return &net.UDPAddr{IP: ci.AsSlice(), Port: dhcpv4.ClientPort}
	}
	return &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ClientPort}
}
