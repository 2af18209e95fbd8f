package ban

import (
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/provbox/provbox/provisioning/setting"
)

// Config is the ban policy, the [bans] section of provbox.toml, which
// decodes straight into it; Validate holds its rules.
type Config struct {
	MaxRetry   int           `toml:"max_retry"`    // weighted strikes within FindTime that ban a source (default 15)
	FindTime   time.Duration `toml:"find_time"`    // the sliding window strikes and MACs are counted in (default 10m)
	BanTime    time.Duration `toml:"ban_time"`     // the first ban's length (default 1h)
	MaxBanTime time.Duration `toml:"max_ban_time"` // the cap of a repeat offender's ban (default 168h)
	Factor     float64       `toml:"factor"`       // growth per earlier ban (default 2; below 1 means no growth)
	// ScanMACs is how many distinct MACs within FindTime are tolerated
	// (default 5, at most 255; off, 0 in provbox.toml, disables).
	ScanMACs setting.Limit  `toml:"scan_macs"`
	Ignore   []netip.Prefix `toml:"ignore"`
	Own      []netip.Addr   `toml:"-"` // the box's own addresses
	// OnLink are the IPv6 networks the box itself is on. A LAN's /64 holds
	// every host of the LAN, so a source inside one strikes as its own
	// address, as a link-local source always does: one host's scan must
	// not ban the phones beside it. cmd/provbox reads them from the host.
	OnLink []netip.Prefix `toml:"-"`
}

// Defaults applied to zero fields; provbox.toml starts from them too.
const (
	DefaultMaxRetry   = 15
	DefaultFindTime   = 10 * time.Minute
	DefaultBanTime    = time.Hour
	DefaultMaxBanTime = 168 * time.Hour
	DefaultFactor     = 2
	DefaultScanMACs   = 5
)

// Defaults is what provbox.toml without a [bans] key means: every
// default written out, and loopback never banned.
func Defaults() Config {
	return Config{MaxRetry: DefaultMaxRetry, FindTime: DefaultFindTime, BanTime: DefaultBanTime, MaxBanTime: DefaultMaxBanTime,
		Factor: DefaultFactor, ScanMACs: DefaultScanMACs,
		Ignore: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
}

// maxMACs bounds the distinct MACs remembered per source.
const maxMACs = 256

// jitter is the largest fraction a ban is shortened by at random: bans
// never exceed the configured length, and a scanner cannot predict the
// exact second it may return.
const jitter = 0.1

// WithDefaults fills zero fields and clamps out-of-range ones, and
// normalises the address lists so lookups compare like with like.
func (c Config) WithDefaults() Config {
	setting.OrPositive(&c.MaxRetry, DefaultMaxRetry)
	setting.OrPositive(&c.FindTime, DefaultFindTime)
	setting.OrPositive(&c.BanTime, DefaultBanTime)
	setting.OrPositive(&c.MaxBanTime, DefaultMaxBanTime)
	c.MaxBanTime = max(c.MaxBanTime, c.BanTime)
	setting.Or(&c.Factor, DefaultFactor)
	if c.Factor < 1 || math.IsNaN(c.Factor) {
		c.Factor = 1
	}
	setting.Or(&c.ScanMACs, DefaultScanMACs)
	c.ScanMACs = min(c.ScanMACs, maxMACs-1)
	ign := make([]netip.Prefix, 0, len(c.Ignore))
	for _, p := range c.Ignore {
		if p.IsValid() {
			ign = append(ign, netip.PrefixFrom(p.Addr().Unmap(), unmappedBits(p)).Masked())
		}
	}
	own := make([]netip.Addr, 0, len(c.Own))
	for _, a := range c.Own {
		if a.IsValid() {
			own = append(own, a.Unmap().WithZone(""))
		}
	}
	var onLink []netip.Prefix
	for _, p := range c.OnLink {
		if p.IsValid() && p.Addr().Is6() && !p.Addr().Is4In6() {
			onLink = append(onLink, p.Masked())
		}
	}
	c.Ignore, c.Own, c.OnLink = ign, own, onLink
	return c
}

// unmappedBits is p's length once an IPv4-mapped prefix is unmapped.
func unmappedBits(p netip.Prefix) int {
	if p.Addr().Is4In6() {
		return max(p.Bits()-96, 0)
	}
	return p.Bits()
}

// forget is how long an expired ban is remembered for escalation.
func (c Config) forget() time.Duration { return max(30*24*time.Hour, 2*c.MaxBanTime) }

// duration is the length of a source's count-th ban (1-based): BanTime
// grown by Factor per earlier ban, capped by MaxBanTime, then shortened
// by up to the jitter fraction; r is a random number in [0,1).
func (c Config) duration(count int, r float64) time.Duration {
	d := float64(c.BanTime) * math.Pow(c.Factor, float64(max(count-1, 0)))
	if d > float64(c.MaxBanTime) || math.IsInf(d, 0) || math.IsNaN(d) {
		d = float64(c.MaxBanTime)
	}
	r = min(max(r, 0), 1)
	return time.Duration(d * (1 - jitter*r))
}

// exempt reports whether ip is never banned: it is one of the box's own
// addresses or inside an ignored network. ip must be normalised (Key does).
func (c *Config) exempt(ip netip.Addr) bool {
	for _, a := range c.Own {
		if a == ip {
			return true
		}
	}
	for _, p := range c.Ignore {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// covers reports whether every address of the source p is exempt, so a
// ban on it would be void.
func (c *Config) covers(p netip.Prefix) bool {
	if p.Bits() == p.Addr().BitLen() && c.exempt(p.Addr()) {
		return true
	}
	for _, ig := range c.Ignore {
		if ig.Bits() <= p.Bits() && ig.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// Key is the source an address strikes as: an IPv4 address as a /32, an
// IPv6 address as its /64 (one host usually holds a whole /64 of a routed
// network), except a link-local one, which strikes as itself. An
// IPv4-mapped IPv6 address counts as the IPv4 address. ok is false for
// the zero Addr.
func Key(ip netip.Addr) (p netip.Prefix, ok bool) { return keyIn(ip, nil) }

// keyIn is Key, with sources inside the onLink networks striking as
// themselves.
func keyIn(ip netip.Addr, onLink []netip.Prefix) (p netip.Prefix, ok bool) {
	if !ip.IsValid() {
		return netip.Prefix{}, false
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return netip.PrefixFrom(ip, 32), true
	}
	if ip.IsLinkLocalUnicast() || slices.ContainsFunc(onLink, func(p netip.Prefix) bool { return p.Contains(ip) }) {
		return netip.PrefixFrom(ip, 128), true
	}
	p, err := ip.Prefix(64)
	return p, err == nil
}
