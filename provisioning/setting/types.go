package setting

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// The types below parse themselves from provbox.toml, so a bad value is
// reported with the line and column of its key, and they carry the
// file's meaning of 0 where it differs from a package's zero value.
//
// A package's zero Config means "every default" (convenient in code and
// tests), while in provbox.toml an absent key means the default and a 0
// written out switches a safeguard off. Limit and Timeout keep both: the
// zero value is "the default", and a 0 in the file decodes to Off.

// Limit is a count that provbox.toml may switch off with 0 (a per-source
// bound, a reserved share). Zero: the default; Off (any negative value
// in code): off.
type Limit int

// Off is the value of a Limit that is switched off.
const Off Limit = -1

// UnmarshalTOML reads a whole number; 0 is Off, below 0 is refused.
func (l *Limit) UnmarshalTOML(v any) error {
	n, ok := v.(int64)
	switch {
	case !ok:
		return fmt.Errorf("want a number (no quotes), e.g. 8; 0 turns it off")
	case n < 0:
		return fmt.Errorf("must be 0 (off) or more, got %d", n)
	case n == 0:
		*l = Off
	default:
		*l = Limit(min(n, math.MaxInt32))
	}
	return nil
}

// IsOff reports whether the limit is switched off.
func (l Limit) IsOff() bool { return l < 0 }

// Bound is the limit as a bound: a bound nothing reaches when off.
func (l Limit) Bound() int {
	if l.IsOff() {
		return math.MaxInt32
	}
	return int(l)
}

// Timeout is a duration that provbox.toml may switch off with "0s" (a
// shorter timeout for strangers, the reclaiming of stalled transfers).
// Zero: the default; Off (any negative value in code): off.
type Timeout time.Duration

// OffTimeout is the value of a Timeout that is switched off.
const OffTimeout Timeout = -1

// UnmarshalTOML reads a duration string; "0s" is OffTimeout, a negative
// duration is refused. A bare number is kept as nanoseconds, as for
// time.Duration, so the file layer reports it as a missing unit.
func (t *Timeout) UnmarshalTOML(v any) error {
	var d time.Duration
	switch v := v.(type) {
	case string:
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return fmt.Errorf("invalid duration: %q", v)
		}
	case int64:
		d = time.Duration(v)
	default:
		return fmt.Errorf("want a duration, e.g. \"5s\"; \"0s\" turns it off")
	}
	switch {
	case d < 0:
		return fmt.Errorf("must not be negative (\"0s\" turns it off), got %s", d)
	case d == 0:
		*t = OffTimeout
	default:
		*t = Timeout(d)
	}
	return nil
}

// IsOff reports whether the timeout is switched off.
func (t Timeout) IsOff() bool { return t < 0 }

// Duration is the timeout as a time.Duration (negative when off).
func (t Timeout) Duration() time.Duration { return time.Duration(t) }

// HostPort is a listen address, "HOST:PORT" with HOST an IP literal or
// empty (every address); the empty string turns the listener off.
type HostPort string

func (h *HostPort) UnmarshalText(b []byte) error {
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
	*h = HostPort(s)
	return nil
}

// Port is the numeric port of a valid HostPort.
func (h HostPort) Port() int {
	_, p, _ := net.SplitHostPort(string(h))
	n, _ := strconv.Atoi(p)
	return n
}

// Host is the host part of a valid HostPort ("" for every address).
func (h HostPort) Host() string {
	host, _, _ := net.SplitHostPort(string(h))
	return host
}
