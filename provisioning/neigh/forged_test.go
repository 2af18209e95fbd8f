package neigh

import (
	"encoding/binary"
	"net"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

// Any local process may unicast to the table's netlink port. A forged
// RTM_NEWNEIGH giving a phone's address to a thief's MAC must be ignored:
// only datagrams from the kernel (port id 0) change the table.
func TestTableIgnoresForgedNotification(t *testing.T) {
	n, tab := phoneNS(t)
	var ifindex int
	var err error
	n.in(func() {
		var ifc *net.Interface
		if ifc, err = net.InterfaceByName("v0"); err == nil {
			ifindex = ifc.Index
		}
	})
	if err != nil {
		t.Fatalf("v0: %v", err)
	}
	phone := netip.MustParseAddr("192.0.2.50")
	if got := verdict(tab.Lookup(phone)); got != "80:5e:c0:11:22:33/true" {
		t.Fatalf("before: %s", got)
	}
	thief := []byte{0x02, 0xba, 0xd0, 0, 0, 1}
	for range 3 {
		n.in(func() { err = sendForged(tab.pid, ifindex, phone, thief) })
		if err != nil {
			t.Fatalf("sending the forged notification: %v", err)
		}
		if got := verdict(tab.Lookup(phone)); got != "80:5e:c0:11:22:33/true" {
			t.Fatalf("after a forged RTM_NEWNEIGH from a process: %s", got)
		}
	}
	if tab.reads != 1 {
		t.Errorf("the forged datagrams made %d full re-reads, want the first only", tab.reads)
	}
}

// sendForged sends, from a fresh netlink socket of the calling thread's
// namespace, an RTM_NEWNEIGH (ip on ifindex is at mac, permanent) to the
// netlink port pid.
func sendForged(pid uint32, ifindex int, ip netip.Addr, mac []byte) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ne := binary.NativeEndian
	nd := make([]byte, unix.SizeofNdMsg)
	nd[0] = unix.AF_INET
	ne.PutUint32(nd[4:], uint32(ifindex))
	ne.PutUint16(nd[8:], unix.NUD_PERMANENT)
	a4 := ip.As4()
	body := append(nd, rtattr(unix.NDA_DST, a4[:])...)
	body = append(body, rtattr(unix.NDA_LLADDR, mac)...)
	msg := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(body))
	ne.PutUint32(msg[0:], uint32(unix.SizeofNlMsghdr+len(body)))
	ne.PutUint16(msg[4:], unix.RTM_NEWNEIGH)
	msg = append(msg, body...)
	return unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: pid})
}

func rtattr(typ uint16, v []byte) []byte {
	b := make([]byte, align(unix.SizeofRtAttr+len(v)))
	binary.NativeEndian.PutUint16(b[0:], uint16(unix.SizeofRtAttr+len(v)))
	binary.NativeEndian.PutUint16(b[2:], typ)
	copy(b[unix.SizeofRtAttr:], v)
	return b
}
