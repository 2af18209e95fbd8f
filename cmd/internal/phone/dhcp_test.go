package phone

import (
	"net"
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	tests := []struct {
		vendor string
		opts   map[uint8]string
		want   Location
		proto  string
	}{
		{"yealink", map[uint8]string{66: "10.9.0.1"}, Location{66, "10.9.0.1", Target{Base: "tftp://10.9.0.1/"}}, "tftp"},
		{"yealink", map[uint8]string{66: "http://10.9.0.1:8080"}, Location{66, "http://10.9.0.1:8080", Target{Base: "http://10.9.0.1:8080/"}}, "http"},
		{"poly", map[uint8]string{66: "10.9.0.9", 160: "http://10.9.0.1/"}, Location{160, "http://10.9.0.1/", Target{Base: "http://10.9.0.1/"}}, "http"},
		{"poly", map[uint8]string{66: "http://10.9.0.1/000000000000.cfg"}, Location{66, "http://10.9.0.1/000000000000.cfg", Target{File: "http://10.9.0.1/000000000000.cfg"}}, "http"},
		{"cisco-spa", map[uint8]string{150: string(net.IPv4(10, 9, 0, 1).To4())}, Location{150, "10.9.0.1", Target{Base: "tftp://10.9.0.1/"}}, "tftp"},
		{"cisco-spa", map[uint8]string{66: "http://10.9.0.1/spa$PSN.cfg"}, Location{66, "http://10.9.0.1/spa$PSN.cfg", Target{File: "http://10.9.0.1/spa504G.cfg"}}, "http"},
		{"cisco-mpp", map[uint8]string{160: "tftp://10.9.0.1", 150: string(net.IPv4(10, 9, 0, 2).To4())}, Location{160, "tftp://10.9.0.1", Target{Base: "tftp://10.9.0.1/"}}, "tftp"},
		{"snom", map[uint8]string{66: "http://10.9.0.1", 67: "snom/{mac}.xml"}, Location{66, "http://10.9.0.1", Target{File: "http://10.9.0.1/snom/000413010001.xml"}}, "http"},
	}
	for _, tt := range tests {
		p, _ := Lookup(tt.vendor)
		l := &Lease{Options: map[uint8][]byte{}}
		for k, v := range tt.opts {
			l.Options[k] = []byte(v)
		}
		got, err := p.Locate(l, p.MAC(1, 1))
		if err != nil {
			t.Errorf("%s %v: %v", tt.vendor, tt.opts, err)
			continue
		}
		if got != tt.want || got.Proto() != tt.proto {
			t.Errorf("%s %v: %+v (%s), want %+v (%s)", tt.vendor, tt.opts, got, got.Proto(), tt.want, tt.proto)
		}
	}
}

func TestLocateErrors(t *testing.T) {
	tests := []struct {
		vendor string
		opts   map[uint8]string
		want   string
	}{
		{"yealink", map[uint8]string{150: "\x0a\x09\x00\x01"}, "none of options [66]"},
		{"cisco-spa", map[uint8]string{150: "\x0a\x09\x00"}, "not a list of IPv4"},
		{"yealink", map[uint8]string{66: "ftp://10.9.0.1/"}, "unsupported scheme"},
	}
	for _, tt := range tests {
		p, _ := Lookup(tt.vendor)
		l := &Lease{Options: map[uint8][]byte{}}
		for k, v := range tt.opts {
			l.Options[k] = []byte(v)
		}
		if _, err := p.Locate(l, p.MAC(1, 1)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err %v, want %q", tt.opts, err, tt.want)
		}
	}
}

func TestPolyClass(t *testing.T) {
	c := polyClass()
	if string(c[:4]) != "\x00\x00\x36\x3d" || int(c[4]) != len(c)-5 || !strings.Contains(string(c), "Polycom") {
		t.Errorf("class % x", c)
	}
}

func TestUAs(t *testing.T) {
	want := map[string]string{
		"yealink":     "Yealink SIP-T46S 66.86.0.15 80:5e:c0:01:00:01",
		"poly":        "FileTransport PolycomVVX-VVX_410-UA/5.9.5.0614 Type/Application",
		"grandstream": "Grandstream Model HW GRP2614 SW 1.0.5.15 DevId c074ad010001",
		"cisco-spa":   "Cisco/SPA504G-7.6.2 (503DE5010001)(CBT1234ABCD)",
		"cisco-mpp":   "Cisco-CP-8841-3PCC/12.0.1 (d0ec35010001)",
		"snom":        "Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413010001 SXM:0 UXM:0)",
		"fanvil":      "Fanvil X4U 2.12.10.1 0c383e010001",
		"htek":        "Htek UC926 2.0.4.2 00:1f:c1:01:00:01",
		"gigaset":     "Gigaset Maxwell 3/2.22.7;7C2F80010001",
		"panasonic":   "Panasonic_KX-HDV230/02.100 (0080f0010001)",
		// firmware generations: MACs one host byte up (Variant)
		"yealink-v80":   "Yealink SIP-T46G 28.80.0.95 80:5e:c0:02:00:01",
		"fanvil-legacy": "Fanvil X4 2.10.2.6887 0c383e020001",
		"poly-edge":     "FileTransport PolyEdge-Edge_E450-UA/8.0.0.15602 (SN:64167f020001) Type/Application",
	}
	if len(Names()) != len(want) {
		t.Fatalf("vendors %v", Names())
	}
	for v, ua := range want {
		p, _ := Lookup(v)
		if got := p.UA(p.MAC(1, 1)); got != ua {
			t.Errorf("%s: %q, want %q", v, got, ua)
		}
	}
}
