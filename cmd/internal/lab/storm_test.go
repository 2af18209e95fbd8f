package lab

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
	"golang.org/x/net/bpf"
)

// A boot storm through the real daemon: 200 phones of every vendor, 50 to
// a namespace, each on a macvlan with its own MAC, power on at once and
// every one is provisioned (DORA, bootstrap, redirect, full config, lock)
// with every check on, none banned, struck or refused. Both bootstrap
// forms. No timing is asserted here: `provbox-lab --phones 1000` checks
// its goal.
func TestStorm(t *testing.T) {
	needRoot(t)
	for _, bootstrap := range []string{"http", "tftp"} {
		t.Run(bootstrap, func(t *testing.T) {
			pb, lc := binaries(t)
			labSlots <- struct{}{}
			defer func() { <-labSlots }()
			var out bytes.Buffer
			res, err := RunStorm(context.Background(), StormOptions{Provbox: pb, Emulator: []string{lc, "--emulate-storm"},
				Phones: 200, PerNamespace: 50, Bootstrap: bootstrap, Out: &out,
				// A loaded test machine must not fail a phone for a slow answer.
				RequestTimeout: 20 * time.Second, Goal: time.Hour})
			t.Logf("storm:\n%s", out.String())
			if err != nil {
				t.Fatal(err)
			}
			if !res.AllProvisioned() || len(res.FailedBy) > 0 {
				t.Fatalf("%d/%d provisioned, failed %v, %d banned:\n%s", res.Provisioned, res.Phones, res.FailedBy,
					res.BannedPhones, strings.Join(res.Failures, "\n"))
			}
			if res.NeighbourOK < res.Phones/2 {
				t.Errorf("the server's neighbour table showed %d of %d phones at their own MAC", res.NeighbourOK, res.Phones)
			}
			if res.Namespaces != 4 {
				t.Errorf("%d namespaces, want 4", res.Namespaces)
			}
			if len(res.Strikes) > 0 || len(res.Refusals) > 0 {
				t.Errorf("a boot storm struck %v or refused %v", res.Strikes, res.Refusals)
			}
			if res.DHCPPackets["sent/ACK"] < 200 {
				t.Errorf("daemon DHCP counters %v, want an ACK per phone", res.DHCPPackets)
			}
			// Every phone's OFFER and ACK reached it through its namespace's tap.
			if tap := res.Tap; tap.Delivered < 2*int64(res.Phones) || tap.WrongMAC != 0 || tap.Full != 0 {
				t.Errorf("phones' DHCP taps %+v, want an OFFER and an ACK delivered per phone", tap)
			}
			if res.LeaseCommits.Batches == 0 || res.LeaseCommits.MeanSize <= 0 {
				t.Errorf("daemon lease commits %+v: not scraped", res.LeaseCommits)
			}
		})
	}
}

// The phones of a storm take the vendors in turn, each MAC in its vendor's
// OUI and unique, and the import file names provbox's vendor.
func TestStormDevices(t *testing.T) {
	vendors := phone.Names()
	ds := stormDevices(3*len(vendors), vendors)
	seen := map[string]bool{}
	for i, d := range ds {
		if d.profile.Name != vendors[i%len(vendors)] {
			t.Fatalf("device %d is %s, want %s", i, d.profile.Name, vendors[i%len(vendors)])
		}
		oui := d.profile.OUI
		if !strings.HasPrefix(d.mac, strings.ToLower(fmtOUI(oui))) || seen[d.mac] {
			t.Fatalf("device %d: MAC %s outside %x or repeated", i, d.mac, oui)
		}
		seen[d.mac] = true
	}
	csv := stormCSV(ds[:1])
	if !strings.Contains(csv, ","+ds[0].profile.ProvboxVendor()+",") || !strings.Contains(csv, ds[0].pass) {
		t.Fatalf("import file %q", csv)
	}
}

func fmtOUI(o [3]byte) string {
	return strings.Join([]string{hex2(o[0]), hex2(o[1]), hex2(o[2])}, ":")
}

func hex2(b byte) string { return string("0123456789abcdef"[b>>4]) + string("0123456789abcdef"[b&15]) }

// The storm LAN is a /20 with room for the pool, and percentiles and the
// metric sums read what they should.
func TestStormFigures(t *testing.T) {
	sn := stormNet{base: mustAddr(t, "10.120.32.0")}
	if sn.ip(1) != "10.120.32.1" || sn.ip(stormPoolLast) != "10.120.47.254" || sn.cidr() != "10.120.32.0/20" {
		t.Fatalf("storm net: %s %s %s", sn.ip(1), sn.ip(stormPoolLast), sn.cidr())
	}
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if p := percentiles(d); p.P50 != 51*time.Millisecond || p.P99 != 100*time.Millisecond || p.Max != 100*time.Millisecond {
		t.Fatalf("percentiles %+v", p)
	}
	text := "provbox_refusals_total{proto=\"http\",reason=\"locked\"} 2\n" +
		"provbox_refusals_total{proto=\"tftp\",reason=\"lease\"} 0\n" +
		"provbox_strikes_total{reason=\"scan\"} 1\n"
	if got := sumByLabels(text, "provbox_refusals_total", "proto", "reason"); len(got) != 1 || got["http/locked"] != 2 {
		t.Fatalf("refusals %v", got)
	}
}

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The tc filter drops the server's DHCP replies at a storm namespace's
// uplink and lets every other frame through.
func TestReplyDropFilter(t *testing.T) {
	code, err := replyDropBytecode()
	if err != nil {
		t.Fatal(err)
	}
	var prog []bpf.RawInstruction
	for _, ins := range strings.Split(code, ",")[1:] {
		var r bpf.RawInstruction
		if _, err := fmt.Sscanf(ins, "%d %d %d %d", &r.Op, &r.Jt, &r.Jf, &r.K); err != nil {
			t.Fatalf("%q: %v", ins, err)
		}
		prog = append(prog, r)
	}
	insns, ok := bpf.Disassemble(prog)
	if !ok {
		t.Fatalf("tc bytecode %q does not disassemble", code)
	}
	vm, err := bpf.NewVM(insns)
	if err != nil {
		t.Fatal(err)
	}
	frame := func(etype uint16, proto byte, dport uint16) []byte {
		f := make([]byte, 14+20+8+240)
		f[12], f[13] = byte(etype>>8), byte(etype)
		f[14], f[23] = 0x45, proto
		f[36], f[37] = byte(dport>>8), byte(dport)
		return f
	}
	for _, tc := range []struct {
		name string
		f    []byte
		want uint32
	}{
		{"dhcp reply", frame(0x0800, 17, 68), 2},
		{"dhcp request", frame(0x0800, 17, 67), 0},
		{"tftp", frame(0x0800, 17, 69), 0},
		{"tcp", frame(0x0800, 6, 68), 0},
		{"arp", frame(0x0806, 0, 0), 0},
	} {
		// The VM returns the accepted length: min(verdict, len(frame)).
		n, err := vm.Run(tc.f)
		if err != nil || uint32(n) != tc.want {
			t.Errorf("%s: verdict %d (%v), want %d", tc.name, n, err, tc.want)
		}
	}
}

// The daemon's lease histograms (unlabelled series) give the storm's
// commit figures.
func TestStormLeaseCommitsUnit(t *testing.T) {
	text := `# TYPE provbox_dhcp_lease_batch_size histogram
provbox_dhcp_lease_batch_size_bucket{le="1"} 0
provbox_dhcp_lease_batch_size_sum 300
provbox_dhcp_lease_batch_size_count 4
provbox_dhcp_lease_batch_seconds_sum 0.2
provbox_dhcp_lease_batch_seconds_count 4
provbox_dhcp_lease_commit_seconds_sum 30
provbox_dhcp_lease_commit_seconds_count 300
`
	got := scrapeLeaseCommits(text)
	want := leaseCommits{Batches: 4, MeanSize: 75, MeanTime: 50 * time.Millisecond, MeanWait: 100 * time.Millisecond}
	if got != want {
		t.Fatalf("lease commits %+v, want %+v", got, want)
	}
	if scrapeLeaseCommits("") != (leaseCommits{}) {
		t.Fatal("figures from no metrics")
	}
}
