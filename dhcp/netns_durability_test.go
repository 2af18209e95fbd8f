package dhcp

import (
	"context"
	"encoding/binary"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/sys/unix"
)

// sniffer records the DHCP replies seen on an interface (AF_PACKET), so a
// test knows exactly which ACKs left the server.
type sniffer struct {
	fd   int
	mu   sync.Mutex
	acks map[string]string // yiaddr -> chaddr of every ACK seen
	offs map[string]string // yiaddr -> chaddr of every OFFER seen
	n    chan struct{}     // one token per ACK
	done chan struct{}
}

func sniff(t *testing.T, ns, iface string) *sniffer {
	t.Helper()
	s := &sniffer{acks: map[string]string{}, offs: map[string]string{}, n: make(chan struct{}, 1<<20), done: make(chan struct{})}
	err := inNS(ns, func() error {
		ifc, err := net.InterfaceByName(iface)
		if err != nil {
			return err
		}
		proto := htons(unix.ETH_P_IP)
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(proto))
		if err != nil {
			return err
		}
		s.fd = fd
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 8<<20)
		tv := unix.Timeval{Usec: 100000} // lets stop() end the loop
		_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
		return unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifc.Index})
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	go s.loop(stop)
	t.Cleanup(func() { s.stop(stop) })
	return s
}

func (s *sniffer) loop(stop chan struct{}) {
	defer close(s.done)
	buf := make([]byte, 2048)
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, _, err := unix.Recvfrom(s.fd, buf, 0)
		if err != nil {
			continue // timeout or EINTR
		}
		s.record(buf[:n])
	}
}

// record parses IPv4/UDP by hand: only replies to port 67 or 68 matter.
func (s *sniffer) record(b []byte) {
	if len(b) < 28 || b[0]>>4 != 4 || b[9] != syscall.IPPROTO_UDP {
		return
	}
	ihl := int(b[0]&0xf) * 4
	if len(b) < ihl+8 {
		return
	}
	dport := binary.BigEndian.Uint16(b[ihl+2:])
	if dport != 67 && dport != 68 {
		return
	}
	m, err := dhcpv4.FromBytes(b[ihl+8:])
	if err != nil || m.OpCode != dhcpv4.OpcodeBootReply {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch m.MessageType() {
	case dhcpv4.MessageTypeAck:
		s.acks[m.YourIPAddr.String()] = m.ClientHWAddr.String()
		select {
		case s.n <- struct{}{}:
		default:
		}
	case dhcpv4.MessageTypeOffer:
		s.offs[m.YourIPAddr.String()] = m.ClientHWAddr.String()
	}
}

func (s *sniffer) stop(stop chan struct{}) {
	select {
	case <-s.done:
		return
	default:
	}
	close(stop)
	<-s.done
	unix.Close(s.fd)
}

func (s *sniffer) snapshot() (acks, offers map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	acks, offers = map[string]string{}, map[string]string{}
	for k, v := range s.acks {
		acks[k] = v
	}
	for k, v := range s.offs {
		offers[k] = v
	}
	return acks, offers
}

// perfdhcp runs Kea's load generator as a relay at 192.0.2.2 in ns.
func perfdhcp(ctx context.Context, ns string, args ...string) *exec.Cmd {
	base := []string{"netns", "exec", ns, "perfdhcp", "-4", "-l", "192.0.2.2"}
	return exec.CommandContext(ctx, "ip", append(append(base, args...), "192.0.2.1")...)
}

// TestNetnsKillDuringPerfdhcp: kill -9 the server while perfdhcp drives
// DORA at it; after a restart every address that was ACKed on the wire is
// still leased to the same MAC, and none is offered to another client.
func TestNetnsKillDuringPerfdhcp(t *testing.T) {
	requireRoot(t, "perfdhcp")
	p := newPair(t, "192.0.2.2/24")
	cfg := netCfg(p.srvIf)
	cfg.Subnets[0].CIDR, cfg.Subnets[0].Range = pfx("192.0.0.0/22"), Range{ip("192.0.0.10"), ip("192.0.3.250")}
	cfg.Subnets[0].Router = ipList("192.0.0.1") // outside the pool, as Validate requires
	cfg.Subnets[0].Relays = ipList("192.0.2.2") // perfdhcp, acting as a relay
	hc := helperConfig{Dir: p.dir, DHCP: cfg, Boot: netBoot}
	p.h = startHelper(t, p.srv, hc)
	sn := sniff(t, p.cli, p.cliIf)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	load := perfdhcp(ctx, p.cli, "-r", "2000", "-R", "900", "-p", "20", "-b", "mac=00:0c:01:00:00:00")
	if err := load.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { load.Process.Kill(); load.Wait() }()
	for range 400 { // kill mid-run, once a good number of ACKs went out
		select {
		case <-sn.n:
		case <-ctx.Done():
			t.Fatalf("perfdhcp got too few ACKs\n%s", p.h.logs)
		}
	}
	p.h.kill(syscall.SIGKILL)
	load.Process.Kill()
	load.Wait()
	acked, _ := sn.snapshot()

	stored := storedLeases(t, p.dir)
	now := time.Now()
	for a, mac := range acked {
		l, ok := stored[a]
		if !ok || l.MAC.String() != mac || !l.Expires.After(now) {
			t.Errorf("ACKed %s to %s before kill -9; stored: %+v (present %v)", a, mac, l, ok)
		}
	}
	t.Logf("%d distinct addresses ACKed before kill -9, all durable", len(acked))

	// Restart on the same database; new clients must not get those.
	p.h = startHelper(t, p.srv, hc)
	sn2 := sniff(t, p.cli, p.cliIf)
	load2 := perfdhcp(ctx, p.cli, "-r", "200", "-R", "400", "-p", "3", "-b", "mac=00:0c:02:00:00:00")
	if out, err := load2.CombinedOutput(); err != nil && ctx.Err() != nil {
		t.Fatalf("perfdhcp after restart: %v\n%s", err, out)
	}
	acks2, offers2 := sn2.snapshot()
	if len(acks2) == 0 {
		t.Fatalf("no ACK after restart\n%s", p.h.logs)
	}
	for _, seen := range []map[string]string{acks2, offers2} {
		for a, mac := range seen {
			if owner, ok := acked[a]; ok && owner != mac {
				t.Errorf("%s, leased to %s before the crash, went to %s after it", a, owner, mac)
			}
		}
	}
}
