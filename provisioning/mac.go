package provisioning

import (
	"fmt"
	"net"
	"strings"
)

// MAC is a unicast EUI-48 hardware address, the identity of a phone.
type MAC [6]byte

// ParseMAC accepts the spellings admins and phones use: 805ec0112233,
// 80:5e:c0:11:22:33, 80-5E-C0-11-22-33 and 805e.c011.2233. It rejects
// anything else, and multicast or broadcast addresses, quoting the input.
func ParseMAC(s string) (MAC, error) {
	hex, ok := macDigits(s)
	if !ok {
		return MAC{}, fmt.Errorf("malformed MAC %q: want 12 hex digits, optionally as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff", s)
	}
	var m MAC
	for i := range m {
		m[i] = unhex(hex[2*i])<<4 | unhex(hex[2*i+1])
	}
	if m[0]&1 == 1 {
		return MAC{}, fmt.Errorf("malformed MAC %q: a multicast or broadcast address cannot be a phone", s)
	}
	return m, nil
}

// macDigits returns the 12 hex digits of s if s has one of the accepted
// layouts.
func macDigits(s string) (string, bool) {
	switch len(s) {
	case 12:
		return s, isHex(s)
	case 14: // aabb.ccdd.eeff
		if s[4] != '.' || s[9] != '.' {
			return "", false
		}
		d := s[0:4] + s[5:9] + s[10:14]
		return d, isHex(d)
	case 17: // aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff
		sep := s[2]
		if sep != ':' && sep != '-' {
			return "", false
		}
		var b strings.Builder
		for i := 0; i < 17; i += 3 {
			if i > 0 && s[i-1] != sep {
				return "", false
			}
			b.WriteString(s[i : i+2])
		}
		d := b.String()
		return d, isHex(d)
	}
	return "", false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if unhex(s[i]) == 0xff {
			return false
		}
	}
	return true
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0xff
}

// MACFromHardwareAddr converts a 6-byte hardware address (a DHCP chaddr).
func MACFromHardwareAddr(hw net.HardwareAddr) (MAC, error) {
	if len(hw) != 6 {
		return MAC{}, fmt.Errorf("malformed MAC %q: %d bytes, want 6", hw.String(), len(hw))
	}
	var m MAC
	copy(m[:], hw)
	return m, nil
}

// String is the colon form, lower case: 80:5e:c0:11:22:33.
func (m MAC) String() string { return net.HardwareAddr(m[:]).String() }

// Hex is the bare lower-case form most vendors use in file names.
func (m MAC) Hex() string { return fmt.Sprintf("%x", m[:]) }

// HexUpper is the bare upper-case form (Snom, Aastra, Gigaset).
func (m MAC) HexUpper() string { return fmt.Sprintf("%X", m[:]) }

// HardwareAddr returns a copy as a net.HardwareAddr.
func (m MAC) HardwareAddr() net.HardwareAddr { return append(net.HardwareAddr(nil), m[:]...) }

// OUI is the vendor prefix, the first three bytes.
func (m MAC) OUI() [3]byte { return [3]byte{m[0], m[1], m[2]} }

// IsZero reports whether m is the zero value.
func (m MAC) IsZero() bool { return m == MAC{} }

// MarshalText writes the colon form.
func (m MAC) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses any spelling ParseMAC accepts, so TOML and JSON
// fields of type MAC report a bad value with its position.
func (m *MAC) UnmarshalText(b []byte) error {
	v, err := ParseMAC(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
