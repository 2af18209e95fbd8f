package provisioning

import (
	"context"
	"fmt"
	"net/netip"
	"time"
)

// ChangeWatcher is implemented by a Store several nodes share (the
// PostgreSQL back-end): WatchChanges calls changed, until ctx ends, after
// each change any node commits, with the table changed, and with "" after
// each reconnection of its listener. The Service then reloads its ban
// engine for "bans" and resyncs its memory view in full otherwise.
type ChangeWatcher interface {
	WatchChanges(ctx context.Context, changed func(table string))
}

// banTable is the payload of a change to the bans table (migration 0007).
const banTable = "bans"

// resyncRetry is the pause before retrying a resync that failed (the
// database unreachable); the listener's reconnection also triggers one.
const resyncRetry = time.Second

// startSync follows other nodes' changes if the store reports them.
// Notifications arriving during a resync coalesce into one more resync
// of their kind. A ban change reloads the bans alone: a node issuing many
// bans (an attack from many sources) costs the others a read of the ban
// table each, never of the inventory.
func (s *Service) startSync() {
	s.syncDone = make(chan struct{})
	w, ok := s.st.(ChangeWatcher)
	if !ok {
		close(s.syncDone)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.syncStop = cancel
	full, bans := make(chan struct{}, 1), make(chan struct{}, 1)
	poke := func(c chan struct{}) {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	w.WatchChanges(ctx, func(table string) {
		if table == banTable {
			poke(bans)
		} else {
			poke(full)
		}
	})
	go func() {
		defer close(s.syncDone)
		for {
			resync, again := s.Resync, full
			select {
			case <-ctx.Done():
				return
			case <-full:
			case <-bans:
				resync, again = s.ResyncBans, bans
			}
			if err := resync(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("resyncing from the shared database", "err", err)
				time.AfterFunc(resyncRetry, func() { poke(again) })
			}
		}
	}()
}

func (s *Service) stopSync() {
	if s.syncStop != nil {
		s.syncStop()
	}
	if s.syncDone != nil {
		<-s.syncDone
	}
}

// Resync rereads accounts, devices, retired paths, leases and bans from
// the store and replaces the memory view, so changes other nodes committed
// show here.
func (s *Service) Resync(ctx context.Context) error {
	if err := s.resyncInventory(ctx); err != nil {
		return err
	}
	return s.ResyncBans(ctx)
}

// ResyncBans reloads the bans other nodes issued or lifted into the ban
// engine, keeping its strike counters (strikes are per node) and the
// bans this node changed but has not stored yet (see ban.Engine.Reload).
func (s *Service) ResyncBans(ctx context.Context) error {
	if err := s.bans.reload(ctx, s.now()); err != nil {
		return fmt.Errorf("resync of the bans: %w", err)
	}
	s.banResyncs.Add(1)
	return nil
}

// resyncInventory rereads accounts, devices, retired paths and leases.
// It holds wmu, so no local inventory write interleaves; a lease
// committed meanwhile notifies again and is picked up by the next.
func (s *Service) resyncInventory(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	n := &Service{st: s.st, accounts: map[string]*Account{}, acctHash: map[Hash]*Account{},
		devices: map[MAC]*Device{}, devHash: map[Hash]MAC{}, devIP: map[netip.Addr]MAC{}, leases: newLeaseTable(), old: newOldTable()}
	if err := n.load(ctx); err != nil {
		return fmt.Errorf("resync: %w", err)
	}
	s.mu.Lock()
	s.accounts, s.acctHash, s.devices, s.devHash, s.devIP = n.accounts, n.acctHash, n.devices, n.devHash, n.devIP
	s.leases, s.old = n.leases, n.old
	s.mu.Unlock()
	s.resyncs.Add(1)
	return nil
}

// Resyncs counts completed resyncs (status, tests).
func (s *Service) Resyncs() int64 { return s.resyncs.Load() }

// BanResyncs counts completed reloads of the bans (status, tests).
func (s *Service) BanResyncs() int64 { return s.banResyncs.Load() }
