package dhcp

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
)

// planClasses are vendor rules shaped like the built-in ones: Yealink by
// OUI, Poly by its binary option 60 (PEN prefix) or "Polycom", Cisco MPP
// by "-3PCC" with option 150 and a forced 160, Grandstream by prefix,
// Snom via option 43.
var planClasses = []provisioning.BootClass{
	{Vendor: "yealink", DHCPRule: profile.DHCPRule{
		ClassPrefixes: []string{"yealink"},
		OUIs:          []profile.OUI{{0x80, 0x5e, 0xc0}, {0x00, 0x15, 0x65}},
		Options:       []profile.BootOption{{Code: 66, Form: profile.FormURL}},
	}},
	{Vendor: "poly", DHCPRule: profile.DHCPRule{
		ClassPrefixes: []string{"\x00\x00\x36\x3d"},
		ClassContains: []string{"Polycom"},
		OUIs:          []profile.OUI{{0x00, 0x04, 0xf2}},
		Options: []profile.BootOption{
			{Code: 66, Form: profile.FormURL},
			{Code: 160, Form: profile.FormURL, Force: true},
		},
	}},
	{Vendor: "cisco-mpp", DHCPRule: profile.DHCPRule{
		ClassContains: []string{"-3PCC\x00", "ATA19"},
		Options: []profile.BootOption{
			{Code: 150, Form: profile.FormIPList, Force: true},
			{Code: 160, Form: profile.FormURL, Value: "$PSN.xml", Force: true},
			{Code: 66, Form: profile.FormHost},
		},
	}},
	{Vendor: "grandstream", DHCPRule: profile.DHCPRule{
		ClassPrefixes: []string{"Grandstream"},
		OUIs:          []profile.OUI{{0x00, 0x0b, 0x82}},
		Options:       []profile.BootOption{{Code: 66, Form: profile.FormURL}},
	}},
	{Vendor: "snom", DHCPRule: profile.DHCPRule{
		ClassPrefixes: []string{"snom"},
		Options: []profile.BootOption{
			{Code: 43, Form: profile.FormVendorSub, SubCode: 66},
			{Code: 43, Form: profile.FormVendorSub, SubCode: 67, Value: "x"},
			{Code: 67, Form: profile.FormBootFile, Value: "snom.htm"},
		},
	}},
}

func opt(code uint8, v string) bootOption { return bootOption{code: code, value: []byte(v)} }

// TestBootOptions drives the core's boot plan (vendor matching, location)
// through the encoding: option 55 filtering, forced options, option 150
// address lists, option 43 sub-options, ports and paths in URLs.
func TestBootOptions(t *testing.T) {
	server := netip.MustParseAddr("10.0.0.1")
	http := provisioning.BootConfig{Proto: "http", Host: "10.0.0.2"}
	tftp := provisioning.BootConfig{Proto: "tftp", Host: "10.0.0.2"}
	named := provisioning.BootConfig{Proto: "http", Host: "prov.example", HTTPPort: 8080}
	tests := []struct {
		name      string
		cfg       provisioning.BootConfig
		req       provisioning.BootRequest
		requested []uint8
		want      []bootOption
	}{
		{"unknown client, http default", http, provisioning.BootRequest{MAC: mac(t, "02:00:00:00:00:01")}, nil,
			[]bootOption{opt(66, "http://10.0.0.2/")}},
		{"unknown client, tftp default is the bare host", tftp, provisioning.BootRequest{MAC: mac(t, "02:00:00:00:00:01")}, nil,
			[]bootOption{opt(66, "10.0.0.2")}},
		{"unknown client that did not ask for 66", http, provisioning.BootRequest{MAC: mac(t, "02:00:00:00:00:01")}, []uint8{1, 3, 6},
			nil},
		{"no host configured: the server's address", provisioning.BootConfig{}, provisioning.BootRequest{MAC: mac(t, "02:00:00:00:00:01"), Server: server}, nil,
			[]bootOption{opt(66, "http://10.0.0.1/")}},
		{"no host at all: nothing", provisioning.BootConfig{}, provisioning.BootRequest{MAC: mac(t, "02:00:00:00:00:01")}, nil,
			nil},
		{"yealink by OUI", named, provisioning.BootRequest{MAC: mac(t, "80:5e:c0:11:22:33")}, nil,
			[]bootOption{opt(66, "http://prov.example:8080/")}},
		{"yealink by option 60", http, provisioning.BootRequest{MAC: mac(t, "02:00:00:00:00:01"), VendorClass: []byte("yealink")}, nil,
			[]bootOption{opt(66, "http://10.0.0.2/")}},
		{"poly binary option 60, 160 forced", http, provisioning.BootRequest{MAC: mac(t, "02:00:00:00:00:01"),
			VendorClass: []byte("\x00\x00\x36\x3d\x20\x01\x07Polycom")}, []uint8{1, 66},
			[]bootOption{opt(66, "http://10.0.0.2/"), opt(160, "http://10.0.0.2/")}},
		{"option 60 beats a conflicting OUI", http, provisioning.BootRequest{MAC: mac(t, "80:5e:c0:11:22:33"), VendorClass: []byte("Grandstream GXP1405 dslforum.org")}, nil,
			[]bootOption{opt(66, "http://10.0.0.2/")}},
		{"cisco mpp: 150 list, 160 URL with path, 66 host", tftp, provisioning.BootRequest{MAC: mac(t, "d0:ec:35:00:00:01"),
			VendorClass: []byte("CP-8841-3PCC\x00")}, nil,
			[]bootOption{opt(66, "10.0.0.2"), opt(150, "\x0a\x00\x00\x02"), opt(160, "tftp://10.0.0.2/$PSN.xml")}},
		{"cisco mpp with a named host: 150 is the server's address", named, provisioning.BootRequest{MAC: mac(t, "d0:ec:35:00:00:01"),
			VendorClass: []byte("CISCO ATA191-MPP"), Server: server}, []uint8{150},
			[]bootOption{opt(150, "\x0a\x00\x00\x01"), opt(160, "http://prov.example:8080/$PSN.xml")}},
		{"cisco mpp named host without server: no 150", named, provisioning.BootRequest{MAC: mac(t, "d0:ec:35:00:00:01"),
			VendorClass: []byte("CISCO ATA191-MPP")}, []uint8{150},
			[]bootOption{opt(160, "http://prov.example:8080/$PSN.xml")}},
		{"snom: 43 sub-options merged, 67 boot file", http, provisioning.BootRequest{MAC: mac(t, "00:04:13:00:00:01"), VendorClass: []byte("snomD785")}, nil,
			[]bootOption{
				opt(43, "\x42\x10http://10.0.0.2/\x43\x11http://10.0.0.2/x"), opt(67, "snom.htm")}},
		{"tftp port in URLs", provisioning.BootConfig{Proto: "tftp", Host: "10.0.0.2", TFTPPort: 1069}, provisioning.BootRequest{VendorClass: []byte("yealink")}, nil,
			[]bootOption{opt(66, "tftp://10.0.0.2:1069/")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bootOptions(newService(t, t.TempDir(), withClasses(tt.cfg), nil).Boot(tt.req), tt.requested)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func withClasses(c provisioning.BootConfig) provisioning.BootConfig {
	c.Classes = planClasses
	return c
}

func mac(t *testing.T, s string) provisioning.MAC {
	t.Helper()
	m, err := provisioning.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
