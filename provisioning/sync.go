package provisioning

import (
	"context"
	"fmt"
	"net/netip"
	"time"
)

// ChangeWatcher is implemented by a Store several nodes share (the
// PostgreSQL back-end): WatchChanges calls changed, until ctx ends, after
// each change any node commits and after each reconnection of its
// listener. The Service then resyncs its memory view in full.
type ChangeWatcher interface {
	WatchChanges(ctx context.Context, changed func())
}

// resyncRetry is the pause before retrying a resync that failed (the
// database unreachable); the listener's reconnection also triggers one.
const resyncRetry = time.Second

// startSync follows other nodes' changes if the store reports them.
// Notifications arriving during a resync coalesce into one more resync.
func (s *Service) startSync() {
	s.syncDone = make(chan struct{})
	w, ok := s.st.(ChangeWatcher)
	if !ok {
		close(s.syncDone)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.syncStop = cancel
	kick := make(chan struct{}, 1)
	poke := func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	w.WatchChanges(ctx, poke)
	go func() {
		defer close(s.syncDone)
		for {
			select {
			case <-ctx.Done():
				return
			case <-kick:
			}
			if err := s.Resync(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("resyncing from the shared database", "err", err)
				time.AfterFunc(resyncRetry, poke)
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

// Resync rereads accounts, devices, retired paths and leases from the
// store and replaces the memory view, so changes other nodes committed
// show here. It holds wmu, so no local inventory write interleaves; a
// lease committed meanwhile notifies again and is picked up by the next.
func (s *Service) Resync(ctx context.Context) error {
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
