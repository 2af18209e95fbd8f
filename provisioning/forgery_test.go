package provisioning

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// neighTable is a neighbour table the test edits.
type neighTable struct {
	mu sync.Mutex
	m  map[netip.Addr]MAC
}

func (n *neighTable) lookup(ip netip.Addr) (MAC, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	m, ok := n.m[ip]
	return m, ok
}

func (n *neighTable) set(ip netip.Addr, m MAC) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.m[ip] = m
}

var (
	neighIP    = netip.MustParseAddr("192.0.2.60") // the phone, known only by its neighbour entry
	reservedIP = netip.MustParseAddr("192.0.2.70") // a second device's reservation
	outsiderIP = netip.MustParseAddr("192.0.2.99")
	reservedMC = MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x44}
)

// forgeryFixture: DHCP off (no lease check), bans at 5, a fake neighbour
// table, and a second device reserved at reservedIP.
func forgeryFixture(t *testing.T, mutate func(*Config)) (*fixture, *neighTable) {
	t.Helper()
	nt := &neighTable{m: map[netip.Addr]MAC{}}
	f := newFixture(t, func(c *Config) {
		c.Checks = DefaultChecks(false)
		c.Neighbours = nt.lookup
		c.Bans = BanConfig{MaxRetry: 5, ScanMACs: 3}
		if mutate != nil {
			mutate(c)
		}
	})
	if _, err := f.s.AddDevice(t.Context(), Device{MAC: reservedMC, Account: "office", Vendor: "yealink", IP: reservedIP,
		Lines: []Line{{Extension: "202", Password: "x"}}}); err != nil {
		t.Fatal(err)
	}
	return f, nt
}

func tftpFrom(ip netip.Addr) func(*FetchRequest) {
	return func(r *FetchRequest) { r.Proto, r.UserAgent, r.RemoteIP = "tftp", "", ip }
}

func httpFrom(ip netip.Addr) func(*FetchRequest) {
	return func(r *FetchRequest) { r.RemoteIP = ip }
}

// forge sends n refused TFTP requests of every kind "from" ip.
func (f *fixture) forge(ip netip.Addr, n int) {
	for i := range n {
		switch i % 4 {
		case 0:
			f.get("../etc/passwd", tftpFrom(ip))
		case 1:
			f.get(fmt.Sprintf("805ec0aa%04x.cfg", i), tftpFrom(ip))
		case 2:
			f.get("AAAAAAAAAAAAAAAAAAAAAAAA/BBBBBBBBBBBBBBBBBBBBBBBB/805ec0112233.cfg", tftpFrom(ip))
		default:
			f.get(fmt.Sprintf("805ec0aa%04x-phone.cfg", i), tftpFrom(ip))
		}
	}
}

// No sequence of forged TFTP requests strikes an address that holds a
// known device by lease, neighbour entry or reservation: its later
// genuine refusals ban it at max_retry of their own, not one earlier.
// Any other address is banned at max_retry.
func TestForgedTFTPNeverStrikesAKnownDevice(t *testing.T) {
	for _, c := range []struct {
		name string
		ip   netip.Addr
		held bool
	}{
		{"lease", phoneIP, true},
		{"neighbour entry", neighIP, true},
		{"reservation", reservedIP, true},
		{"outsider", outsiderIP, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, nt := forgeryFixture(t, nil)
			nt.set(neighIP, phoneMAC)
			nt.set(outsiderIP, MAC{0x02, 0, 0, 0, 0, 0x99})
			f.forge(c.ip, 40)
			if f.s.Banned(c.ip) != !c.held {
				t.Fatalf("after 40 forged TFTP refusals banned=%v, want %v", f.s.Banned(c.ip), !c.held)
			}
			if !c.held {
				return
			}
			for i := range 5 {
				if f.s.Banned(c.ip) {
					t.Fatalf("banned after %d genuine refusals: forged strikes counted", i)
				}
				f.get("/favicon.ico", httpFrom(c.ip))
			}
			if b := f.s.Bans(); !f.s.Banned(c.ip) || len(b) != 1 || b[0].Forgeable {
				t.Fatalf("5 genuine refusals: bans %+v; want one proven ban", b)
			}
		})
	}
}

// A phone framed while the box could not see it (DHCP off, no neighbour
// entry yet) is banned; once it shows up in the neighbour table its next
// request lifts the ban and is served.
func TestFramedBanLiftedWhenThePhoneAppears(t *testing.T) {
	f, nt := forgeryFixture(t, nil)
	f.forge(neighIP, 5)
	if !f.s.Banned(neighIP) {
		t.Fatal("5 TFTP refusals from an address holding nothing did not ban it")
	}
	if b := f.s.Bans(); len(b) != 1 || !b[0].Forgeable {
		t.Fatalf("bans %+v; want one forgeable ban", b)
	}
	nt.set(neighIP, phoneMAC)
	f.clk.Add(2 * time.Second)
	r := f.get("/805ec0112233.cfg", httpFrom(neighIP))
	if !r.Found || !strings.Contains(string(r.Body), f.dev.SecretURL) {
		t.Fatalf("the framed phone's bootstrap: found=%v", r.Found)
	}
	if b := f.s.Bans(); len(b) != 0 {
		t.Fatalf("bans %+v after the phone appeared", b)
	}
	es, _ := f.s.Events(t.Context(), EventFilter{Limit: 100})
	if !containsEvent(es, "unbanned", reasonFramed) {
		t.Fatal("the lift is not in the audit trail")
	}
}

// A ban proven strikes earned is not lifted by a neighbour entry.
func TestProvenBanNotLiftedByNeighbourEntry(t *testing.T) {
	f, nt := forgeryFixture(t, nil)
	for range 5 {
		f.get("/favicon.ico", httpFrom(neighIP))
	}
	nt.set(neighIP, phoneMAC)
	f.clk.Add(2 * time.Second)
	if !f.s.Banned(neighIP) {
		t.Fatal("a proven ban was lifted")
	}
}

// Forged strikes struck before the address held the phone do not
// complete a ban with its genuine refusals.
func TestEarlierForgedStrikesDoNotCompleteABan(t *testing.T) {
	f, nt := forgeryFixture(t, nil)
	f.forge(neighIP, 4)
	nt.set(neighIP, phoneMAC)
	for i := range 4 {
		f.get("/favicon.ico", httpFrom(neighIP))
		if f.s.Banned(neighIP) {
			t.Fatalf("banned at genuine refusal %d: the 4 forged strikes counted", i+1)
		}
	}
}

// The lab's sabotage: with the guard off, forged TFTP bans a phone.
func TestUnguardedUDPLetsForgersBanPhones(t *testing.T) {
	f, _ := forgeryFixture(t, func(c *Config) { c.UnguardedUDP = true })
	f.forge(reservedIP, 5)
	if !f.s.Banned(reservedIP) {
		t.Fatal("UnguardedUDP did not turn the guard off")
	}
}

func containsEvent(es []Event, outcome, reason string) bool {
	for _, e := range es {
		if e.Outcome == outcome && e.Reason == reason {
			return true
		}
	}
	return false
}

// A name carrying a known MAC that is not a vendor file: the phone's own
// request is a quiet miss; anyone else's gets the very answer and strike
// an unknown MAC gets.
func TestNoKnownMACOracle(t *testing.T) {
	for _, proto := range []string{"http", "tftp"} {
		t.Run(proto, func(t *testing.T) {
			from := httpFrom(outsiderIP)
			if proto == "tftp" {
				from = tftpFrom(outsiderIP)
			}
			var answers []FetchReply
			var banned []bool
			for _, name := range []string{"/805ec0112233-phone.cfg", "/805ec0999999-phone.cfg"} {
				f, _ := forgeryFixture(t, func(c *Config) { c.Bans.MaxRetry = 2 })
				answers = append(answers, f.get(name, from))
				e := f.lastEvent(t)
				if e.Outcome != "refused" || !strings.HasPrefix(e.Reason, reasonUnknownFile) {
					t.Fatalf("%s: event %+v; want an unknown-file refusal", name, e)
				}
				f.get(name, from)
				banned = append(banned, f.s.Banned(outsiderIP))
			}
			if !reflect.DeepEqual(answers[0], answers[1]) || banned[0] != banned[1] || !banned[0] {
				t.Fatalf("known vs unknown MAC: answers %+v, banned %v; want alike, and both banned", answers, banned)
			}
		})
	}
	f, nt := forgeryFixture(t, nil)
	f.get("/805ec0112233-phone.cfg", httpFrom(neighIP))
	if e := f.lastEvent(t); e.Outcome != "refused" {
		t.Fatalf("a request nothing binds to the phone was a quiet miss: %+v", e)
	}
	nt.set(neighIP, phoneMAC)
	f.get("/805ec0112233-phone.cfg", httpFrom(neighIP))
	if e := f.lastEvent(t); e.Outcome != "not-found" || e.MAC != phoneMAC {
		t.Fatalf("the phone's own miss: %+v; want a plain not-found", e)
	}
}

// Walking MACs in the User-Agent only, on a name without one, is a scan.
func TestScanCountsUserAgentMACs(t *testing.T) {
	f, _ := forgeryFixture(t, func(c *Config) { c.Bans.MaxRetry = 100 })
	for i := range 4 {
		if f.s.Banned(outsiderIP) {
			t.Fatalf("banned after %d MACs", i)
		}
		ua := fmt.Sprintf("Cisco/SPA508G-7.4.4 (0002FDFF21%02X)(CBT141400UK)", i)
		f.get("/spa508G.cfg", func(r *FetchRequest) { r.RemoteIP, r.UserAgent = outsiderIP, ua })
	}
	if b := f.s.Bans(); len(b) != 1 || b[0].Reason != "scan" {
		t.Fatalf("bans %+v; want a scan ban at scan_macs+1 distinct UA MACs", b)
	}
}

func TestFirstMAC(t *testing.T) {
	for in, want := range map[string]string{
		"Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33":  "80:5e:c0:11:22:33",
		"Cisco/SPA508G-7.4.4 (0002FDFF2103)(CBT141400UK)": "00:02:fd:ff:21:03",
		"805ec0112233-phone.cfg":                          "80:5e:c0:11:22:33",
		"x-80-5E-C0-11-22-33":                             "80:5e:c0:11:22:33",
		"curl/8.5.0":                                      "00:00:00:00:00:00",
		"ffffffffffff.cfg":                                "00:00:00:00:00:00", // broadcast is no phone
		"":                                                "00:00:00:00:00:00",
	} {
		if got := firstMAC(in).String(); got != want {
			t.Errorf("firstMAC(%q) = %s, want %s", in, got, want)
		}
	}
}

// A [[dhcp.reservation]] of a known device's MAC protects its address
// too; one of an unknown MAC does not.
func TestForgedTFTPSparesDHCPReservation(t *testing.T) {
	known, unknown := netip.MustParseAddr("192.0.2.80"), netip.MustParseAddr("192.0.2.81")
	f, _ := forgeryFixture(t, func(c *Config) {
		c.Reserved = map[netip.Addr]MAC{known: phoneMAC, unknown: {0x02, 0, 0, 0, 0, 0x81}}
	})
	f.forge(known, 20)
	f.forge(unknown, 20)
	if f.s.Banned(known) || !f.s.Banned(unknown) {
		t.Fatalf("banned: reserved for a device %v, for an unknown MAC %v; want false, true", f.s.Banned(known), f.s.Banned(unknown))
	}
}
