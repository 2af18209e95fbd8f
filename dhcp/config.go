package dhcp

import (
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Config is the [dhcp] section of provbox.toml, which decodes straight
// into it (cmd/provbox adds enabled, bootstrap and the classes, which are
// the core's). Validate (validate.go) holds its rules.
type Config struct {
	Interfaces    []string      `toml:"interfaces"`    // where to listen (SO_BINDTODEVICE each)
	Authoritative bool          `toml:"authoritative"` // NAK addresses that are wrong for the network
	LeaseTime     time.Duration `toml:"lease_time"`    // default for subnets without their own (12h)
	Subnets       []Subnet      `toml:"subnet"`        // [[dhcp.subnet]]
	Reservations  []Reservation `toml:"reservation"`   // [[dhcp.reservation]]

	// Rogue DHCP detection (rogue.go): the served interfaces and
	// WatchInterfaces are watched for OFFER/ACK from other servers, and
	// probed with a DISCOVER every RogueProbeInterval (0: no probe).
	// KnownServers are expected servers, never reported.
	WatchInterfaces    []string      `toml:"watch_interfaces"`
	RogueProbeInterval time.Duration `toml:"rogue_probe_interval"`
	KnownServers       []netip.Addr  `toml:"known_servers"`

	// OfferHold is how long an offered address stays set aside for the
	// client (not durable; default 30s).
	OfferHold time.Duration `toml:"-"`
	// DeclineHold is how long a DECLINEd address stays out of the pool
	// (default 1h).
	DeclineHold time.Duration `toml:"-"`
}

// Subnet is one [[dhcp.subnet]].
type Subnet struct {
	CIDR      netip.Prefix  `toml:"cidr"`
	Range     Range         `toml:"range"`      // the pool, "FIRST-LAST"
	Router    Routers       `toml:"router"`     // option 3
	DNS       []netip.Addr  `toml:"dns"`        // option 6
	NTP       []netip.Addr  `toml:"ntp"`        // option 42
	Domain    string        `toml:"domain"`     // option 15
	LeaseTime time.Duration `toml:"lease_time"` // 0: the [dhcp] lease_time
	// Relays (relays) are the relay agents whose relayed requests for this
	// subnet are accepted: the UDP source of a packet with giaddr in the
	// subnet must be one of them. None: relayed requests are dropped.
	Relays []netip.Addr `toml:"relays"`
}

// Reservation is one [[dhcp.reservation]].
type Reservation struct {
	MAC      provisioning.MAC `toml:"mac"`
	IP       netip.Addr       `toml:"ip"`
	Hostname string           `toml:"hostname"` // sent as option 12
}

// DefaultLeaseTime is the lease of a subnet without its own lease_time,
// for the zero Config and for a provbox.toml without the key.
const DefaultLeaseTime = 12 * time.Hour

// DefaultRogueProbeInterval is how often each watched interface is
// probed for other DHCP servers.
const DefaultRogueProbeInterval = 5 * time.Minute

// Defaults is what provbox.toml without a [dhcp] key means: the default
// lease, authoritative (a zero Config is not), and other DHCP servers
// probed for every DefaultRogueProbeInterval (a zero Config does not
// probe).
func Defaults() Config {
	return Config{LeaseTime: DefaultLeaseTime, Authoritative: true, RogueProbeInterval: DefaultRogueProbeInterval}
}

func (c Config) withDefaults() Config {
	if c.LeaseTime == 0 {
		c.LeaseTime = DefaultLeaseTime
	}
	if c.OfferHold <= 0 {
		c.OfferHold = 30 * time.Second
	}
	if c.DeclineHold <= 0 {
		c.DeclineHold = time.Hour
	}
	return c
}

// broadcastOf is the all-ones address of an IPv4 prefix.
func broadcastOf(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	v := be32(a) | (1<<(32-p.Bits()) - 1)
	return addrOf(v)
}

func be32(a [4]byte) uint32 {
	return uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
}

func u32(a netip.Addr) uint32 { return be32(a.As4()) }

func addrOf(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
