package phone_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"golang.org/x/sys/unix"

	"github.com/provbox/provbox/cmd/internal/lab"
	"github.com/provbox/provbox/cmd/internal/phone"
)

// emulateEnv makes the test binary the emulator (phone.Main), so a test
// can run an attacker as its own process inside a namespace, the way the
// lab runs phonesim: every thread and socket of it in that namespace.
const emulateEnv = "PHONE_TEST_EMULATE"

func TestMain(m *testing.M) {
	if os.Getenv(emulateEnv) == "1" {
		os.Exit(phone.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// The ip-thief leases the device's address with the device's MAC, then
// takes its own MAC back and says so by gratuitous ARP, and asks with the
// device's User-Agent: the server saw the DHCP exchange from the device's
// MAC, the announcement and the ARP entry carry the thief's own MAC, and
// the request comes from the leased address.
func TestIPThiefStealsLeaseAndShowsOwnMAC(t *testing.T) {
	needNetns(t)
	n, err := lab.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	srv, err := n.AddHost("srv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.AddAddr("10.216.0.1/24"); err != nil {
		t.Fatal(err)
	}
	stolen := net.IPv4(10, 216, 0, 60)
	dh := serveDHCP(t, srv, stolen)
	web := serveHTTP(t, srv)
	arps := sniffARP(t, srv)
	thief, err := n.AddHost("thief", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := phone.Lookup("yealink")
	tmac := p.MAC(6, 0x20)
	a := runThief(t, thief, "-role", phone.IPThief, "-target", "yealink="+tmac.String(), "-http", "http://10.216.0.1/", "-timeout", "2s")
	if a.Err != "" || a.IP != stolen.String() || a.MAC != thief.MAC.String() {
		t.Fatalf("attack %+v, want no error, IP %s, own MAC %s", a, stolen, thief.MAC)
	}
	if got := dh.clients(); len(got) == 0 || got[0] != tmac.String()+" yealink" {
		t.Errorf("DHCP server saw %v, want the device's MAC and class", got)
	}
	if !arps.announced(stolen, thief.MAC) {
		t.Errorf("no gratuitous ARP for %s from %s; saw %v", stolen, thief.MAC, arps.all())
	}
	if mac := serverNeighbour(t, srv, stolen); mac != thief.MAC.String() {
		t.Errorf("server's neighbour entry for %s is %q, want the thief's own %s", stolen, mac, thief.MAC)
	}
	want := stolen.String() + " " + p.UA(tmac)
	if got := web.requests(); len(got) == 0 || got[0] != want {
		t.Errorf("HTTP server saw %q, want %q", got, want)
	}
	var own net.HardwareAddr
	thief.Do(func() error {
		i, err := net.InterfaceByName("eth0")
		if err == nil {
			own = i.HardwareAddr
		}
		return err
	})
	if own.String() != thief.MAC.String() {
		t.Errorf("thief's interface ends with %s, want its own %s", own, thief.MAC)
	}
}

func needNetns(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command (Debian package iproute2)")
	}
}

// runThief runs this test binary as the emulator inside h.
func runThief(t *testing.T, h *lab.Host, args ...string) *phone.Attack {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := h.Command(ctx, exe, append([]string{"-iface", "eth0"}, args...)...)
	cmd.Env = append(os.Environ(), emulateEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var rep phone.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || rep.Attack == nil {
		t.Fatalf("no report (%v, exit %v): %s", err, runErr, stderr.Bytes())
	}
	return rep.Attack
}

// dhcpSeen records who asked a test DHCP responder.
type dhcpSeen struct {
	mu   sync.Mutex
	seen []string // "chaddr class"
}

func (d *dhcpSeen) clients() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

// serveDHCP answers everyone on h's eth0 with yiaddr, server 10.216.0.1.
func serveDHCP(t *testing.T, h *lab.Host, yiaddr net.IP) *dhcpSeen {
	t.Helper()
	d := &dhcpSeen{}
	var srv *server4.Server
	err := h.Do(func() (err error) {
		srv, err = server4.NewServer("eth0", &net.UDPAddr{Port: 67}, func(conn net.PacketConn, _ net.Addr, m *dhcpv4.DHCPv4) {
			d.mu.Lock()
			d.seen = append(d.seen, m.ClientHWAddr.String()+" "+string(m.Options.Get(dhcpv4.OptionClassIdentifier)))
			d.mu.Unlock()
			typ := dhcpv4.MessageTypeOffer
			if m.MessageType() == dhcpv4.MessageTypeRequest {
				typ = dhcpv4.MessageTypeAck
			}
			server := net.IPv4(10, 216, 0, 1)
			reply, _ := dhcpv4.NewReplyFromRequest(m, dhcpv4.WithMessageType(typ), dhcpv4.WithYourIP(yiaddr),
				dhcpv4.WithServerIP(server), dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
				dhcpv4.WithOption(dhcpv4.OptServerIdentifier(server)))
			conn.WriteTo(reply.ToBytes(), &net.UDPAddr{IP: net.IPv4bcast, Port: 68})
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })
	return d
}

// webSeen records "remote-ip user-agent" of each request; all get 404.
type webSeen struct {
	mu   sync.Mutex
	seen []string
}

func (w *webSeen) requests() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.seen...)
}

func serveHTTP(t *testing.T, h *lab.Host) *webSeen {
	t.Helper()
	w := &webSeen{}
	var ln net.Listener
	if err := h.Do(func() (err error) { ln, err = net.Listen("tcp4", "10.216.0.1:80"); return }); err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		w.mu.Lock()
		w.seen = append(w.seen, host+" "+r.UserAgent())
		w.mu.Unlock()
		http.NotFound(rw, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return w
}

// arpSeen records every ARP packet on a host's eth0 as "op sha spa tpa".
type arpSeen struct {
	mu   sync.Mutex
	seen []string
}

func (a *arpSeen) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// announced reports a gratuitous ARP (sender and target address both ip)
// from mac.
func (a *arpSeen) announced(ip net.IP, mac net.HardwareAddr) bool {
	for _, s := range a.all() {
		f := strings.Fields(s)
		if len(f) == 4 && f[1] == mac.String() && f[2] == ip.String() && f[3] == ip.String() {
			return true
		}
	}
	return false
}

func sniffARP(t *testing.T, h *lab.Host) *arpSeen {
	t.Helper()
	proto := int(htons(unix.ETH_P_ARP))
	var f *os.File
	err := h.Do(func() error {
		i, err := net.InterfaceByName("eth0")
		if err != nil {
			return err
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
		if err != nil {
			return err
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ARP), Ifindex: i.Index}); err != nil {
			unix.Close(fd)
			return err
		}
		f = os.NewFile(uintptr(fd), "arp")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a := &arpSeen{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		for {
			n, err := f.Read(buf)
			if err != nil {
				return
			}
			if s, ok := parseARPPacket(buf[:n]); ok {
				a.mu.Lock()
				a.seen = append(a.seen, s)
				a.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { f.Close(); <-done })
	return a
}

// parseARPPacket reads an Ethernet/IPv4 ARP packet (no link header).
func parseARPPacket(b []byte) (string, bool) {
	if len(b) < 28 || b[4] != 6 || b[5] != 4 {
		return "", false
	}
	op := binary.BigEndian.Uint16(b[6:8])
	sha, spa, tpa := net.HardwareAddr(b[8:14]), net.IP(b[14:18]), net.IP(b[24:28])
	return strings.Join([]string{map[uint16]string{1: "request", 2: "reply"}[op], sha.String(), spa.String(), tpa.String()}, " "), true
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// serverNeighbour is the MAC h's kernel has for ip ("" if none).
func serverNeighbour(t *testing.T, h *lab.Host, ip net.IP) string {
	t.Helper()
	out, err := exec.Command("ip", "-n", h.NS, "-4", "neigh", "show", ip.String(), "dev", "eth0").Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "lladdr" {
			return f[i+1]
		}
	}
	return ""
}
