package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"

	"github.com/provbox/provbox/provisioning/setting"
)

// environmentNotes are what provbox check finds about this machine rather
// than the file: the state directory, interfaces that do not exist,
// an advertise address that is not the machine's, and listeners that
// cannot bind. They are warnings, not errors: an interface or address
// may appear later (a VLAN brought up after boot), and check may run on
// another machine or without the daemon's privileges. A listener is
// bound and closed at once; nothing is left behind.
func environmentNotes(cfg *fileConfig) []string {
	notes := stateDirNotes(cfg)
	notes = append(notes, interfaceNotes(cfg)...)
	notes = append(notes, advertiseNotes(cfg)...)
	return append(notes, listenerNotes(cfg)...)
}

func interfaceNotes(cfg *fileConfig) []string {
	if !cfg.DHCP.Enabled {
		return nil
	}
	var out []string
	for i, name := range cfg.DHCP.Interfaces {
		if _, err := net.InterfaceByName(name); err != nil {
			out = append(out, fmt.Sprintf("dhcp.interfaces[%d]: no interface %q on this machine (have: %s); serve will not start until it exists",
				i, name, interfaceList()))
		}
	}
	return out
}

// interfaceList names this machine's interfaces, for the message.
func interfaceList() string {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		return "none"
	}
	s := ""
	for i, ifc := range ifs {
		if i > 0 {
			s += ", "
		}
		s += ifc.Name
	}
	return s
}

func advertiseNotes(cfg *fileConfig) []string {
	a := cfg.Server.Advertise
	if !a.IsValid() || isLocalAddr(a) {
		return nil
	}
	return []string{fmt.Sprintf("server.advertise: %s is not an address of this machine: phones sent there will not reach provbox", a)}
}

// isLocalAddr reports whether a is assigned to one of this machine's interfaces.
func isLocalAddr(a netip.Addr) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return true // cannot tell: say nothing
	}
	for _, ad := range addrs {
		if ipn, ok := ad.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(ipn.IP); ok && ip.Unmap() == a.Unmap() {
				return true
			}
		}
	}
	return false
}

// listener is one socket serve binds.
type listener struct {
	key, network string
	addr         setting.HostPort
}

func (c *fileConfig) listeners() []listener {
	var ls []listener
	if c.TFTP.Enabled && c.TFTP.Addr != "" {
		ls = append(ls, listener{"tftp.listen", "udp", c.TFTP.Addr})
	}
	if c.HTTP.Addr != "" {
		ls = append(ls, listener{"http.listen", "tcp", c.HTTP.Addr})
	}
	if c.HTTP.TLSAddr != "" {
		ls = append(ls, listener{"http.tls_listen", "tcp", c.HTTP.TLSAddr})
	}
	if c.Admin.Addr != "" {
		ls = append(ls, listener{"admin.web_listen", "tcp", c.Admin.Addr})
	}
	return ls
}

func listenerNotes(cfg *fileConfig) []string {
	var out []string
	for _, l := range cfg.listeners() {
		if msg := tryBind(l); msg != "" {
			out = append(out, fmt.Sprintf("%s: %s", l.key, msg))
		}
	}
	return out
}

// tryBind binds and closes at once; it returns why the bind failed, or "".
func tryBind(l listener) string {
	var err error
	if l.network == "udp" {
		var c net.PacketConn
		if c, err = net.ListenPacket(l.network, string(l.addr)); err == nil {
			c.Close()
		}
	} else {
		var ln net.Listener
		if ln, err = net.Listen(l.network, string(l.addr)); err == nil {
			ln.Close()
		}
	}
	switch {
	case err == nil:
		return ""
	case errors.Is(err, syscall.EACCES) && os.Geteuid() != 0:
		return fmt.Sprintf("not verified: %s needs privilege to bind (the daemon has CAP_NET_BIND_SERVICE)", l.addr)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Sprintf("%s is in use by another program (or a running provbox); serve cannot bind it", l.addr)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Sprintf("%s: the address is not this machine's; serve cannot bind it until it is", l.addr)
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		err = se.Err
	}
	return fmt.Sprintf("cannot bind %s: %v", l.addr, err)
}
