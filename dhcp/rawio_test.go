package dhcp

import (
	"bytes"
	"errors"
	"net"
	"testing"
	"time"

	"golang.org/x/net/ipv4"
)

// TestRawConnRoundTrip drives the raw recvmmsg and sendmsg of the DHCP
// socket over loopback: datagrams read in batches with their source and
// packet info, replies sent with and without an outgoing interface, and
// a clear error once the socket is closed.
func TestRawConnRoundTrip(t *testing.T) {
	srv, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	pc := newConn(srv)
	if pc.raw == nil {
		t.Fatal("no raw conn for a UDP socket")
	}
	if err := pc.SetControlMessage(ipv4.FlagInterface|ipv4.FlagDst, true); err != nil {
		t.Fatal(err)
	}
	cli, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{[]byte("one"), []byte("two two"), []byte("three three three")}
	for _, p := range want {
		if _, err := cli.WriteToUDP(p, srv.LocalAddr().(*net.UDPAddr)); err != nil {
			t.Fatal(err)
		}
	}
	r := newBatchReader(pc)
	srv.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got int
	for got < len(want) {
		n, err := r.read()
		if err != nil {
			t.Fatalf("after %d datagrams: %v", got, err)
		}
		for i := range n {
			b, cm, peer := r.packet(i)
			if !bytes.Equal(b, want[got]) {
				t.Fatalf("datagram %d: %q, want %q", got, b, want[got])
			}
			if peer.String() != cli.LocalAddr().String() {
				t.Fatalf("datagram %d from %v, want %v", got, peer, cli.LocalAddr())
			}
			if cm == nil || cm.IfIndex != lo.Index || !cm.Dst.Equal(net.IPv4(127, 0, 0, 1)) {
				t.Fatalf("datagram %d: packet info %+v, want interface %d and destination 127.0.0.1", got, cm, lo.Index)
			}
			got++
		}
	}
	for _, cm := range []*ipv4.ControlMessage{nil, {IfIndex: lo.Index}} {
		if err := pc.writeTo([]byte("reply"), cm, peerOf(cli)); err != nil {
			t.Fatalf("send with %+v: %v", cm, err)
		}
		buf := make([]byte, 64)
		cli.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, from, err := cli.ReadFromUDP(buf)
		if err != nil || string(buf[:n]) != "reply" || from.String() != srv.LocalAddr().String() {
			t.Fatalf("reply with %+v: %q from %v, %v", cm, buf[:n], from, err)
		}
	}
	srv.Close()
	if err := pc.writeTo([]byte("late"), nil, peerOf(cli)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("send on a closed socket: %v, want %v", err, net.ErrClosed)
	}
	if _, err := r.read(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("read on a closed socket: %v, want %v", err, net.ErrClosed)
	}
}

func peerOf(c *net.UDPConn) *net.UDPAddr { return c.LocalAddr().(*net.UDPAddr) }
