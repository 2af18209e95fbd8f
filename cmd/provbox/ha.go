package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/provbox/provbox/dhcp"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/store"
)

// DHCP failover ([store] ha = true): the nodes sharing one PostgreSQL
// database elect the one that answers DHCP through the leader row
// (provisioning/store/ha.go). A leadership lasts haTTL on the database's
// clock from each renewal; the leader renews every haBeat and stops
// answering haMargin before the lease it last confirmed could end, counted
// from before it asked, so it has stopped before any standby can take
// over. A standby tries every haBeat. When the leader dies its lease ends
// at most haTTL after its last renewal and a standby claims it within
// haBeat more, then reloads the leases and binds: about 7 s, under 10.
const (
	haTTL    = 5 * time.Second
	haBeat   = time.Second
	haMargin = time.Second
	haCall   = time.Second // bound on one round trip of the election
)

// haDHCP is the DHCP server under failover: a fresh server per term of
// leadership, built from the leases as the database has them when the
// term begins, and stopped when the term ends.
type haDHCP struct {
	cfg  *fileConfig
	svc  *provisioning.Service
	st   *store.Store
	ha   *store.HA
	log  *slog.Logger
	opts []dhcp.Option
	// install points the admin surfaces and metrics at the server that
	// answers (or, on a standby, the one built at start).
	install func(*dhcp.Server)

	term    atomic.Pointer[haTerm] // serving, while its context lasts
	dbError atomic.Bool            // the last election round trip failed
	beat    chan struct{}          // a role change: record a heartbeat now
}

// bindHA checks the DHCP sockets can be bound (so a missing interface
// fails the start as without failover), keeps that server for the
// standby's explain, and fences lease writes until this node is elected.
func bindHA(d *daemon, install func(*dhcp.Server)) (*haDHCP, error) {
	r, err := bindDHCP(d.cfg, d.svc, d.log, d.metrics.dhcpOptions()...)
	if err != nil {
		return nil, err
	}
	ds := r.(*dhcpServer)
	ds.close()
	node := d.cfg.nodeName()
	ha, err := d.st.OpenHA(node, haTTL)
	if err != nil {
		return nil, err
	}
	d.st.Fence(ha.ID(), 0)
	install(ds.srv)
	d.log.Info("DHCP failover: standby until elected", "node", node)
	return &haDHCP{cfg: d.cfg, svc: d.svc, st: d.st, ha: ha, log: d.log.With("component", "ha", "node", node),
		opts: d.metrics.dhcpOptions(), install: install, beat: make(chan struct{}, 1)}, nil
}

func (h *haDHCP) close() { h.ha.Close() }

// role is "active" or "standby": active from the moment the term's
// server serves until the term ends (its sockets close at once; packets
// in flight may still drain, but no reply leaves).
func (h *haDHCP) role() string {
	if t := h.term.Load(); t != nil && t.ctx.Err() == nil {
		return "active"
	}
	return "standby"
}

// serve runs the election until ctx ends, serving DHCP during each term.
func (h *haDHCP) serve(ctx context.Context) error {
	hb := make(chan struct{})
	go func() { defer close(hb); h.heartbeats(ctx) }()
	var tok int64
	var t *haTerm
	tick := time.NewTicker(haBeat)
	defer tick.Stop()
	for {
		sent := time.Now()
		got, err := h.claim(ctx, tok)
		switch {
		case err != nil: // the term, if any, ends at its timer
		case got == 0:
			tok = 0
			t = t.end()
		default:
			if got != tok {
				t = t.end() // a new term: never carry a server over
				tok = got
				h.st.Fence(h.ha.ID(), tok)
			}
			if t.running() {
				t.extend(sent.Add(haTTL - haMargin))
			} else {
				t = h.begin(ctx, tok, sent.Add(haTTL-haMargin))
			}
		}
		select {
		case <-ctx.Done():
			t.end()
			if tok != 0 {
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), haCall)
				if err := h.ha.Resign(rctx, tok); err == nil {
					h.log.Info("DHCP leadership handed back")
				}
				cancel()
			}
			<-hb
			return nil
		case <-tick.C:
		}
	}
}

// claim renews or takes the leadership; errors are logged when they
// start and when they stop.
func (h *haDHCP) claim(ctx context.Context, tok int64) (int64, error) {
	cctx, cancel := context.WithTimeout(ctx, haCall)
	defer cancel()
	got, err := h.ha.Claim(cctx, tok)
	if err != nil && ctx.Err() == nil {
		if !h.dbError.Swap(true) {
			h.log.Error("DHCP failover: the database does not answer; DHCP stops before the leadership could lapse", "err", err)
		}
		return 0, err
	}
	if h.dbError.Swap(false) {
		h.log.Info("DHCP failover: the database answers again")
	}
	return got, err
}

// heartbeats records this node's heartbeat every haBeat.
func (h *haDHCP) heartbeats(ctx context.Context) {
	tick := time.NewTicker(haBeat)
	defer tick.Stop()
	for {
		cctx, cancel := context.WithTimeout(ctx, haCall)
		h.ha.Heartbeat(cctx, h.role()) //nolint:errcheck // the election reports the database's failures
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-h.beat:
		}
	}
}

// roleChanged has the heartbeat record the new role at once.
func (h *haDHCP) roleChanged() {
	select {
	case h.beat <- struct{}{}:
	default:
	}
}
