package phone

import (
	"fmt"
	"net"
	"sort"
	"strings"
)

// Profile is how one vendor's phone behaves on the wire, as
// provisioning/profile/README.md's family tables describe it.
type Profile struct {
	Name     string  // provbox's profile name: yealink, poly, ...
	OUI      [3]byte // first half of the MACs the lab gives this vendor
	Model    string
	Firmware string
	// Class is option 60 as the phone sends it (nil: not sent).
	Class func() []byte
	// PRL is option 55, in the phone's order.
	PRL []uint8
	// Options are the DHCP options the phone takes its bootstrap location
	// from, most preferred first.
	Options []uint8
	// Files are the names the phone asks a provisioning server for, in
	// order; step says when to stop (see fetchPlan).
	Files func(mac net.HardwareAddr) []step
	// UA is the HTTP User-Agent (TFTP carries none).
	UA func(mac net.HardwareAddr) string
	// TFTPSlash: the phone sends TFTP names with a leading "/" (Cisco).
	TFTPSlash bool
	dialect   dialect
	// Vendor is provbox's profile of this phone when Name is not one:
	// each firmware generation is a lab phone of its own ("yealink-v80").
	Vendor string
	// Variant tells apart the MACs of lab phones sharing an OUI.
	Variant byte
}

// ProvboxVendor is the provbox profile name of this phone.
func (p *Profile) ProvboxVendor() string {
	if p.Vendor != "" {
		return p.Vendor
	}
	return p.Name
}

// step is one file the phone asks for. Unless lists earlier steps whose
// success makes the phone skip this one (a fallback name).
type step struct {
	Name   string
	Unless []int
}

func always(names ...string) []step {
	s := make([]step, len(names))
	for i, n := range names {
		s[i] = step{Name: n}
	}
	return s
}

// hexMAC is the MAC as 12 lowercase hex digits.
func hexMAC(mac net.HardwareAddr) string {
	return strings.ReplaceAll(mac.String(), ":", "")
}

func upperMAC(mac net.HardwareAddr) string { return strings.ToUpper(hexMAC(mac)) }

var profiles = map[string]*Profile{}

func register(p *Profile) { profiles[p.Name] = p }

// Lookup returns the profile of a vendor by provbox's name.
func Lookup(name string) (*Profile, error) {
	p, ok := profiles[name]
	if !ok {
		return nil, fmt.Errorf("unknown vendor %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return p, nil
}

// Names lists every emulated vendor, sorted.
func Names() []string {
	n := make([]string, 0, len(profiles))
	for k := range profiles {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// MAC returns the lab MAC of this vendor's phone number n (0-255 per host
// byte), inside the vendor's OUI so OUI-based classification applies.
func (p *Profile) MAC(n int, host byte) net.HardwareAddr {
	return net.HardwareAddr{p.OUI[0], p.OUI[1], p.OUI[2], host + p.Variant, byte(n >> 8), byte(n)}
}
