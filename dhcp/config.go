package dhcp

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Config is the [dhcp] section. Field comments name the TOML keys.
type Config struct {
	Interfaces    []string      // interfaces: where to listen (SO_BINDTODEVICE each)
	Authoritative bool          // authoritative: NAK addresses that are wrong for the network
	LeaseTime     time.Duration // lease_time: default for subnets without their own (12h)
	Subnets       []Subnet      // [[dhcp.subnet]]
	Reservations  []Reservation // [[dhcp.reservation]]

	// OfferHold is how long an offered address stays set aside for the
	// client (not durable; default 30s).
	OfferHold time.Duration
	// DeclineHold is how long a DECLINEd address stays out of the pool
	// (default 1h).
	DeclineHold time.Duration
}

// Subnet is one [[dhcp.subnet]].
type Subnet struct {
	CIDR       netip.Prefix  // cidr
	RangeStart netip.Addr    // range = "a-b", first address
	RangeEnd   netip.Addr    // last address
	Router     []netip.Addr  // router (option 3)
	DNS        []netip.Addr  // dns (option 6)
	NTP        []netip.Addr  // ntp (option 42)
	Domain     string        // domain (option 15)
	LeaseTime  time.Duration // lease_time; 0: the [dhcp] lease_time
	// Relays (relays) are the relay agents whose relayed requests for this
	// subnet are accepted: the UDP source of a packet with giaddr in the
	// subnet must be one of them. None: relayed requests are dropped.
	Relays []netip.Addr
}

// Reservation is one [[dhcp.reservation]].
type Reservation struct {
	MAC      provisioning.MAC
	IP       netip.Addr
	Hostname string // sent as option 12
}

// ParseRange parses the TOML range value "a-b".
func ParseRange(s string) (start, end netip.Addr, err error) {
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			continue
		}
		start, err1 := netip.ParseAddr(s[:i])
		end, err2 := netip.ParseAddr(s[i+1:])
		if err1 != nil || err2 != nil || !start.Is4() || !end.Is4() {
			break
		}
		return start, end, nil
	}
	return netip.Addr{}, netip.Addr{}, fmt.Errorf("malformed range %q: want two IPv4 addresses as \"a-b\"", s)
}

func (c Config) withDefaults() Config {
	if c.LeaseTime <= 0 {
		c.LeaseTime = 12 * time.Hour
	}
	if c.OfferHold <= 0 {
		c.OfferHold = 30 * time.Second
	}
	if c.DeclineHold <= 0 {
		c.DeclineHold = time.Hour
	}
	return c
}

// Validate reports every problem, each naming its key.
func (c Config) Validate() error {
	var errs []error
	if c.LeaseTime < 0 {
		errs = append(errs, fmt.Errorf("dhcp.lease_time: %s is negative", c.LeaseTime))
	}
	if len(c.Subnets) == 0 {
		errs = append(errs, errors.New("dhcp.subnet: at least one subnet is required"))
	}
	for i, s := range c.Subnets {
		if err := s.validate(); err != nil {
			errs = append(errs, fmt.Errorf("dhcp.subnet[%d] (%s): %w", i, s.CIDR, err))
		}
		for j := range i {
			if s.CIDR.IsValid() && c.Subnets[j].CIDR.Overlaps(s.CIDR) {
				errs = append(errs, fmt.Errorf("dhcp.subnet[%d].cidr: %s overlaps dhcp.subnet[%d] %s", i, s.CIDR, j, c.Subnets[j].CIDR))
			}
		}
	}
	errs = append(errs, c.validateReservations()...)
	return errors.Join(errs...)
}

func (s Subnet) validate() error {
	var errs []error
	if !s.CIDR.IsValid() || !s.CIDR.Addr().Is4() {
		return errors.New("cidr: want an IPv4 prefix such as 192.168.1.0/24")
	}
	if s.CIDR.Bits() > 30 {
		errs = append(errs, fmt.Errorf("cidr: /%d leaves no room for clients", s.CIDR.Bits()))
	}
	if s.CIDR.Masked() != s.CIDR {
		errs = append(errs, fmt.Errorf("cidr: %s has host bits set; did you mean %s?", s.CIDR, s.CIDR.Masked()))
	}
	if !s.CIDR.Contains(s.RangeStart) || !s.CIDR.Contains(s.RangeEnd) {
		errs = append(errs, fmt.Errorf("range: %s-%s is not inside %s", s.RangeStart, s.RangeEnd, s.CIDR))
	} else if s.RangeEnd.Less(s.RangeStart) {
		errs = append(errs, fmt.Errorf("range: start %s is after end %s", s.RangeStart, s.RangeEnd))
	}
	for _, r := range s.Router {
		if !s.CIDR.Contains(r) {
			errs = append(errs, fmt.Errorf("router: %s is not inside %s", r, s.CIDR))
		}
	}
	for key, list := range map[string][]netip.Addr{"dns": s.DNS, "ntp": s.NTP} {
		for _, a := range list {
			if !a.Is4() {
				errs = append(errs, fmt.Errorf("%s: %s is not an IPv4 address", key, a))
			}
		}
	}
	if s.LeaseTime < 0 {
		errs = append(errs, fmt.Errorf("lease_time: %s is negative", s.LeaseTime))
	}
	for _, a := range s.Relays {
		if !a.Is4() || a.IsUnspecified() {
			errs = append(errs, fmt.Errorf("relays: %s is not a relay agent's IPv4 address", a))
		}
	}
	return errors.Join(errs...)
}

func (c Config) validateReservations() []error {
	var errs []error
	macs := map[provisioning.MAC]int{}
	ips := map[netip.Addr]int{}
	for i, r := range c.Reservations {
		key := fmt.Sprintf("dhcp.reservation[%d]", i)
		if r.MAC.IsZero() {
			errs = append(errs, fmt.Errorf("%s.mac: missing", key))
		} else if j, dup := macs[r.MAC]; dup {
			errs = append(errs, fmt.Errorf("%s.mac: %s is already reserved by dhcp.reservation[%d]", key, r.MAC, j))
		}
		if j, dup := ips[r.IP]; dup && r.IP.IsValid() {
			errs = append(errs, fmt.Errorf("%s.ip: %s is already reserved by dhcp.reservation[%d]", key, r.IP, j))
		}
		macs[r.MAC], ips[r.IP] = i, i
		if !c.inSomeSubnet(r.IP) {
			errs = append(errs, fmt.Errorf("%s.ip: %s is not inside any dhcp.subnet", key, r.IP))
		}
	}
	return errs
}

func (c Config) inSomeSubnet(a netip.Addr) bool {
	for _, s := range c.Subnets {
		if s.CIDR.Contains(a) && a != s.CIDR.Masked().Addr() && a != broadcastOf(s.CIDR) {
			return true
		}
	}
	return false
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
