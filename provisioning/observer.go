package provisioning

import (
	"sync/atomic"
	"time"
)

// Observer is told what the core decides, for counting (the Prometheus
// metrics of cmd/provbox). Its arguments are bounded sets only: vendor
// names of the profile registry, fixed outcome and reason words, never a
// MAC, an address or a hash. Calls come from the request paths, so an
// implementation must be cheap and must not block.
type Observer interface {
	// Bootstrap: a request for a vendor's bootstrap file named a device
	// (before the checks; vendor is the matching profile's).
	Bootstrap(proto Proto, vendor string)
	// Served: a file was served; outcome is redirect, config, common,
	// rekey-redirect.
	Served(proto Proto, vendor, outcome string)
	// Refused: a fetch (proto http, https, tftp) or DHCP request (proto
	// dhcp) was refused for reason (bad-path, locked, ...).
	Refused(proto, reason string)
	// Struck: a refusal counted against its source with weight.
	Struck(reason string, weight int)
	// BanChanged: a source was banned (true) or its ban lifted (false).
	BanChanged(banned bool)
	// Locked: a device closed its provisioning window after its full
	// config was served.
	Locked(vendor string)
	// LeaseBatch: one group commit of n lease writes took d.
	LeaseBatch(n int, d time.Duration)
	// LeaseCommitted: one CommitLease call waited d (its share of a
	// group commit, queueing included).
	LeaseCommitted(d time.Duration)
}

// NopObserver counts nothing; embed it to implement only some methods.
type NopObserver struct{}

func (NopObserver) Bootstrap(Proto, string)       {}
func (NopObserver) Served(Proto, string, string)  {}
func (NopObserver) Refused(string, string)        {}
func (NopObserver) Struck(string, int)            {}
func (NopObserver) BanChanged(bool)               {}
func (NopObserver) Locked(string)                 {}
func (NopObserver) LeaseBatch(int, time.Duration) {}
func (NopObserver) LeaseCommitted(time.Duration)  {}

// observerBox lets an interface live in an atomic.Pointer.
type observerBox struct{ Observer }

var nopBox = &observerBox{NopObserver{}}

// observerSlot holds the current observer; the zero value and a nil
// slot are no-ops.
type observerSlot struct{ p atomic.Pointer[observerBox] }

func (o *observerSlot) get() Observer {
	if o == nil {
		return nopBox.Observer
	}
	if b := o.p.Load(); b != nil {
		return b.Observer
	}
	return nopBox.Observer
}

// SetObserver installs o (nil: none). Safe at any time; cmd/provbox sets
// it before serving.
func (s *Service) SetObserver(o Observer) {
	if o == nil {
		o = NopObserver{}
	}
	s.obs.p.Store(&observerBox{o})
}

// DeviceStates counts devices by state ("open", "locked") at now.
func (s *Service) DeviceStates() map[string]int {
	now := s.now()
	out := map[string]int{"open": 0, "locked": 0}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, d := range s.devices {
		out[d.State(now)]++
	}
	return out
}

// ActiveBans counts the bans in force now.
func (s *Service) ActiveBans() int { return len(s.bans.active(s.now())) }
