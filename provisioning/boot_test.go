package provisioning

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/provbox/provbox/provisioning/vendor"
)

// Test rules shaped like the shipped profiles' (provisioning/vendor/README.md): Yealink by OUI, Poly by its binary
// option 60 (PEN prefix) or "Polycom", Cisco MPP by "CP-" with option 150
// and a forced 160, Grandstream by prefix, Snom via option 43.
var testClasses = []BootClass{
	{Vendor: "yealink", Rule: vendor.DHCPRule{
		ClassPrefixes: []string{"yealink"},
		OUIs:          [][3]byte{{0x80, 0x5e, 0xc0}, {0x00, 0x15, 0x65}},
		Options:       []vendor.BootOption{{Code: 66, Form: vendor.FormURL}},
	}},
	{Vendor: "poly", Rule: vendor.DHCPRule{
		ClassPrefixes: []string{"\x00\x00\x36\x3d"},
		ClassContains: []string{"Polycom"},
		OUIs:          [][3]byte{{0x00, 0x04, 0xf2}},
		Options: []vendor.BootOption{
			{Code: 66, Form: vendor.FormURL},
			{Code: 160, Form: vendor.FormURL, Force: true},
		},
	}},
	{Vendor: "cisco-mpp", Rule: vendor.DHCPRule{
		ClassContains: []string{"-3PCC\x00", "ATA19"},
		Options: []vendor.BootOption{
			{Code: 150, Form: vendor.FormIPList, Force: true},
			{Code: 160, Form: vendor.FormURL, Value: "$PSN.xml", Force: true},
			{Code: 66, Form: vendor.FormHost},
		},
	}},
	{Vendor: "grandstream", Rule: vendor.DHCPRule{
		ClassPrefixes: []string{"Grandstream"},
		OUIs:          [][3]byte{{0x00, 0x0b, 0x82}},
		Options:       []vendor.BootOption{{Code: 66, Form: vendor.FormURL}},
	}},
	{Vendor: "snom", Rule: vendor.DHCPRule{
		ClassPrefixes: []string{"snom"},
		Options: []vendor.BootOption{
			{Code: 43, Form: vendor.FormVendorSub, SubCode: 66},
			{Code: 43, Form: vendor.FormVendorSub, SubCode: 67, Value: "x"},
			{Code: 67, Form: vendor.FormBootFile, Value: "snom.htm"},
		},
	}},
}

func mac(t *testing.T, s string) MAC {
	t.Helper()
	m, err := ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func opt(code uint8, v string) BootOption { return BootOption{Code: code, Value: []byte(v)} }

func TestBootReply(t *testing.T) {
	server := netip.MustParseAddr("10.0.0.1")
	http := BootConfig{Proto: "http", Host: "10.0.0.2"}
	tftp := BootConfig{Proto: "tftp", Host: "10.0.0.2"}
	named := BootConfig{Proto: "http", Host: "prov.example", HTTPPort: 8080}
	tests := []struct {
		name string
		cfg  BootConfig
		req  BootRequest
		want BootReply
	}{
		{"unknown client, http default", http, BootRequest{MAC: mac(t, "02:00:00:00:00:01")},
			BootReply{Options: []BootOption{opt(66, "http://10.0.0.2/")}}},
		{"unknown client, tftp default is the bare host", tftp, BootRequest{MAC: mac(t, "02:00:00:00:00:01")},
			BootReply{Options: []BootOption{opt(66, "10.0.0.2")}}},
		{"unknown client that did not ask for 66", http, BootRequest{MAC: mac(t, "02:00:00:00:00:01"), Requested: []uint8{1, 3, 6}},
			BootReply{}},
		{"no host configured: the server's address", BootConfig{}, BootRequest{MAC: mac(t, "02:00:00:00:00:01"), Server: server},
			BootReply{Options: []BootOption{opt(66, "http://10.0.0.1/")}}},
		{"no host at all: nothing", BootConfig{}, BootRequest{MAC: mac(t, "02:00:00:00:00:01")},
			BootReply{}},
		{"yealink by OUI", named, BootRequest{MAC: mac(t, "80:5e:c0:11:22:33")},
			BootReply{Vendor: "yealink", Options: []BootOption{opt(66, "http://prov.example:8080/")}}},
		{"yealink by option 60", http, BootRequest{MAC: mac(t, "02:00:00:00:00:01"), VendorClass: []byte("yealink")},
			BootReply{Vendor: "yealink", Options: []BootOption{opt(66, "http://10.0.0.2/")}}},
		{"poly binary option 60, 160 forced", http, BootRequest{MAC: mac(t, "02:00:00:00:00:01"),
			VendorClass: []byte("\x00\x00\x36\x3d\x20\x01\x07Polycom"), Requested: []uint8{1, 66}},
			BootReply{Vendor: "poly", Options: []BootOption{opt(66, "http://10.0.0.2/"), opt(160, "http://10.0.0.2/")}}},
		{"option 60 beats a conflicting OUI", http, BootRequest{MAC: mac(t, "80:5e:c0:11:22:33"), VendorClass: []byte("Grandstream GXP1405 dslforum.org")},
			BootReply{Vendor: "grandstream", Options: []BootOption{opt(66, "http://10.0.0.2/")}}},
		{"cisco mpp: 150 list, 160 URL with path, 66 host", tftp, BootRequest{MAC: mac(t, "d0:ec:35:00:00:01"),
			VendorClass: []byte("CP-8841-3PCC\x00")},
			BootReply{Vendor: "cisco-mpp", Options: []BootOption{opt(66, "10.0.0.2"), opt(150, "\x0a\x00\x00\x02"), opt(160, "tftp://10.0.0.2/$PSN.xml")}}},
		{"cisco mpp with a named host: 150 is the server's address", named, BootRequest{MAC: mac(t, "d0:ec:35:00:00:01"),
			VendorClass: []byte("CISCO ATA191-MPP"), Server: server, Requested: []uint8{150}},
			BootReply{Vendor: "cisco-mpp", Options: []BootOption{opt(150, "\x0a\x00\x00\x01"), opt(160, "http://prov.example:8080/$PSN.xml")}}},
		{"cisco mpp named host without server: no 150", named, BootRequest{MAC: mac(t, "d0:ec:35:00:00:01"),
			VendorClass: []byte("CISCO ATA191-MPP"), Requested: []uint8{150}},
			BootReply{Vendor: "cisco-mpp", Options: []BootOption{opt(160, "http://prov.example:8080/$PSN.xml")}}},
		{"snom: 43 sub-options merged, 67 boot file", http, BootRequest{MAC: mac(t, "00:04:13:00:00:01"), VendorClass: []byte("snomD785")},
			BootReply{Vendor: "snom", Options: []BootOption{
				opt(43, "\x42\x10http://10.0.0.2/\x43\x11http://10.0.0.2/x"), opt(67, "snom.htm")}}},
		{"tftp port in URLs", BootConfig{Proto: "tftp", Host: "10.0.0.2", TFTPPort: 1069}, BootRequest{VendorClass: []byte("yealink")},
			BootReply{Vendor: "yealink", Options: []BootOption{opt(66, "tftp://10.0.0.2:1069/")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bootReply(tt.cfg, testClasses, tt.req)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestBootOverrides checks that a TOML class wins over a registry rule and
// that Boot reads the configuration in force.
func TestBootOverrides(t *testing.T) {
	override := BootClass{Vendor: "yealink-custom", Rule: vendor.DHCPRule{
		OUIs:    [][3]byte{{0x80, 0x5e, 0xc0}},
		Options: []vendor.BootOption{{Code: 66, Form: vendor.FormHost, Force: true}},
	}}
	s := &Service{cfg: Config{Boot: BootConfig{Host: "10.9.9.9", Classes: []BootClass{override}}}}
	got := s.Boot(BootRequest{MAC: mac(t, "80:5e:c0:00:00:01"), Requested: []uint8{1}})
	want := BootReply{Vendor: "yealink-custom", Options: []BootOption{opt(66, "10.9.9.9")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := bootReply(BootConfig{Host: "h"}, append([]BootClass{override}, testClasses...), BootRequest{VendorClass: []byte("yealink")}); got.Vendor != "yealink" {
		t.Errorf("option 60 match should beat an override's OUI match, got %q", got.Vendor)
	}
}
