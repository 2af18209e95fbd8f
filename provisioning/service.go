package provisioning

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/provbox/provbox/provisioning/ban"
	"github.com/provbox/provbox/provisioning/profile"
)

// Config is what the core acts on. Its tagged fields are the
// [provisioning] section of provbox.toml, which decodes straight into
// them (cmd/provbox adds the keys that concern the binary: templates_dir,
// check_lease, insecure_fail_open); the untagged ones come from other
// sections or from the host. The file starts from Defaults; Validate
// holds the section's rules.
type Config struct {
	// BaseURL is how phones reach the HTTP server, without a trailing
	// slash: "http://10.20.0.2" or "https://prov.example:8443". Secret URLs
	// are BaseURL + "/<account_hash>/<device_hash>/".
	BaseURL string `toml:"-"`
	// UnlockWindow is how long initial provisioning stays open after a
	// device is created or unlocked (default 24h).
	UnlockWindow time.Duration `toml:"unlock_window"`
	// RotationGrace is how long a secret path retired by a rekey still
	// redirects its checked phone to the new one; 0 means no grace (the
	// file's default is DefaultRotationGrace).
	RotationGrace time.Duration `toml:"rotation_grace"`
	// FlatMode is disable_auto_provision_security: full configs at /<file>.
	FlatMode bool `toml:"disable_auto_provision_security"`
	// Boot is where DHCP points phones, and the [[dhcp.class]] overrides.
	Boot BootConfig `toml:"-"`
	// Checks are the fingerprint checks; the zero value turns them all off,
	// so callers start from DefaultChecks (the file from Defaults).
	Checks
	// Bans configures the ban engine ([bans], its own section).
	Bans BanConfig `toml:"-"`
	// UnknownEventsKeep bounds the audit lines kept for unknown MACs
	// (default 10,000), EventsKeep the audit lines kept in all (default
	// 1,000,000): the oldest go first.
	UnknownEventsKeep int `toml:"-"`
	EventsKeep        int `toml:"-"`
	// Now is the clock; nil means time.Now.
	Now func() time.Time `toml:"-"`
	// Neighbours answers the neighbour check; nil judges nobody (every
	// requester then needs a lease or an unverified network). cmd/provbox
	// injects the kernel's table (package provisioning/neigh).
	Neighbours NeighbourFunc `toml:"-"`
	// Unverified are the networks whose requesters are served although no
	// network-binding check could judge them (routed subnets, DHCP
	// elsewhere): [provisioning] unverified_networks. A negative verdict
	// still refuses.
	Unverified []netip.Prefix `toml:"unverified_networks"`
	// Reserved are the addresses the DHCP configuration reserves for a
	// MAC ([[dhcp.reservation]]); with the devices' own reservations they
	// tell which addresses hold a known device (forgery.go).
	Reserved map[netip.Addr]MAC `toml:"-"`
	// UnguardedUDP turns the forged-source protection off (forgery.go):
	// UDP refusals then strike an address holding a known device like any
	// other. Only the lab's sabotage sets it, to prove the lab notices;
	// cmd/provbox sets it from an environment variable, never the TOML.
	UnguardedUDP bool `toml:"-"`
}

// Checks switches the fingerprint checks.
type Checks struct {
	UserAgent bool `toml:"check_user_agent"` // the UA must match the device's vendor (HTTP)
	UAMAC     bool `toml:"check_ua_mac"`     // a MAC in the UA must equal the device's MAC (HTTP)
	// Lease: the requester's IP must hold the device's lease (set when
	// provbox runs DHCP; in the file, check_lease spans [dhcp]).
	Lease bool `toml:"-"`
	// Neighbour: an on-link requester's MAC in the kernel's neighbour
	// table (ARP for IPv4, NDP for IPv6) must be the device's (both
	// protocols).
	Neighbour bool `toml:"check_neighbor"`
}

// BanConfig is the [bans] section: the ban engine's own policy, defined
// once in package ban.
type BanConfig = ban.Config

// Defaults of the core's settings; provbox.toml starts from them too
// (Defaults).
const (
	DefaultUnlockWindow  = 24 * time.Hour
	DefaultRotationGrace = 7 * 24 * time.Hour
)

// Service is the provisioning core. One is built in cmd/provbox and handed
// to every server; it is safe for concurrent use.
type Service struct {
	log *slog.Logger
	st  Store

	// wmu serialises writes to the inventory (accounts, devices, retired
	// paths). A writer holds it across its store transaction, then takes
	// mu only to publish: the maps change only under both, so a wmu holder
	// reads them without mu, and the serving paths (mu.RLock) never wait
	// for an fsync.
	wmu sync.Mutex
	// clock is cfg.Now, readable without a lock (Banned runs it first).
	clock atomic.Pointer[func() time.Time]

	mu       sync.RWMutex
	cfg      Config
	reg      *profile.Registry
	accounts map[string]*Account // by name
	acctHash map[Hash]*Account
	devices  map[MAC]*Device
	devHash  map[Hash]MAC
	devIP    map[netip.Addr]MAC // devices' reserved addresses, unmapped; putDevice and dropDevice keep it
	leases   leaseTable
	old      oldTable     // secret paths retired by a rekey
	pending  pendingTable // unknown phones that asked (pending.go)

	refusalLog [2]LogBudget // bounds the refusal lines of the log, HTTP(S) and TFTP apart (refusallog.go)

	obs        observerSlot // counts decisions (metrics); no-op by default
	leaseW     *leaseWriter
	devW       *deviceWriter // first-fetch locks and last-seen times (devicewrites.go)
	events     *eventWriter
	bans       banEngine
	closeOnce  sync.Once
	syncStop   context.CancelFunc // stops following other nodes (sync.go)
	syncDone   chan struct{}
	resyncs    atomic.Int64
	banResyncs atomic.Int64
	quit       chan struct{} // stops the ban sweeper
	swept      chan struct{} // closed when the ban sweeper has stopped

	bootClasses bootClassCache // Boot's rule list (boot.go)
}

// New loads the store's state into memory and starts the background
// writers. Close stops them.
func New(ctx context.Context, cfg Config, st Store, reg *profile.Registry, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	s := &Service{
		log: log.With("component", "provisioning"), st: st, cfg: cfg, reg: reg,
		accounts: map[string]*Account{}, acctHash: map[Hash]*Account{},
		devices: map[MAC]*Device{}, devHash: map[Hash]MAC{}, devIP: map[netip.Addr]MAC{}, leases: newLeaseTable(),
		old: newOldTable(),
	}
	s.clock.Store(&cfg.Now)
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	b, err := newBanEngine(ctx, s)
	if err != nil {
		return nil, err
	}
	s.bans = b
	s.leaseW = newLeaseWriter(st, s.applyLeases, &s.obs)
	s.devW = newDeviceWriter(st, &s.wmu, s.applyDeviceWrites, s.lastSeenFailed)
	s.events = newEventWriter(st, s.log, cfg.UnknownEventsKeep, cfg.EventsKeep)
	s.quit, s.swept = make(chan struct{}), make(chan struct{})
	go func() { defer close(s.swept); s.sweepBansUntil(s.quit) }()
	s.startSync()
	s.warnUnsafe(cfg)
	return s, nil
}

func (c Config) withDefaults() Config {
	if c.UnlockWindow <= 0 {
		c.UnlockWindow = DefaultUnlockWindow
	}
	if c.UnknownEventsKeep <= 0 {
		c.UnknownEventsKeep = 10000
	}
	if c.EventsKeep <= 0 {
		c.EventsKeep = 1_000_000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Neighbours == nil {
		c.Neighbours = NoNeighbours
	}
	return c
}

func (s *Service) load(ctx context.Context) error {
	as, err := s.st.Accounts(ctx)
	if err != nil {
		return fmt.Errorf("loading accounts: %w", err)
	}
	for i := range as {
		a := as[i]
		s.accounts[a.Name], s.acctHash[a.Hash] = &a, &a
	}
	ds, err := s.st.Devices(ctx)
	if err != nil {
		return fmt.Errorf("loading devices: %w", err)
	}
	for i := range ds {
		d := ds[i]
		s.putDevice(&d)
		s.devHash[d.Hash] = d.MAC
	}
	ls, err := s.st.Leases(ctx)
	if err != nil {
		return fmt.Errorf("loading leases: %w", err)
	}
	for _, l := range ls {
		s.leases.put(l)
	}
	return s.loadOldPaths(ctx)
}

// Reload applies a new configuration and vendor registry; what needs a
// restart (listeners) is the caller's business.
func (s *Service) Reload(cfg Config, reg *profile.Registry) {
	cfg = cfg.withDefaults()
	s.mu.Lock()
	s.cfg, s.reg = cfg, reg
	s.clock.Store(&cfg.Now)
	s.mu.Unlock()
	s.bans.reconfigure(cfg.Bans)
	s.warnUnsafe(cfg)
}

// warnUnsafe logs, at every start and reload, each safeguard cfg turns off.
func (s *Service) warnUnsafe(cfg Config) {
	if cfg.FlatMode {
		s.log.Warn("disable_auto_provision_security is set: full configs are served at /<file> with no redirect and no lock")
	}
	if cfg.UnguardedUDP {
		s.log.Warn("the forged-source protection is OFF (lab sabotage): forged TFTP requests can get a phone's address banned")
	}
}

// Close flushes pending audit lines and stops the background writers.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		<-s.swept
		s.stopSync()
		s.devW.close()
		s.leaseW.close()
		s.events.close()
	})
	return nil
}

// now reads the configured clock without a lock.
func (s *Service) now() time.Time { return (*s.clock.Load())() }

// config returns the configuration and registry in force.
func (s *Service) config() (Config, *profile.Registry) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cfg, s.reg
}

// Registry returns the vendor registry in force.
func (s *Service) Registry() *profile.Registry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reg
}

// Healthy returns nil when the core can answer (used by the watchdog).
func (s *Service) Healthy(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.mu.RLock(); s.mu.RUnlock(); close(done) }() //nolint:staticcheck // probe for a deadlock
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("provisioning core unresponsive: %w", ctx.Err())
	}
}

// DefaultChecks turns on every check that applies; Lease only makes sense
// when provbox is the DHCP server.
func DefaultChecks(dhcpEnabled bool) Checks {
	return Checks{UserAgent: true, UAMAC: true, Lease: dhcpEnabled, Neighbour: true}
}
