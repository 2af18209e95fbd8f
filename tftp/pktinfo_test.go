package tftp

import (
	"net"
	"testing"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// TestReadPktInfo: readPktInfo finds what x/net's control message parser
// finds, for a datagram over a real socket: to 127.0.0.2 on an IPv4
// socket, to ::1 on an IPv6 one, and to 127.0.0.2 on a dual-stack one
// (IPV6_PKTINFO with an IPv4-mapped address).
func TestReadPktInfo(t *testing.T) {
	for _, tc := range []struct{ listen, to string }{
		{"0.0.0.0:0", "127.0.0.2"},
		{"[::]:0", "::1"},
		{"[::]:0", "127.0.0.2"},
	} {
		t.Run(tc.listen+"→"+tc.to, func(t *testing.T) {
			uc := listenUDP(t, tc.listen)
			v4 := tc.listen == "0.0.0.0:0"
			if v4 {
				if err := ipv4.NewPacketConn(uc).SetControlMessage(ipv4.FlagDst|ipv4.FlagInterface, true); err != nil {
					t.Fatal(err)
				}
			} else if err := ipv6.NewPacketConn(uc).SetControlMessage(ipv6.FlagDst|ipv6.FlagInterface, true); err != nil {
				t.Fatal(err)
			}
			port := uc.LocalAddr().(*net.UDPAddr).Port
			c, err := net.DialUDP("udp", nil, &net.UDPAddr{IP: net.ParseIP(tc.to), Port: port})
			if err != nil {
				t.Skipf("no route to %s: %v", tc.to, err)
			}
			defer c.Close()
			if _, err := c.Write([]byte("hello")); err != nil {
				t.Fatal(err)
			}
			b := make([]byte, 16)
			n, src, dst, ifindex, err := readPktInfo(uc, b)
			if err != nil || string(b[:n]) != "hello" {
				t.Fatalf("read %q, %v", b[:n], err)
			}
			if !src.IP.Equal(c.LocalAddr().(*net.UDPAddr).IP) || src.Port != c.LocalAddr().(*net.UDPAddr).Port {
				t.Errorf("source %v, want %v", src, c.LocalAddr())
			}
			if !dst.Equal(net.ParseIP(tc.to)) {
				t.Errorf("destination %v, want %s", dst, tc.to)
			}
			if lo, err := net.InterfaceByName("lo"); err == nil && ifindex != lo.Index {
				t.Errorf("interface %d, want lo (%d)", ifindex, lo.Index)
			}
		})
	}
}

// TestParsePktInfoMalformed: truncated or inconsistent control data
// yields no packet info, never a panic or an out-of-range read.
func TestParsePktInfoMalformed(t *testing.T) {
	good := (&ipv6.ControlMessage{Src: net.ParseIP("fe80::1"), IfIndex: 7}).Marshal() // IPV6_PKTINFO
	if dst, ifindex := parsePktInfo(good); !dst.Equal(net.ParseIP("fe80::1")) || ifindex != 7 {
		t.Fatalf("well-formed: %v %d", dst, ifindex)
	}
	for i := range unix.CmsgLen(unix.SizeofInet6Pktinfo) { // the padding after it may go
		if dst, ifindex := parsePktInfo(good[:i]); dst != nil || ifindex != 0 {
			t.Errorf("truncated to %d bytes: %v %d", i, dst, ifindex)
		}
	}
	bad := append([]byte(nil), good...)
	bad[0] = 3 // a length shorter than the header
	if dst, _ := parsePktInfo(bad); dst != nil {
		t.Errorf("short length: %v", dst)
	}
	bad[0] = 0xff // a length beyond the buffer
	if dst, _ := parsePktInfo(bad); dst != nil {
		t.Errorf("long length: %v", dst)
	}
}

func listenUDP(t *testing.T, addr string) *net.UDPConn {
	t.Helper()
	a, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	uc, err := net.ListenUDP("udp", a)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	t.Cleanup(func() { uc.Close() })
	return uc
}
