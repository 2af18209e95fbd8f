package dhcp

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // substring of the error; "" means valid
	}{
		{"valid", func(c *Config) {}, ""},
		{"no subnet", func(c *Config) { c.Subnets = nil }, "dhcp.subnet: at least one [[dhcp.subnet]] is required"},
		{"range outside cidr", func(c *Config) { c.Subnets[0].Range.Last = ip("10.0.1.5") }, "dhcp.subnet[0].range: 10.0.0.100-10.0.1.5 is not inside 10.0.0.0/24"},
		{"range reversed", func(c *Config) { c.Subnets[0].Range.First = ip("10.0.0.200") }, "dhcp.subnet[0].range: start 10.0.0.200 is after end 10.0.0.103"},
		{"host bits", func(c *Config) { c.Subnets[0].CIDR = pfx("10.0.0.1/24") }, "did you mean 10.0.0.0/24"},
		{"ipv6", func(c *Config) { c.Subnets[0].CIDR = pfx("2001:db8::/64") }, "dhcp.subnet[0].cidr: 2001:db8::/64: DHCPv4 needs an IPv4 network"},
		{"router outside", func(c *Config) { c.Subnets[1].Router = ipList("10.0.0.1") }, "dhcp.subnet[1].router: 10.0.0.1 is not a host address inside 10.1.0.0/24"},
		{"overlap", func(c *Config) { c.Subnets[1].CIDR = pfx("10.0.0.0/16") }, "dhcp.subnet[1].cidr: 10.0.0.0/16 overlaps dhcp.subnet[0]"},
		{"negative lease", func(c *Config) { c.LeaseTime = -time.Second }, "dhcp.lease_time: must be a positive duration"},
		{"probe too often", func(c *Config) { c.RogueProbeInterval = time.Millisecond }, `dhcp.rogue_probe_interval: want "0s" (off) or at least "1s"`},
		{"probe off", func(c *Config) { c.RogueProbeInterval = 0 }, ""},
		{"known server v6", func(c *Config) { c.KnownServers = ipList("2001:db8::1") }, "dhcp.known_servers[0]: 2001:db8::1 is not an IPv4 host address"},
		{"watch a served interface", func(c *Config) { c.Interfaces, c.WatchInterfaces = []string{"eth1"}, []string{"eth1"} },
			`dhcp.watch_interfaces[0]: "eth1" is listed twice`},
		{"watch bad name", func(c *Config) { c.WatchInterfaces = []string{"a/b"} }, `dhcp.watch_interfaces[0]: "a/b" is not an interface name`},
		{"reservation outside", func(c *Config) { c.Reservations[0].IP = ip("192.168.1.1") }, "dhcp.reservation[0].ip: 192.168.1.1 is not a host address of any [[dhcp.subnet]]"},
		{"reservation on broadcast", func(c *Config) { c.Reservations[0].IP = ip("10.0.0.255") }, "dhcp.reservation[0].ip: 10.0.0.255 is not a host address"},
		{"duplicate reservation", func(c *Config) { c.Reservations = append(c.Reservations, c.Reservations[0]) },
			"dhcp.reservation[1].mac: 02:00:00:00:00:aa is already reserved by dhcp.reservation[0]"},
		{"reservation without MAC", func(c *Config) { c.Reservations[0].MAC = [6]byte{} }, "dhcp.reservation[0].mac: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestRangeUnmarshalText(t *testing.T) {
	var r Range
	if err := r.UnmarshalText([]byte("10.0.0.10-10.0.0.20")); err != nil || r.First != ip("10.0.0.10") || r.Last != ip("10.0.0.20") {
		t.Fatalf("UnmarshalText = %s %v", r, err)
	}
	for _, bad := range []string{"", "10.0.0.1", "10.0.0.1-", "a-b", "10.0.0.1-::1", "10.0.0.9-10.0.0.2"} {
		if err := new(Range).UnmarshalText([]byte(bad)); err == nil || !strings.Contains(err.Error(), "range \""+bad+"\"") {
			t.Errorf("UnmarshalText(%q) = %v, want an error quoting the range", bad, err)
		}
	}
}

func TestDestination(t *testing.T) {
	mk := func(mods ...dhcpv4.Modifier) *dhcpv4.DHCPv4 {
		return packet(t, dhcpv4.MessageTypeRequest, macA, mods...)
	}
	zero := &net.UDPAddr{IP: net.IPv4zero, Port: 68}
	tests := []struct {
		name string
		req  *dhcpv4.DHCPv4
		peer net.Addr
		want string
		nak  bool
	}{
		{"relay gets it on port 67", mk(dhcpv4.WithGatewayIP(net.IPv4(10, 1, 0, 1)), dhcpv4.WithClientIP(net.IPv4(10, 1, 0, 9))), &net.UDPAddr{IP: net.IPv4(10, 1, 0, 1), Port: 67}, "10.1.0.1:67", false},
		{"renewing client from its address", mk(dhcpv4.WithClientIP(net.IPv4(10, 0, 0, 9))), &net.UDPAddr{IP: net.IPv4(10, 0, 0, 9), Port: 68}, "10.0.0.9:68", false},
		{"client on an odd port gets it there", mk(), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, "127.0.0.1:40000", false},
		{"ciaddr from an unset source", mk(dhcpv4.WithClientIP(net.IPv4(10, 0, 0, 9))), zero, "10.0.0.9:68", false},
		{"broadcast flag", mk(dhcpv4.WithBroadcast(true)), zero, "255.255.255.255:68", false},
		{"no address, no flag: broadcast too", mk(), zero, "255.255.255.255:68", false},
		{"NAK to a renewing client: broadcast", mk(dhcpv4.WithClientIP(net.IPv4(10, 0, 0, 9))), &net.UDPAddr{IP: net.IPv4(10, 0, 0, 9), Port: 68}, "255.255.255.255:68", true},
		{"NAK with ciaddr from an unset source: broadcast", mk(dhcpv4.WithClientIP(net.IPv4(10, 0, 0, 9))), zero, "255.255.255.255:68", true},
		{"NAK relayed: to the relay", mk(dhcpv4.WithGatewayIP(net.IPv4(10, 1, 0, 1))), &net.UDPAddr{IP: net.IPv4(10, 1, 0, 1), Port: 67}, "10.1.0.1:67", true},
		{"NAK to a client off port 68: where it is", mk(), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, "127.0.0.1:40000", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := destination(tt.req, tt.nak, tt.peer).String(); got != tt.want {
				t.Errorf("destination = %s, want %s", got, tt.want)
			}
		})
	}
}
