package phone

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

// Lease is what a DORA gave a host.
type Lease struct {
	IP      net.IP
	Mask    net.IPMask
	Server  net.IP
	Options map[uint8][]byte // every option of the ACK
}

// DORA gets an address by a real broadcast Discover/Offer/Request/Ack on
// iface (raw socket; the interface needs no address), sending class as
// option 60 (nil: none) and prl as option 55.
func DORA(ctx context.Context, iface string, class []byte, prl []uint8, timeout time.Duration) (*Lease, error) {
	c, err := nclient4.New(iface, nclient4.WithTimeout(timeout/4), nclient4.WithRetry(3))
	if err != nil {
		return nil, fmt.Errorf("dhcp client on %s: %w", iface, err)
	}
	defer c.Close()
	codes := make([]dhcpv4.OptionCode, len(prl))
	for i, o := range prl {
		codes[i] = dhcpv4.GenericOptionCode(o)
	}
	mods := []dhcpv4.Modifier{dhcpv4.WithOption(dhcpv4.OptParameterRequestList(codes...))}
	if class != nil {
		mods = append(mods, dhcpv4.WithGeneric(dhcpv4.OptionClassIdentifier, class))
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	l, err := c.Request(ctx, mods...)
	if err != nil {
		return nil, fmt.Errorf("DORA on %s: %w", iface, err)
	}
	ack := l.ACK
	out := &Lease{IP: ack.YourIPAddr, Mask: ack.SubnetMask(), Server: ack.ServerIdentifier(), Options: map[uint8][]byte{}}
	for code, v := range ack.Options {
		out.Options[code] = v
	}
	if out.Mask == nil {
		return nil, fmt.Errorf("ACK for %s carries no subnet mask", out.IP)
	}
	return out, nil
}

// Configure puts the leased address on iface, as the phone's IP stack
// would; Unconfigure removes it before the next boot.
func Configure(iface string, l *Lease) error {
	ones, _ := l.Mask.Size()
	return ipCmd("addr", "replace", fmt.Sprintf("%s/%d", l.IP, ones), "dev", iface)
}

// Unconfigure removes every address from iface.
func Unconfigure(iface string) error { return ipCmd("addr", "flush", "dev", iface) }

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Location is the bootstrap location a phone read from DHCP.
type Location struct {
	Option uint8  `json:"option"`
	Value  string `json:"value"`
	Target Target `json:"target"`
}

// Proto is the protocol the location makes the phone use.
func (l Location) Proto() string {
	s, _, _ := strings.Cut(l.Target.String(), "://")
	return s
}

// Locate reads the bootstrap location from the first of the profile's
// options the lease carries. A bare host means TFTP; option 150 is a list
// of IPv4 addresses; a URL whose path names a file is that file.
func (p *Profile) Locate(l *Lease, mac net.HardwareAddr) (Location, error) {
	for _, code := range p.Options {
		v, ok := l.Options[code]
		if !ok || len(v) == 0 {
			continue
		}
		loc := Location{Option: code}
		var err error
		if code == 150 {
			loc.Value, loc.Target, err = ipListTarget(v)
		} else {
			loc.Value = strings.TrimRight(string(v), "\x00")
			loc.Target, err = p.optionTarget(loc.Value, l.Options[67], mac)
		}
		if err != nil {
			return loc, fmt.Errorf("option %d %q: %w", code, loc.Value, err)
		}
		return loc, nil
	}
	return Location{}, fmt.Errorf("the lease carries none of options %v", p.Options)
}

func ipListTarget(v []byte) (string, Target, error) {
	if len(v)%4 != 0 {
		return fmt.Sprintf("%x", v), Target{}, fmt.Errorf("length %d is not a list of IPv4 addresses", len(v))
	}
	ip := net.IP(v[:4]).String()
	return ip, Target{Base: "tftp://" + ip + "/"}, nil
}

func (p *Profile) optionTarget(v string, opt67 []byte, mac net.HardwareAddr) (Target, error) {
	if !strings.Contains(v, "://") {
		v = "tftp://" + strings.Trim(v, "/") + "/"
	}
	if p.Name == "snom" && len(opt67) > 0 {
		// Snom joins 66 and 67 into its setting_server (§6.1).
		f := snomMAC(strings.TrimRight(v, "/")+"/"+strings.TrimLeft(string(opt67), "/"), mac)
		f, err := absURL(f, "")
		return Target{File: f}, err
	}
	u, err := absURL(v, "")
	if err != nil {
		return Target{}, err
	}
	if last := u[strings.LastIndex(u, "/")+1:]; strings.Contains(u[strings.Index(u, "://")+3:], "/") && strings.Contains(last, ".") {
		if d, ok := p.dialect.(flatDialect); ok {
			u, err = d.expand(u, mac)
		}
		return Target{File: u}, err
	}
	return Target{Base: strings.TrimRight(u, "/") + "/"}, nil
}
