package provisioning

import (
	"context"
	"net/netip"
	"time"
)

// Strike is one refusal reported against a source address.
type Strike struct {
	Reason string // e.g. unknown-mac, locked, bad-hash, fingerprint, no-lease, bad-path
	Weight int    // 1 for an ordinary refusal; more for traversal or a non-phone UA on a secret path
	MAC    MAC    // the MAC asked for, zero if none (scan detection counts distinct MACs)
}

// banEngine is the ban engine the core consults. PLACEHOLDER until the ban
// engine lands (provisioning/ban): nothing is ever banned.
type banEngine interface {
	banned(ip netip.Addr, now time.Time) bool
	strike(ip netip.Addr, st Strike, now time.Time)
	reconfigure(cfg BanConfig)
}

type noBans struct{}

func newBanEngine(ctx context.Context, s *Service) (banEngine, error) { return noBans{}, nil }

func (noBans) banned(netip.Addr, time.Time) bool    { return false }
func (noBans) strike(netip.Addr, Strike, time.Time) {}
func (noBans) reconfigure(BanConfig)                {}

// Banned reports whether ip is banned now; servers call it before parsing
// anything.
func (s *Service) Banned(ip netip.Addr) bool { return s.banner.banned(ip, s.now()) }
