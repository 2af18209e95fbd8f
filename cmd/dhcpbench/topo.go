package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// topo is the server and client namespaces joined by a veth pair.
type topo struct {
	srvNS, cliNS, srvIf, cliIf string
}

func newTopo() (*topo, error) {
	stem := fmt.Sprintf("dhb%d", os.Getpid()%100000)
	t := &topo{srvNS: stem + "s", cliNS: stem + "c", srvIf: stem + "a", cliIf: stem + "b"}
	steps := [][]string{
		{"netns", "add", t.srvNS}, {"netns", "add", t.cliNS},
		{"link", "add", t.srvIf, "netns", t.srvNS, "type", "veth", "peer", "name", t.cliIf, "netns", t.cliNS},
		{"-n", t.srvNS, "addr", "add", serverIP + "/16", "dev", t.srvIf},
		{"-n", t.cliNS, "addr", "add", clientIP + "/16", "dev", t.cliIf},
		{"-n", t.srvNS, "link", "set", t.srvIf, "up"}, {"-n", t.cliNS, "link", "set", t.cliIf, "up"},
		{"-n", t.srvNS, "link", "set", "lo", "up"}, {"-n", t.cliNS, "link", "set", "lo", "up"},
	}
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			t.remove()
			return nil, fmt.Errorf("ip %s: %v: %s", strings.Join(s, " "), err, out)
		}
	}
	return t, nil
}

// remove deletes both namespaces, and with them the veth pair.
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
