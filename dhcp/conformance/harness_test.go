package conformance

import (
	"encoding/binary"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"golang.org/x/sys/unix"

	"github.com/provbox/provbox/dhcp/internal/nstest"
)

// Fixed addresses of the topology (see the package doc).
var (
	serverIP  = net.IPv4(10, 90, 0, 1).To4()
	serverRel = net.IPv4(10, 91, 0, 1).To4()
	giaddr    = net.IPv4(10, 92, 0, 1).To4()
)

const (
	// silence is how long a test waits before concluding that no reply
	// will come; replies from both servers take milliseconds.
	silence = 800 * time.Millisecond
	// replyWait bounds the wait for a reply that must come: generous, as
	// a loaded machine may be slow to answer, and only a failure waits it
	// out.
	replyWait = 10 * time.Second
)

// env is one test's namespaces, server and endpoints.
type env struct {
	t              *testing.T
	srv, cli, rel  string // namespaces
	srvCli, srvRel string // server's veths toward the client and the relay
	cliIf          string
	client, relay  *endpoint
}

// each runs fn as one subtest per target server, each in a fresh env.
func each(t *testing.T, s setup, fn func(t *testing.T, e *env)) {
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			nstest.RequireRoot(t)
			e := newEnv(t)
			tg.start(t, e, s)
			fn(t, e)
		})
	}
}

func newEnv(t *testing.T) *env {
	id := nstest.Uniq()
	e := &env{t: t, srv: nstest.AddNS(t, id+"s"), cli: nstest.AddNS(t, id+"c"), rel: nstest.AddNS(t, id+"r"),
		srvCli: id + "a", cliIf: id + "b", srvRel: id + "x"}
	nstest.Link(t, e.srv, e.srvCli, "10.90.0.1/24", e.cli, e.cliIf, "")
	nstest.Link(t, e.srv, e.srvRel, "10.91.0.1/24", e.rel, id+"y", "10.91.0.2/24")
	nstest.Sh(t, "ip", "-n", e.rel, "addr", "add", "10.92.0.1/32", "dev", "lo")
	nstest.Sh(t, "ip", "-n", e.srv, "route", "add", "10.92.0.0/24", "via", "10.91.0.2")
	e.client = openEndpoint(t, e.cli, e.cliIf, dhcpv4.ClientPort)
	e.relay = openEndpoint(t, e.rel, id+"y", dhcpv4.ServerPort)
	return e
}

// endpoint sends from a UDP socket bound to port on ifname and captures
// BOOTREPLYs sent to that port with a packet socket in promiscuous mode.
type endpoint struct {
	conn *net.UDPConn
	fd   int
	port int
}

func openEndpoint(t *testing.T, ns, ifname string, port int) *endpoint {
	t.Helper()
	nstest.Sh(t, "ip", "-n", ns, "link", "set", ifname, "promisc", "on")
	ep := &endpoint{port: port, fd: -1}
	err := nstest.InNS(ns, func() error {
		c, err := server4.NewIPv4UDPConn(ifname, &net.UDPAddr{Port: port})
		if err != nil {
			return err
		}
		ep.conn = c
		ifc, err := net.InterfaceByName(ifname)
		if err != nil {
			return err
		}
		proto := int(htons(unix.ETH_P_IP))
		if ep.fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, proto); err != nil {
			return err
		}
		return unix.Bind(ep.fd, &unix.SockaddrLinklayer{Protocol: uint16(proto), Ifindex: ifc.Index})
	})
	t.Cleanup(func() {
		if ep.conn != nil {
			ep.conn.Close()
		}
		if ep.fd >= 0 {
			unix.Close(ep.fd)
		}
	})
	if err != nil {
		t.Fatalf("endpoint on %s in %s: %v", ifname, ns, err)
	}
	return ep
}

// reply is a captured BOOTREPLY and where it was sent.
type reply struct {
	*dhcpv4.DHCPv4
	dst     net.IP
	dstPort int
}

// send writes m to to (nil: the limited broadcast on port 67).
func (ep *endpoint) send(t *testing.T, m *dhcpv4.DHCPv4, to *net.UDPAddr) {
	t.Helper()
	if to == nil {
		to = &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ServerPort}
	}
	if _, err := ep.conn.WriteTo(m.ToBytes(), to); err != nil {
		t.Fatalf("sending %s: %v", m.MessageType(), err)
	}
}

// await returns the first BOOTREPLY with xid captured within d, or nil.
func (ep *endpoint) await(t *testing.T, xid dhcpv4.TransactionID, d time.Duration) *reply {
	t.Helper()
	buf := make([]byte, 2048)
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil
		}
		tv := unix.NsecToTimeval(left.Nanoseconds())
		if err := unix.SetsockoptTimeval(ep.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			t.Fatal(err)
		}
		n, _, err := unix.Recvfrom(ep.fd, buf, 0)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatalf("capture: %v", err)
		}
		if r := parseReply(buf[:n], ep.port); r != nil && r.TransactionID == xid {
			return r
		}
	}
}

// parseReply decodes an IPv4/UDP datagram to port carrying a BOOTREPLY.
func parseReply(b []byte, port int) *reply {
	if len(b) < 20 || b[0]>>4 != 4 || b[9] != unix.IPPROTO_UDP {
		return nil
	}
	ihl := int(b[0]&0x0f) * 4
	if len(b) < ihl+8 || int(binary.BigEndian.Uint16(b[ihl+2:])) != port {
		return nil
	}
	m, err := dhcpv4.FromBytes(b[ihl+8:])
	if err != nil || m.OpCode != dhcpv4.OpcodeBootReply {
		return nil
	}
	return &reply{DHCPv4: m, dst: net.IP(append([]byte{}, b[16:20]...)), dstPort: port}
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// exchange broadcasts m from the client and returns the reply, failing
// the test if none comes.
func (e *env) exchange(t *testing.T, m *dhcpv4.DHCPv4) *reply {
	t.Helper()
	return e.via(t, e.client, m, nil)
}

// relayed sends m from the relay to the server (unicast, port 67, giaddr
// set by the caller) and returns the reply sent back to the relay.
func (e *env) relayed(t *testing.T, m *dhcpv4.DHCPv4) *reply {
	t.Helper()
	return e.via(t, e.relay, m, &net.UDPAddr{IP: serverRel, Port: dhcpv4.ServerPort})
}

func (e *env) via(t *testing.T, ep *endpoint, m *dhcpv4.DHCPv4, to *net.UDPAddr) *reply {
	t.Helper()
	ep.send(t, m, to)
	r := ep.await(t, m.TransactionID, replyWait)
	if r == nil {
		t.Fatalf("no reply to %s", summary(m))
	}
	return r
}

// silent broadcasts m from the client and fails the test if a reply comes.
func (e *env) silent(t *testing.T, m *dhcpv4.DHCPv4) {
	t.Helper()
	e.client.send(t, m, nil)
	if r := e.client.await(t, m.TransactionID, silence); r != nil {
		t.Fatalf("%s answered with %s, want no reply", summary(m), summary(r.DHCPv4))
	}
}

// sendOnly broadcasts m from the client, expecting no reply (RELEASE,
// DECLINE), and waits long enough for the server to have handled it.
func (e *env) sendOnly(t *testing.T, m *dhcpv4.DHCPv4) {
	t.Helper()
	e.silent(t, m)
}

// clientAddr puts a on the client's veth (a bound client using its
// address: RENEWING, INFORM).
func (e *env) clientAddr(t *testing.T, a string) {
	t.Helper()
	nstest.Sh(t, "ip", "-n", e.cli, "addr", "add", a+"/24", "dev", e.cliIf)
}

// unicast sends m from the client to the server's address (RENEWING) and
// returns the reply.
func (e *env) unicast(t *testing.T, m *dhcpv4.DHCPv4) *reply {
	t.Helper()
	return e.via(t, e.client, m, &net.UDPAddr{IP: serverIP, Port: dhcpv4.ServerPort})
}
