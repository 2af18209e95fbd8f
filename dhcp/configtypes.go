package dhcp

import (
	"fmt"
	"net/netip"
	"strings"
)

// The types below parse themselves, so a bad value in provbox.toml is
// reported with the line and column of its key.

// Range is a pool, written "FIRST-LAST".
type Range struct {
	First, Last netip.Addr
}

func (r *Range) UnmarshalText(b []byte) error {
	s := string(b)
	first, last, ok := strings.Cut(s, "-")
	if !ok {
		return fmt.Errorf("range %q: want FIRST-LAST, e.g. \"10.20.0.100-10.20.0.250\"", s)
	}
	a, err1 := netip.ParseAddr(strings.TrimSpace(first))
	z, err2 := netip.ParseAddr(strings.TrimSpace(last))
	if err1 != nil || err2 != nil || !a.Is4() || !z.Is4() {
		return fmt.Errorf("range %q: want two IPv4 addresses FIRST-LAST", s)
	}
	if z.Less(a) {
		return fmt.Errorf("range %q: start %s is after end %s", s, a, z)
	}
	r.First, r.Last = a, z
	return nil
}

func (r Range) String() string {
	if !r.First.IsValid() {
		return ""
	}
	return r.First.String() + "-" + r.Last.String()
}

// MarshalText writes the range as UnmarshalText reads it.
func (r Range) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// IsZero reports whether the range was left out.
func (r Range) IsZero() bool { return !r.First.IsValid() }

// Routers are option 3's addresses; the file names one (router = "a").
// It parses itself through UnmarshalTOML (the toml package's interface)
// rather than UnmarshalText, so it stays a plain list in JSON.
type Routers []netip.Addr

func (r *Routers) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("want one address, e.g. \"10.20.0.1\"")
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return err
	}
	*r = Routers{a}
	return nil
}
