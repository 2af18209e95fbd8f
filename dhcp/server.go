package dhcp

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// Core is what the server needs from the provisioning core;
// *provisioning.Service satisfies it.
type Core interface {
	// CommitLease returns once the lease is durable; concurrent calls
	// share one transaction.
	CommitLease(ctx context.Context, l provisioning.Lease) error
	Leases() []provisioning.Lease
	Reservations() map[provisioning.MAC]netip.Addr
	Boot(r provisioning.BootRequest) provisioning.BootReply
	// IsDevice reports whether the MAC is a known device.
	IsDevice(m provisioning.MAC) bool
	// RefuseDHCP records a refused request about a device in the audit
	// trail.
	RefuseDHCP(ip netip.Addr, m provisioning.MAC, reason string)
}

// Server is a DHCPv4 server. Build it with New, run it with Serve.
type Server struct {
	cfg  Config
	core Core
	log  *slog.Logger
	now  func() time.Time

	decisionLog provisioning.LogBudget // bounds the decision lines (decisionlog.go)

	mu        sync.Mutex
	pools     []*pool
	resvAt    time.Time // when core reservations were last read
	lastFull  map[*pool]time.Time
	ifaces    ifaceCache
	commitTTL time.Duration
	dropped   int64                    // packets shed under overload
	lastShed  time.Time                // last overload log line
	handled   func(req *dhcpv4.DHCPv4) // test hook: a packet was dealt with
	arp       ARPProbe                 // checks an INIT-REBOOT address on the link
	obs       Observer                 // counts packets (metrics)
	live      func() bool              // may replies leave now (liveness.go)

	noID     int64     // requests dropped: nothing identifies the client
	lastNoID time.Time // last log line about them

	badRelay       int64     // relayed requests dropped: source not a listed relay
	lastBadRelay   time.Time // last log line about them
	lastRelayAudit time.Time // last audit line about them

	rogues   rogueTable       // foreign DHCP servers seen (rogue.go)
	probeMAC provisioning.MAC // the rogue probes' client MAC, never served
}

// reservationRefresh bounds how stale the database's reservations may be.
const reservationRefresh = 5 * time.Second

// Option configures a Server.
type Option func(*Server)

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New validates cfg and restores the leases the core holds. Expired leases
// are reclaimed (their addresses become free, remembering the holder).
func New(cfg Config, core Core, log *slog.Logger, opts ...Option) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid dhcp configuration: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg.withDefaults(), core: core, log: log.With("component", "dhcp"), now: time.Now,
		lastFull: map[*pool]time.Time{}, commitTTL: 5 * time.Second, arp: probeARP, obs: nopObserver{},
		probeMAC: newProbeMAC()}
	for _, o := range opts {
		o(s)
	}
	for _, sub := range s.cfg.Subnets {
		s.pools = append(s.pools, newPool(sub))
	}
	now := s.now()
	s.refreshReservations(now)
	s.restore(now)
	return s, nil
}

func (s *Server) restore(now time.Time) {
	var active, expired, dropped int
	for _, l := range s.core.Leases() {
		p := s.poolContaining(l.IP)
		if p == nil {
			dropped++
			continue
		}
		p.restore(l, now)
		if e := p.byIP[l.IP]; e.state == stateBound {
			// Leases were granted for the subnet's lease time: that is
			// when the device last renewed, for guardMove.
			e.renewed = l.Expires.Add(-s.leaseTime(p))
			if old := p.lastBound[l.MAC]; old == nil || old.renewed.Before(e.renewed) {
				p.lastBound[l.MAC] = e
			}
		}
		if now.Before(l.Expires) {
			active++
		} else {
			expired++
		}
	}
	s.log.Info("leases restored", "active", active, "reclaimed", expired, "outside_subnets", dropped)
}

// refreshReservations merges the TOML reservations with the database's
// (TOML wins on a conflict) and files them under their pools. Callers hold
// s.mu, except New.
func (s *Server) refreshReservations(now time.Time) {
	s.resvAt = now
	for _, p := range s.pools {
		clear(p.resvIP)
		clear(p.resvMAC)
	}
	add := func(m provisioning.MAC, r reservation, source string) {
		p := s.poolContaining(r.ip)
		if p == nil || !p.usable(r.ip) {
			s.log.Warn("reservation outside every subnet", "mac", m, "ip", r.ip, "reason", source)
			return
		}
		if _, taken := p.resvIP[r.ip]; taken {
			return
		}
		if _, has := p.resvMAC[m]; has {
			return
		}
		p.resvIP[r.ip], p.resvMAC[m] = m, r
	}
	for _, r := range s.cfg.Reservations {
		add(r.MAC, reservation{ip: r.IP, hostname: r.Hostname}, "config")
	}
	for m, ip := range s.core.Reservations() {
		add(m, reservation{ip: ip}, "device")
	}
}

func (s *Server) poolContaining(ip netip.Addr) *pool {
	for _, p := range s.pools {
		if p.CIDR.Contains(ip) {
			return p
		}
	}
	return nil
}

// Stats is a snapshot of the pools, for the admin surface and tests.
type Stats struct {
	Subnet  netip.Prefix
	Size    int // addresses in the range
	Bound   int
	Offered int
}

// Stats reports each subnet's use at now.
func (s *Server) Stats() []Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := make([]Stats, 0, len(s.pools))
	for _, p := range s.pools {
		b, o := p.counts(now)
		out = append(out, Stats{Subnet: p.CIDR, Size: int(p.end - p.start + 1), Bound: b, Offered: o})
	}
	return out
}

// logFull logs pool exhaustion at most once a minute per subnet.
func (s *Server) logFull(p *pool, mac provisioning.MAC, now time.Time) {
	if t, ok := s.lastFull[p]; ok && now.Sub(t) < time.Minute {
		return
	}
	s.lastFull[p] = now
	s.log.Warn("pool exhausted", "subnet", p.CIDR, "mac", mac, "reason", "no free address in range")
}

// unidentified counts a request that nothing identifies (all-zero or
// malformed chaddr and no option 61; RFC 2131 section 4.2 needs one of
// them to bind a lease) and logs the first of each minute.
func (s *Server) unidentified(req *dhcpv4.DHCPv4, now time.Time) {
	s.mu.Lock()
	s.noID++
	n, log := s.noID, now.Sub(s.lastNoID) >= time.Minute
	if log {
		s.lastNoID = now
	}
	s.mu.Unlock()
	if log {
		s.log.Warn("request dropped", "mac", req.ClientHWAddr.String(), "msg_type", req.MessageType().String(),
			"reason", "no client identifier and no usable chaddr", "dropped_total", n)
	}
}

// Unidentified is how many requests were dropped because nothing
// identified the client.
func (s *Server) Unidentified() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.noID
}
