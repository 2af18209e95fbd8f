package phone

import (
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/net/bpf"
)

// udp4 is an IPv4 packet (IHL 5, or 6 with an option) carrying UDP to
// dport; frag sets a fragment offset.
func udp4(dport uint16, options, frag bool) []byte {
	ihl := 20
	if options {
		ihl = 24
	}
	p := make([]byte, ihl+8+240)
	p[0] = 0x40 | byte(ihl/4)
	p[9] = 17
	if frag {
		p[7] = 1
	}
	p[ihl+2], p[ihl+3] = byte(dport>>8), byte(dport)
	return p
}

// The tap's filter takes DHCP replies (UDP to port 68), IP options or
// not, and nothing else: not requests, not fragments, not TCP.
func TestReplyFilter(t *testing.T) {
	vm, err := bpf.NewVM(replyFilter)
	if err != nil {
		t.Fatal(err)
	}
	tcp := udp4(68, false, false)
	tcp[9] = 6
	for _, tc := range []struct {
		name string
		pkt  []byte
		want bool
	}{
		{"reply", udp4(dhcpv4.ClientPort, false, false), true},
		{"reply with IP options", udp4(dhcpv4.ClientPort, true, false), true},
		{"request", udp4(dhcpv4.ServerPort, false, false), false},
		{"fragment", udp4(dhcpv4.ClientPort, false, true), false},
		{"tcp", tcp, false},
	} {
		n, err := vm.Run(tc.pkt)
		if err != nil || (n > 0) != tc.want {
			t.Errorf("%s: accepted %d bytes (%v), want %v", tc.name, n, err, tc.want)
		}
	}
}

// A failed journey names the step it stopped at.
func TestFailedStep(t *testing.T) {
	for _, tc := range []struct {
		j    Journey
		want string
	}{
		{Journey{Err: "DORA on ph0: no OFFER"}, "dhcp"},
		{Journey{IP: "10.0.0.5", Err: "bootstrap answered none of the phone's files"}, "bootstrap"},
		{Journey{IP: "10.0.0.5", Err: "redirect: bad URL"}, "redirect"},
		{Journey{IP: "10.0.0.5", SecretURL: "http://x/s/", Err: "redirect in a leaves DHCP-option provisioning on"}, "redirect"},
		{Journey{IP: "10.0.0.5", SecretURL: "http://x/s/", Err: "secret URL http://x/s/: no SIP credentials in 0 file(s) served"}, "config"},
	} {
		if got := failedStep(&tc.j); got != tc.want {
			t.Errorf("%q: step %q, want %q", tc.j.Err, got, tc.want)
		}
	}
}

// The DHCP packets a storm phone sends carry valid IPv4 and UDP checksums
// (a packet whose checksums add up folds to zero).
func TestChecksum(t *testing.T) {
	hdr := []byte{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7}
	cs := checksum(hdr, 0)
	hdr[10], hdr[11] = byte(cs>>8), byte(cs)
	if cs != 0xb861 || checksum(hdr, 0) != 0 {
		t.Fatalf("checksum %#x (RFC 1071 example header: want 0xb861), refold %#x", cs, checksum(hdr, 0))
	}
}
