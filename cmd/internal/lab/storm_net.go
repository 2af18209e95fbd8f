package lab

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"
)

// stormNet is the storm's LAN: a /20 (4,094 hosts), the server at .0.1,
// the pool from .0.16 to the last host.
type stormNet struct{ base netip.Addr }

func randomStormNet() (stormNet, error) {
	r := make([]byte, 2)
	if _, err := rand.Read(r); err != nil {
		return stormNet{}, err
	}
	return stormNet{netip.AddrFrom4([4]byte{10, 100 + r[0]%150, r[1] & 0xf0, 0})}, nil
}

func (s stormNet) ip(host int) string {
	b := s.base.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) + uint32(host)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

func (s stormNet) cidr() string { return s.base.String() + "/20" }

// stormPoolFirst and stormPoolLast bound the pool (host numbers).
const stormPoolFirst, stormPoolLast = 16, 4094

// stormUplink is the name of a storm namespace's link to the switch.
const stormUplink = "eth0"

// plugStormHost readies a namespace for many phones: its switch port is
// isolated (a phone's broadcasts reach the server, not the other
// namespaces' hundreds of macvlans), its kernel answers ARP for an
// address only on the interface holding it (arp_ignore=1; without it every
// macvlan would answer for every phone, with its own MAC), IPv6 is off
// (no router solicitations or DAD from a thousand interfaces), and the
// server's broadcast DHCP replies are dropped at the uplink's ingress
// after the phones' tap has seen them (phone/storm_dhcp.go).
func (n *Net) plugStormHost(h *Host) error {
	if err := ipIn(n.Switch, "link", "set", "dev", h.port, "type", "bridge_slave", "isolated", "on"); err != nil {
		return err
	}
	err := h.Do(func() error {
		for k, v := range map[string]string{
			"net/ipv4/conf/all/arp_ignore":       "1",
			"net/ipv4/conf/default/arp_ignore":   "1",
			"net/ipv4/conf/all/arp_announce":     "2",
			"net/ipv4/conf/default/arp_announce": "2",
			"net/ipv4/conf/all/rp_filter":        "0",
			"net/ipv4/conf/default/rp_filter":    "0",
			"net/ipv6/conf/all/disable_ipv6":     "1",
			"net/ipv6/conf/default/disable_ipv6": "1",
		} {
			if err := os.WriteFile("/proc/sys/"+k, []byte(v), 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", h.NS, err)
	}
	code, err := replyDropBytecode()
	if err != nil {
		return err
	}
	for _, args := range [][]string{
		{"-n", h.NS, "qdisc", "add", "dev", stormUplink, "clsact"},
		{"-n", h.NS, "filter", "add", "dev", stormUplink, "ingress", "protocol", "all", "pref", "1", "bpf", "da", "bytecode", code},
	} {
		if out, err := exec.Command("tc", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("tc %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
		}
	}
	return nil
}

// replyDropBytecode is a tc filter (classic BPF, direct action, seeing the
// frame from its Ethernet header) that drops unfragmented IPv4 UDP to
// port 68 and lets everything else pass, in tc's "N,op jt jf k,..." form.
func replyDropBytecode() (string, error) {
	const pass, shot = 0, 2 // TC_ACT_OK, TC_ACT_SHOT
	prog, err := bpf.Assemble([]bpf.Instruction{
		bpf.LoadAbsolute{Off: 12, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 0x0800, SkipTrue: 7},
		bpf.LoadAbsolute{Off: 23, Size: 1},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 17, SkipTrue: 5},
		bpf.LoadAbsolute{Off: 20, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x1fff, SkipTrue: 3},
		bpf.LoadMemShift{Off: 14},
		bpf.LoadIndirect{Off: 16, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 68, SkipTrue: 1},
		bpf.RetConstant{Val: pass},
		bpf.RetConstant{Val: shot},
	})
	if err != nil {
		return "", err
	}
	parts := []string{strconv.Itoa(len(prog))}
	for _, p := range prog {
		parts = append(parts, fmt.Sprintf("%d %d %d %d", p.Op, p.Jt, p.Jf, p.K))
	}
	return strings.Join(parts, ","), nil
}

// addMacvlans gives h one macvlan per MAC on its uplink, named ph0,
// ph1, ..., up, in one `ip -batch` (a process per interface would take
// seconds for a thousand).
func addMacvlans(h *Host, macs []string) ([]string, error) {
	var b strings.Builder
	names := make([]string, len(macs))
	for i, m := range macs {
		names[i] = fmt.Sprintf("ph%d", i)
		fmt.Fprintf(&b, "link add %s link %s address %s type macvlan mode private\nlink set %s up\n", names[i], stormUplink, m, names[i])
	}
	cmd := exec.Command("ip", "-n", h.NS, "-batch", "-")
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("adding %d macvlans in %s: %v: %s", len(macs), h.NS, err, bytes.TrimSpace(out))
	}
	return names, nil
}

// neighGC is the kernel's neighbour table bounds. The table and its
// bounds are one for all namespaces: a storm's N phones each hold an
// entry for the server, and the server one for each phone, so 2N entries
// beyond the machine's own. Past gc_thresh3 (1024 by default) the kernel
// refuses new entries and packets are dropped; the lab raises the bounds
// for the run and puts them back after.
type neighGC struct{ old [3]string }

var neighGCPath = [3]string{"gc_thresh1", "gc_thresh2", "gc_thresh3"}

func raiseNeighGC(phones int) (*neighGC, error) {
	want := [3]int{512, 2*phones + 1024, 4*phones + 2048}
	g := &neighGC{}
	for i, name := range neighGCPath {
		p := "/proc/sys/net/ipv4/neigh/default/" + name
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		g.old[i] = strings.TrimSpace(string(b))
		if cur, err := strconv.Atoi(g.old[i]); err == nil && cur >= want[i] {
			continue
		}
		if err := os.WriteFile(p, []byte(strconv.Itoa(want[i])), 0o644); err != nil {
			g.restore()
			return nil, fmt.Errorf("raising %s: %w", p, err)
		}
	}
	return g, nil
}

func (g *neighGC) restore() {
	for i := len(neighGCPath) - 1; i >= 0; i-- {
		if g.old[i] != "" {
			os.WriteFile("/proc/sys/net/ipv4/neigh/default/"+neighGCPath[i], []byte(g.old[i]), 0o644)
		}
	}
}
