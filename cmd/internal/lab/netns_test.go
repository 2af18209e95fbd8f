package lab

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command (Debian package iproute2)")
	}
}

// Two hosts on the lab switch reach each other over TCP; the machine's
// own namespace never sees their interfaces, and Close removes it all.
func TestNetConnectsAndCleansUp(t *testing.T) {
	needRoot(t)
	n, err := NewNet()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	mac, _ := net.ParseMAC("80:5e:c0:aa:00:01")
	a, err := n.AddHost("a", mac)
	if err != nil {
		t.Fatal(err)
	}
	b, err := n.AddHost("b", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.MAC.String() != "80:5e:c0:aa:00:01" || len(b.MAC) != 6 {
		t.Fatalf("MACs %s %s", a.MAC, b.MAC)
	}
	if err := a.AddAddr("10.213.0.1/24"); err != nil {
		t.Fatal(err)
	}
	if err := b.AddAddr("10.213.0.2/24"); err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	if err := a.Do(func() (err error) { ln, err = net.Listen("tcp4", "10.213.0.1:0"); return }); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("hello from a\n"))
			c.Close()
		}
	}()
	var c net.Conn
	if err := b.Do(func() (err error) { c, err = net.DialTimeout("tcp4", ln.Addr().String(), 5*time.Second); return }); err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if err != nil || line != "hello from a\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	// Not reachable from the machine's own namespace.
	if _, err := net.InterfaceByName(b.port); err == nil {
		t.Errorf("switch port %s visible in the root namespace", b.port)
	}
	ns, _ := n.Namespaces()
	if len(ns) != 3 {
		t.Errorf("namespaces %v, want switch + 2 hosts", ns)
	}
	if err := n.RemoveHost(a); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if ns, _ := n.Namespaces(); len(ns) != 0 {
		t.Errorf("left behind %v", ns)
	}
}
