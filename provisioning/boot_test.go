package provisioning

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/provbox/provbox/provisioning/profile"
)

// Test rules shaped like the shipped profiles' (provisioning/profile/README.md): Yealink by OUI, Poly by its binary
// option 60 (PEN prefix) or "Polycom", Cisco MPP by "CP-" with option 150
// and a forced 160, Grandstream by prefix, Snom via option 43.
var testClasses = []BootClass{
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

func mac(t *testing.T, s string) MAC {
	t.Helper()
	m, err := ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBootReply(t *testing.T) {
	server := netip.MustParseAddr("10.0.0.1")
	tests := []struct {
		name string
		cfg  BootConfig
		req  BootRequest
		want BootReply
	}{
		{"unknown client: option 66 as a URL", BootConfig{Proto: ProtoHTTP, Host: "10.0.0.2"}, BootRequest{MAC: mac(t, "02:00:00:00:00:01")},
			BootReply{Location: BootLocation{Proto: ProtoHTTP, Host: "10.0.0.2", Bare: "10.0.0.2", IPv4: netip.MustParseAddr("10.0.0.2")},
				Options: []profile.BootOption{{Code: 66, Form: profile.FormURL}}}},
		{"unknown client over tftp: the bare host", BootConfig{Proto: ProtoTFTP, Host: "10.0.0.2", TFTPPort: 1069}, BootRequest{MAC: mac(t, "02:00:00:00:00:01")},
			BootReply{Location: BootLocation{Proto: ProtoTFTP, Host: "10.0.0.2:1069", Bare: "10.0.0.2", IPv4: netip.MustParseAddr("10.0.0.2")},
				Options: []profile.BootOption{{Code: 66, Form: profile.FormHost}}}},
		{"no host configured: the server's address", BootConfig{}, BootRequest{MAC: mac(t, "02:00:00:00:00:01"), Server: server},
			BootReply{Location: BootLocation{Proto: ProtoHTTP, Host: "10.0.0.1", Bare: "10.0.0.1", IPv4: server},
				Options: []profile.BootOption{{Code: 66, Form: profile.FormURL}}}},
		{"named host: port in URLs, the server's address for lists", BootConfig{Host: "prov.example", HTTPPort: 8080},
			BootRequest{MAC: mac(t, "d0:ec:35:00:00:01"), VendorClass: []byte("CISCO ATA191-MPP"), Server: server},
			BootReply{Vendor: "cisco-mpp", Location: BootLocation{Proto: ProtoHTTP, Host: "prov.example:8080", Bare: "prov.example", IPv4: server},
				Options: testClasses[2].DHCPRule.Options}},
		{"option 60 beats a conflicting OUI", BootConfig{Host: "h"}, BootRequest{MAC: mac(t, "80:5e:c0:11:22:33"), VendorClass: []byte("Grandstream GXP1405 dslforum.org")},
			BootReply{Vendor: "grandstream", Location: BootLocation{Proto: ProtoHTTP, Host: "h", Bare: "h"}, Options: testClasses[3].DHCPRule.Options}},
		{"poly by its binary option 60", BootConfig{}, BootRequest{VendorClass: []byte("\x00\x00\x36\x3d\x20\x01\x07Polycom")},
			BootReply{Vendor: "poly", Location: BootLocation{Proto: ProtoHTTP}, Options: testClasses[1].DHCPRule.Options}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bootReply(tt.cfg, testClasses, tt.req); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestBootOverrides checks that a TOML class wins over a registry rule and
// that Boot reads the configuration in force.
func TestBootOverrides(t *testing.T) {
	override := BootClass{Vendor: "yealink-custom", DHCPRule: profile.DHCPRule{
		OUIs:    []profile.OUI{{0x80, 0x5e, 0xc0}},
		Options: []profile.BootOption{{Code: 66, Form: profile.FormHost, Force: true}},
	}}
	s := &Service{cfg: Config{Boot: BootConfig{Host: "10.9.9.9", Classes: []BootClass{override}}}}
	got := s.Boot(BootRequest{MAC: mac(t, "80:5e:c0:00:00:01")})
	if got.Vendor != "yealink-custom" || got.Location.Bare != "10.9.9.9" || !reflect.DeepEqual(got.Options, override.DHCPRule.Options) {
		t.Errorf("got %+v, want the override's rule at 10.9.9.9", got)
	}
	if got := bootReply(BootConfig{Host: "h"}, append([]BootClass{override}, testClasses...), BootRequest{VendorClass: []byte("yealink")}); got.Vendor != "yealink" {
		t.Errorf("option 60 match should beat an override's OUI match, got %q", got.Vendor)
	}
}

// TestBootFollowsReload: Boot's rule list is built once per configuration
// and registry, and a reload with other classes is seen at once.
func TestBootFollowsReload(t *testing.T) {
	s := newTestService(t, newMemStore(), Config{})
	m := mac(t, "80:5e:c0:00:00:01")
	if got := s.Boot(BootRequest{MAC: m}).Vendor; got != "yealink" {
		t.Fatalf("built-in rules: vendor %q, want yealink", got)
	}
	override := BootClass{Vendor: "custom", DHCPRule: profile.DHCPRule{OUIs: []profile.OUI{{0x80, 0x5e, 0xc0}},
		Options: []profile.BootOption{{Code: 66, Form: profile.FormHost}}}}
	s.Reload(Config{Boot: BootConfig{Classes: []BootClass{override}}}, s.Registry())
	if got := s.Boot(BootRequest{MAC: m}).Vendor; got != "custom" {
		t.Errorf("after a reload with a class: vendor %q, want custom", got)
	}
	s.Reload(Config{}, s.Registry())
	if got := s.Boot(BootRequest{MAC: m}).Vendor; got != "yealink" {
		t.Errorf("after a reload without it: vendor %q, want yealink", got)
	}
}
