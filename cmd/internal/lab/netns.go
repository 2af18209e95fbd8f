package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Net is one lab network: a switch namespace with a bridge, and hosts
// attached to it.
type Net struct {
	ID     string // random, part of every name
	Switch string // the switch namespace
	mu     sync.Mutex
	hosts  []*Host
	ports  int
	closed bool
}

// Host is one namespace plugged into the switch by a veth pair whose
// host end is Iface.
type Host struct {
	Name  string
	NS    string
	Iface string
	MAC   net.HardwareAddr
	port  string // the veth end in the switch namespace
}

// NewNet creates the switch namespace and its bridge. The caller must
// Close the Net, which removes everything it created.
func NewNet() (*Net, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("the lab needs root (network namespaces)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return nil, errors.New("the lab needs the ip command (Debian package iproute2)")
	}
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	n := &Net{ID: hex.EncodeToString(b)}
	n.Switch = n.nsName("sw")
	if err := ip("netns", "add", n.Switch); err != nil {
		return nil, err
	}
	for _, args := range [][]string{
		{"link", "set", "lo", "up"},
		{"link", "add", "br0", "type", "bridge"},
		{"link", "set", "br0", "up"},
	} {
		if err := ipIn(n.Switch, args...); err != nil {
			n.Close()
			return nil, err
		}
	}
	return n, nil
}

// nsName is a namespace name unique to this run.
func (n *Net) nsName(role string) string { return "pblab-" + n.ID + "-" + role }

// AddHost creates namespace name with interface eth0 (MAC mac, or a
// random one when nil) plugged into the bridge, both ends up.
func (n *Net) AddHost(name string, mac net.HardwareAddr) (*Host, error) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil, errors.New("lab network closed")
	}
	n.ports++
	h := &Host{Name: name, NS: n.nsName(name), Iface: "eth0", MAC: mac, port: fmt.Sprintf("p%d", n.ports)}
	n.hosts = append(n.hosts, h)
	n.mu.Unlock()
	if err := ip("netns", "add", h.NS); err != nil {
		return nil, err
	}
	add := []string{"link", "add", h.Iface}
	if mac != nil {
		add = append(add, "address", mac.String())
	}
	add = append(add, "netns", h.NS, "type", "veth", "peer", "name", h.port, "netns", n.Switch)
	steps := [][]string{
		add,
		{"-n", n.Switch, "link", "set", h.port, "master", "br0"},
		{"-n", n.Switch, "link", "set", h.port, "up"},
		{"-n", h.NS, "link", "set", "lo", "up"},
		{"-n", h.NS, "link", "set", h.Iface, "up"},
	}
	for _, s := range steps {
		if err := ip(s...); err != nil {
			return nil, err
		}
	}
	if mac == nil {
		ifc, err := h.iface()
		if err != nil {
			return nil, err
		}
		h.MAC = ifc
	}
	return h, nil
}

func (h *Host) iface() (net.HardwareAddr, error) {
	var mac net.HardwareAddr
	err := h.Do(func() error {
		i, err := net.InterfaceByName(h.Iface)
		if err == nil {
			mac = i.HardwareAddr
		}
		return err
	})
	return mac, err
}

// RemoveHost unplugs and deletes a host (its processes must be gone).
func (n *Net) RemoveHost(h *Host) error {
	n.mu.Lock()
	for i, x := range n.hosts {
		if x == h {
			n.hosts = append(n.hosts[:i], n.hosts[i+1:]...)
			break
		}
	}
	n.mu.Unlock()
	return ip("netns", "del", h.NS)
}

// Close deletes every namespace of the run (which deletes their veths and
// the bridge). It is safe to call twice.
func (n *Net) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil
	}
	n.closed = true
	var errs []error
	for i := len(n.hosts) - 1; i >= 0; i-- {
		if err := ip("netns", "del", n.hosts[i].NS); err != nil && !strings.Contains(err.Error(), "No such file") {
			errs = append(errs, err)
		}
	}
	if err := ip("netns", "del", n.Switch); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Namespaces lists this run's namespaces that exist on the machine.
func (n *Net) Namespaces() ([]string, error) {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return nil, err
	}
	var ns []string
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], "pblab-"+n.ID+"-") {
			ns = append(ns, f[0])
		}
	}
	return ns, nil
}

// AddAddr puts a static address (CIDR) on the host's interface.
func (h *Host) AddAddr(cidr string) error { return ip("-n", h.NS, "addr", "add", cidr, "dev", h.Iface) }

// Command prepares a command run inside the host's namespace.
func (h *Host) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", h.NS, name}, args...)...)
}

// Do runs fn on an OS thread switched into the host's namespace; sockets
// fn opens stay in that namespace after it returns.
func (h *Host) Do(fn func() error) error {
	target, err := os.Open("/run/netns/" + h.NS)
	if err != nil {
		return err
	}
	defer target.Close()
	runtime.LockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer self.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("entering %s: %w", h.NS, err)
	}
	ferr := fn()
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// The thread stays locked and dies with this goroutine.
		return errors.Join(ferr, fmt.Errorf("leaving %s: %w", h.NS, err))
	}
	runtime.UnlockOSThread()
	return ferr
}

func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func ipIn(ns string, args ...string) error { return ip(append([]string{"-n", ns}, args...)...) }
