package neigh

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

var (
	macA = []byte{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	macB = []byte{0x02, 0, 0, 0, 0, 0x66}
)

func a(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestLookupEntries(t *testing.T) {
	entries := []entry{
		{a("192.0.2.50"), 2, macA},
		{a("fe80::5"), 2, macA},
		{a("fe80::5"), 3, macB},
		{a("fe80::7"), 2, macA},
		{a("fe80::7"), 3, macB},
		{a("2001:db8::9"), 2, []byte{1, 2, 3}}, // not Ethernet
	}
	onLink := func(ip netip.Addr, ifindex int) bool { return ip.IsLinkLocalUnicast() || ip == a("192.0.2.60") }
	cases := []struct {
		ip      string
		ifindex int
		mac     []byte
		ok      bool
	}{
		{"192.0.2.50", 0, macA, true},
		{"fe80::5", 2, macA, true},
		{"fe80::5", 3, macB, true},
		{"fe80::5", 4, nil, true},    // link-local on another link: on-link, no entry
		{"fe80::7", 0, nil, true},    // no zone, entries disagree
		{"192.0.2.60", 0, nil, true}, // on-link, no entry
		{"2001:db8::9", 0, nil, true},
		{"198.51.100.1", 0, nil, false},
	}
	for _, c := range cases {
		m, ok := lookup(a(c.ip), c.ifindex, entries, onLink)
		var want [6]byte
		copy(want[:], c.mac)
		if m != want || ok != c.ok {
			t.Errorf("lookup(%s, %d) = %x, %v; want %x, %v", c.ip, c.ifindex, m, ok, want, c.ok)
		}
	}
}

func TestOnLinkOf(t *testing.T) {
	up := uint32(unix.IFF_UP)
	ls := []link{
		{2, "eth0", up, []netip.Prefix{netip.MustParsePrefix("10.20.0.2/24"), netip.MustParsePrefix("2001:db8:1::1/64")}},
		{3, "eth1", up, nil},
		{4, "eth2", 0, []netip.Prefix{netip.MustParsePrefix("10.30.0.2/24")}},                         // down
		{5, "ppp0", up | unix.IFF_POINTOPOINT, []netip.Prefix{netip.MustParsePrefix("10.40.0.2/24")}}, // no ARP
		{1, "lo", up | unix.IFF_LOOPBACK, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8")}},
	}
	for _, c := range []struct {
		ip      string
		ifindex int
		want    bool
	}{
		{"10.20.0.50", 0, true}, {"10.20.0.2", 0, false}, {"10.21.0.50", 0, false},
		{"2001:db8:1::66", 0, true}, {"2001:db8:1::66", 3, false}, {"2001:db8:2::1", 0, false},
		{"fe80::1", 3, true}, {"fe80::1", 9, false}, {"127.0.0.1", 0, false}, {"127.0.0.2", 0, false},
		{"10.30.0.5", 0, false}, {"10.40.0.5", 0, false}, {"fe80::1", 4, false}, {"fe80::1", 1, false},
	} {
		if got := onLinkOf(a(c.ip), c.ifindex, ls); got != c.want {
			t.Errorf("onLinkOf(%s, %d) = %v, want %v", c.ip, c.ifindex, got, c.want)
		}
	}
	for zone, want := range map[string]int{"eth1": 3, "7": 7, "nope": 0, "": 0, "99999999999": 0} {
		if got := indexOf(zone, ls); got != want {
			t.Errorf("indexOf(%q) = %d, want %d", zone, got, want)
		}
	}
}

// message builds one RTM_NEWNEIGH as the kernel sends it.
func message(seq uint32, family byte, ifindex int, state uint16, dst, lladdr []byte) []byte {
	ne := binary.NativeEndian
	body := make([]byte, unix.SizeofNdMsg)
	body[0] = family
	ne.PutUint32(body[4:], uint32(ifindex))
	ne.PutUint16(body[8:], state)
	for _, at := range []struct {
		typ uint16
		v   []byte
	}{{unix.NDA_DST, dst}, {unix.NDA_LLADDR, lladdr}} {
		if at.v == nil {
			continue
		}
		rta := make([]byte, align(unix.SizeofRtAttr+len(at.v)))
		ne.PutUint16(rta[0:], uint16(unix.SizeofRtAttr+len(at.v)))
		ne.PutUint16(rta[2:], at.typ)
		copy(rta[unix.SizeofRtAttr:], at.v)
		body = append(body, rta...)
	}
	return header(seq, unix.RTM_NEWNEIGH, body)
}

func header(seq uint32, typ uint16, body []byte) []byte {
	ne := binary.NativeEndian
	h := make([]byte, unix.NLMSG_HDRLEN, unix.NLMSG_HDRLEN+len(body))
	ne.PutUint32(h[0:], uint32(unix.NLMSG_HDRLEN+len(body)))
	ne.PutUint16(h[4:], typ)
	ne.PutUint32(h[8:], seq)
	return append(h, body...)
}

func TestParse(t *testing.T) {
	v4 := a("192.0.2.50").AsSlice()
	v6 := a("fe80::5").AsSlice()
	var b []byte
	b = append(b, message(1, unix.AF_INET, 2, unix.NUD_REACHABLE, v4, macA)...)
	b = append(b, message(1, unix.AF_INET6, 3, unix.NUD_STALE, v6, macB)...)
	b = append(b, message(1, unix.AF_INET, 2, unix.NUD_INCOMPLETE, a("192.0.2.60").AsSlice(), nil)...)
	b = append(b, message(1, unix.AF_INET, 2, unix.NUD_FAILED, a("192.0.2.61").AsSlice(), macA)...)
	b = append(b, message(1, unix.AF_INET6, 2, unix.NUD_NOARP, a("ff02::1").AsSlice(), macA)...)
	b = append(b, message(1, unix.AF_INET, 2, unix.NUD_PERMANENT, v6, macA)...) // family and address disagree
	b = append(b, message(7, unix.AF_INET, 2, unix.NUD_PERMANENT, v4, macB)...) // another dump's
	var out []entry
	collect := func(typ uint16, body []byte) {
		if e, ok := parseNeigh(body); ok && typ == unix.RTM_NEWNEIGH {
			out = append(out, e)
		}
	}
	done, err := parse(b, 1, collect)
	if err != nil || done {
		t.Fatalf("parse: done=%v err=%v", done, err)
	}
	if len(out) != 2 || out[0].ip != a("192.0.2.50") || out[0].ifindex != 2 || string(out[0].mac) != string(macA) ||
		out[1].ip != a("fe80::5") || out[1].ifindex != 3 || string(out[1].mac) != string(macB) {
		t.Fatalf("entries = %+v", out)
	}
	if done, err := parse(header(1, unix.NLMSG_DONE, make([]byte, 4)), 1, collect); !done || err != nil {
		t.Fatalf("NLMSG_DONE: done=%v err=%v", done, err)
	}
	errMsg := make([]byte, 4)
	binary.NativeEndian.PutUint32(errMsg, uint32(0xffffffff&-int64(unix.EPERM)))
	if _, err := parse(header(1, unix.NLMSG_ERROR, errMsg), 1, collect); err == nil {
		t.Fatal("NLMSG_ERROR with EPERM parsed as success")
	}
	if _, err := parse(b[:10+unix.NLMSG_HDRLEN], 1, collect); err == nil {
		t.Fatal("a truncated message parsed")
	}
}

// The loopback requester is never judged: the neighbour table says
// nothing about it (fail closed then needs unverified_networks).
func TestLookupLoopback(t *testing.T) {
	for _, ip := range []string{"127.0.0.1", "::1", "::ffff:127.0.0.1"} {
		if _, ok := Lookup(a(ip)); ok {
			t.Errorf("Lookup(%s) judged a loopback requester", ip)
		}
	}
}
