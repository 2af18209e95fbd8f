package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/provbox/provbox/dhcp"
)

// haTerm is one term of DHCP leadership: the server serving it and the
// timer that stops it when the leadership can no longer be confirmed.
type haTerm struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	timer  *time.Timer
	until  time.Time // the confirmed end of leadership, under mu
}

// begin reloads the leases from the database (every lease the previous
// leader recorded: the takeover waited for its writes), builds a fresh
// server from them, binds and serves until the term ends. It returns nil
// when the term could not start (the next round retries).
func (h *haDHCP) begin(ctx context.Context, tok int64, until time.Time) *haTerm {
	// Cancelled by the timer, which each renewal moves (extend).
	tctx, cancel := context.WithCancel(ctx)
	t := &haTerm{ctx: tctx, cancel: cancel, done: make(chan struct{}), until: until}
	t.timer = time.AfterFunc(time.Until(until), cancel)
	rctx, rcancel := context.WithDeadline(tctx, until)
	err := h.svc.Resync(rctx)
	rcancel()
	if err != nil {
		h.log.Error("DHCP leadership taken but the leases could not be reloaded; not serving", "token", tok, "err", err)
		t.stop()
		return nil
	}
	r, err := bindDHCP(h.cfg, h.svc, h.log, append(slices.Clip(h.opts), dhcp.WithLiveness(t.live))...)
	if err != nil {
		h.log.Error("DHCP leadership taken but the sockets could not be bound; not serving", "token", tok, "err", err)
		t.stop()
		return nil
	}
	ds := r.(*dhcpServer)
	h.install(ds.srv)
	h.term.Store(t)
	h.roleChanged()
	h.log.Info("DHCP leadership taken: serving", "token", tok, "leases", len(h.svc.Leases()))
	go func() {
		defer close(t.done)
		if err := ds.serve(tctx); err != nil {
			h.log.Error("DHCP server stopped", "err", err)
		}
		ds.close()
		h.roleChanged()
		h.log.Warn("DHCP leadership lapsed or ended: not serving", "token", tok)
	}()
	return t
}

// extend moves the term's end to until, a renewal having confirmed it.
// Once the timer fired the term is over for good (its server stops) and
// the next round begins a new one.
func (t *haTerm) extend(until time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.until = until
	t.timer.Reset(time.Until(until))
}

// live reports whether a reply may still leave in this term: checked
// before each one, as the timer may not have fired yet in a process that
// just resumed from a pause. Both clocks must agree: the monotonic one
// stops while a machine is suspended, the wall clock may be stepped.
func (t *haTerm) live() bool {
	t.mu.Lock()
	until := t.until
	t.mu.Unlock()
	now := time.Now()
	return t.ctx.Err() == nil && now.Before(until) && now.Round(0).Before(until.Round(0))
}

// running reports whether the term's server still serves.
func (t *haTerm) running() bool {
	if t == nil {
		return false
	}
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// end stops the term's server and waits for it (packets in flight
// finish; their lease writes are fenced). It returns nil, the new term.
func (t *haTerm) end() *haTerm {
	if t == nil {
		return nil
	}
	t.stop()
	<-t.done
	return nil
}

func (t *haTerm) stop() {
	t.mu.Lock()
	t.timer.Stop()
	t.mu.Unlock()
	t.cancel()
}
