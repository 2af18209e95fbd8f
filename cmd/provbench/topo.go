package main

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
)

// The LAN the benchmark builds: the server namespace holds provbox on
// serverIP and the peers (nginx, dnsmasq) on peerIP, on one veth; the
// client namespace holds one macvlan per phone on the other end, each
// with the phone's MAC and address, so every phone is a distinct source
// with its own neighbour entry on the server, as on a real LAN.
const (
	serverIP = "10.65.0.1"
	peerIP   = "10.65.0.2"
	lanBits  = 16
)

// phoneIP is the i-th phone's address: 10.65.1.1 and up (i < 250).
func phoneIP(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, 65, 1 + byte(i/250), 1 + byte(i%250)})
}

// topo is the two namespaces; remove deletes them, and with them every
// link inside.
type topo struct {
	srvNS, cliNS, srvIf, cliIf string
	phones                     []string // macvlan per phone, in cliNS
}

func newTopo(phones int) (*topo, error) {
	stem := fmt.Sprintf("pbn%d", os.Getpid()%100000)
	t := &topo{srvNS: stem + "s", cliNS: stem + "c", srvIf: stem + "a", cliIf: stem + "b"}
	steps := [][]string{
		{"netns", "add", t.srvNS}, {"netns", "add", t.cliNS},
		{"link", "add", t.srvIf, "netns", t.srvNS, "type", "veth", "peer", "name", t.cliIf, "netns", t.cliNS},
		{"-n", t.srvNS, "addr", "add", fmt.Sprintf("%s/%d", serverIP, lanBits), "dev", t.srvIf},
		{"-n", t.srvNS, "addr", "add", fmt.Sprintf("%s/%d", peerIP, lanBits), "dev", t.srvIf},
		{"-n", t.srvNS, "link", "set", t.srvIf, "up"}, {"-n", t.cliNS, "link", "set", t.cliIf, "up"},
		{"-n", t.srvNS, "link", "set", "lo", "up"}, {"-n", t.cliNS, "link", "set", "lo", "up"},
	}
	if err := t.run(steps); err != nil {
		t.remove()
		return nil, err
	}
	// One host with many interfaces on one LAN: each answers ARP only
	// for its own address, or the server would learn one phone's MAC
	// for another's address and the neighbour check would refuse; and no
	// reverse-path filter, as the answers to every phone come from the
	// same server, which the routing table reaches through the first
	// phone's interface. Set before the interfaces are made, so each
	// takes them from "default" (a new namespace inherits the host's).
	for _, kv := range []string{"net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2",
		"net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
		"net.ipv4.conf.default.arp_ignore=1", "net.ipv4.conf.default.arp_announce=2"} {
		if out, err := t.inClient("sysctl", "-qw", kv).CombinedOutput(); err != nil {
			t.remove()
			return nil, fmt.Errorf("sysctl %s: %v: %s", kv, err, out)
		}
	}
	steps = nil
	for i := range phones {
		name := fmt.Sprintf("pm%d", i)
		t.phones = append(t.phones, name)
		steps = append(steps,
			[]string{"-n", t.cliNS, "link", "add", "link", t.cliIf, "name", name, "address", phoneMAC(i).String(), "type", "macvlan", "mode", "bridge"},
			[]string{"-n", t.cliNS, "addr", "add", fmt.Sprintf("%s/%d", phoneIP(i), lanBits), "dev", name},
			[]string{"-n", t.cliNS, "link", "set", name, "up"})
	}
	if err := t.run(steps); err != nil {
		t.remove()
		return nil, err
	}
	return t, nil
}

func (t *topo) run(steps [][]string) error {
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(s, " "), err, out)
		}
	}
	return nil
}

func (t *topo) remove() {
	exec.Command("ip", "netns", "del", t.srvNS).Run()
	exec.Command("ip", "netns", "del", t.cliNS).Run()
}

func (t *topo) inServer(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", t.srvNS, name}, args...)...)
}

func (t *topo) inClient(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", t.cliNS, name}, args...)...)
}
