package main

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// The types below parse themselves, so toml reports a bad value with the
// line and column of the key.

// hostPort is a listen address, "HOST:PORT" with HOST an IP literal or
// empty (every address); the empty string turns the listener off.
type hostPort string

func (h *hostPort) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*h = ""
		return nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("listen address %q: want HOST:PORT or :PORT", s)
	}
	if host != "" {
		if _, err := netip.ParseAddr(host); err != nil {
			return fmt.Errorf("listen address %q: host %q is not an IP address", s, host)
		}
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n > 65535 {
		return fmt.Errorf("listen address %q: port %q is not a number 0-65535", s, port)
	}
	*h = hostPort(s)
	return nil
}

// port is the numeric port of a valid hostPort.
func (h hostPort) port() int {
	_, p, _ := net.SplitHostPort(string(h))
	n, _ := strconv.Atoi(p)
	return n
}

// oui is a vendor's MAC prefix, 6 hex digits ("805ec0" or "80:5e:c0").
type oui [3]byte

func (o *oui) UnmarshalText(b []byte) error {
	s := string(b)
	digits := strings.NewReplacer(":", "", "-", "", ".", "").Replace(s)
	v, err := hex.DecodeString(digits)
	if err != nil || len(v) != 3 {
		return fmt.Errorf("OUI %q: want 6 hex digits, e.g. \"805ec0\"", s)
	}
	copy(o[:], v)
	return nil
}

func (o oui) String() string { return hex.EncodeToString(o[:]) }

// host is the host part of a valid hostPort ("" for every address).
func (h hostPort) host() string {
	host, _, _ := net.SplitHostPort(string(h))
	return host
}
