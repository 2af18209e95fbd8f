package dhcp

import (
	"context"
	"encoding/binary"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/sys/unix"
)

// An attacker on the phones' segment forges DHCP OFFERs, each from a new
// server identifier and MAC, with oversized provisioning options: the
// rogue table keeps at most rogueMax servers (the most recently seen),
// counts the ones dropped, truncates the option values, and logs one
// warning about new servers per minute, not one per forged server.
func TestRogueFloodBounded(t *testing.T) {
	requireRoot(t, "ip")
	id := uniq()
	us, them, ifUs, ifThem := addNS(t, id+"p"), addNS(t, id+"r"), id+"a", id+"b"
	link(t, us, ifUs, "10.78.0.2/24", them, ifThem, "10.78.0.1/24")
	warns := &countWarn{}
	s, err := New(testConfig(), &testCore{Service: newService(t, t.TempDir(), netBoot, nil)}, slog.New(warns))
	if err != nil {
		t.Fatal(err)
	}
	var w *RogueWatch
	if err := inNS(us, func() (err error) { w, err = OpenRogueWatch(ifUs); return err }); err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.WatchRogues(ctx, w) }()
	defer func() { cancel(); <-done }()

	fd, ifindex := attackerSocket(t, them, ifThem)
	const extra = 40
	n := rogueMax + extra
	long := strings.Repeat("A", 250)
	for i := range n {
		to := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_IP), Ifindex: ifindex, Halen: 6}
		copy(to.Addr[:], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
		if err := unix.Sendto(fd, forgedOffer(t, i, long), 0, to); err != nil {
			t.Fatal(err)
		}
		// Wait for the watch to take each batch: the socket's receive
		// buffer is not the thing under test.
		if i%16 == 15 || i == n-1 {
			deadline := time.Now().Add(5 * time.Second)
			for s.RogueCount()+s.RoguesDropped() < i+1 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}
	if got := s.RogueCount(); got != rogueMax {
		t.Fatalf("%d forged servers: table holds %d, want %d", n, got, rogueMax)
	}
	if got := s.RoguesDropped(); got != extra {
		t.Errorf("dropped %d, want %d", got, extra)
	}
	rs := s.Rogues()
	last, first := netip.AddrFrom4(forgedID(n-1)), netip.AddrFrom4(forgedID(0))
	var sawLast bool
	for _, r := range rs {
		sawLast = sawLast || r.IP == last
		if r.IP == first {
			t.Errorf("the least recently seen server %s is still kept", first)
		}
		for _, o := range r.Options {
			if len(o.Value) > rogueValueMax+len(rogueValueSuffix) || len(o.Bytes) > rogueValueMax {
				t.Fatalf("option %d kept at %d bytes: %.40q", o.Code, len(o.Value), o.Value)
			}
		}
	}
	if !sawLast {
		t.Errorf("the newest server %s is not kept", last)
	}
	if got := warns.n.Load(); got != 1 {
		t.Errorf("%d warnings for %d new servers within a minute, want 1", got, n)
	}
}

// attackerSocket is a packet socket bound to iface in ns.
func attackerSocket(t *testing.T, ns, iface string) (fd, ifindex int) {
	t.Helper()
	err := inNS(ns, func() error {
		ifc, err := net.InterfaceByName(iface)
		if err != nil {
			return err
		}
		ifindex = ifc.Index
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_IP)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd, ifindex
}

func forgedID(i int) [4]byte { return [4]byte{10, 79, byte(i >> 8), byte(i)} }

// forgedOffer is an Ethernet frame with an OFFER from server i, its own
// MAC, with long options 66 and 43.
func forgedOffer(t *testing.T, i int, long string) []byte {
	t.Helper()
	sid := net.IP(forgedIDSlice(i))
	m, err := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithServerIP(sid),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(sid)), dhcpv4.WithOption(dhcpv4.OptTFTPServerName(long)),
		dhcpv4.WithOption(dhcpv4.Option{Code: dhcpv4.OptionVendorSpecificInformation,
			Value: dhcpv4.OptionGeneric{Data: []byte(long)}}))
	if err != nil {
		t.Fatal(err)
	}
	m.OpCode = dhcpv4.OpcodeBootReply
	payload := m.ToBytes()
	f := make([]byte, 42+len(payload))
	copy(f[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	copy(f[6:12], []byte{0x02, 0xbb, 0, byte(i >> 8), byte(i), 1})
	binary.BigEndian.PutUint16(f[12:14], unix.ETH_P_IP)
	ip := f[14:34]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:4], uint16(28+len(payload)))
	copy(ip[12:16], sid)
	copy(ip[16:20], []byte{255, 255, 255, 255})
	binary.BigEndian.PutUint16(ip[10:12], ipChecksum(ip))
	binary.BigEndian.PutUint16(f[34:36], 67)
	binary.BigEndian.PutUint16(f[36:38], 68)
	binary.BigEndian.PutUint16(f[38:40], uint16(8+len(payload)))
	copy(f[42:], payload)
	return f
}

func forgedIDSlice(i int) []byte { a := forgedID(i); return a[:] }

// countWarn counts the warnings logged about rogue servers.
type countWarn struct{ n atomic.Int64 }

func (c *countWarn) Enabled(context.Context, slog.Level) bool { return true }
func (c *countWarn) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn && strings.HasPrefix(r.Message, "rogue DHCP server") {
		c.n.Add(1)
	}
	return nil
}
func (c *countWarn) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *countWarn) WithGroup(string) slog.Handler      { return c }
