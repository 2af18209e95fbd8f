package provisioning

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// DeviceWrite is one write the serving path makes to a device: the lock
// its first full config takes, or the time it was last seen, or both.
type DeviceWrite struct {
	MAC MAC
	// Lock locks the device at LockAt if its window is still open then,
	// with LockOpenDevice's guarantee: of racing locks, from any number
	// of nodes, exactly one takes it.
	Lock   bool
	LockAt time.Time
	// Seen, unless zero, raises the device's last-seen time to Seen; it
	// never lowers it, so batches may land in any order.
	Seen time.Time
}

// DeviceWriteResult is what one DeviceWrite did.
type DeviceWriteResult struct {
	Took     bool      // Lock: this write took the lock
	LockedAt time.Time // Lock: the device's lock time after the write
	Err      error     // this write alone failed (ErrNotFound, a bad time)
}

// errDeviceWriterStopped answers a lock asked for after Close.
var errDeviceWriterStopped = errors.New("device writer stopped")

const (
	// deviceBatchMax bounds the locks one transaction carries.
	deviceBatchMax = 512
	// deviceWriteTimeout bounds one batch's transaction. The batch does
	// not run under any requester's context (see lock), so this is what
	// frees its waiters if the database stops answering.
	deviceWriteTimeout = 30 * time.Second
)

// lockOp is one first-fetch lock waiting for its batch.
type lockOp struct {
	m    MAC
	at   time.Time
	done chan DeviceWriteResult
}

// deviceWriter group-commits the serving path's device writes, as the
// lease writer does for leases: whatever arrives while one transaction
// commits goes into the next, so a boot storm costs one fsync per batch
// instead of two per phone, and no phone queues on wmu behind another's.
//
// Each batch runs under wmu, like every other inventory write: an admin
// write (which rewrites a device's stored row and publishes it, under
// wmu) then sees every batch before it and none in the middle, so
// neither undoes the other in memory. Another node's batches it cannot
// order that way: there the row held from read to write does it
// (modifyDevice).
type deviceWriter struct {
	st    Store
	wmu   *sync.Mutex
	apply func([]DeviceWrite, []DeviceWriteResult) // publishes a durable batch; called under wmu
	onErr func(err error, seen int)                // reports a failed batch that carried last-seen times

	locks chan lockOp
	mu    sync.Mutex
	seen  map[MAC]time.Time // last-seen times not yet written, latest per device
	kick  chan struct{}     // a last-seen time is waiting
	quit  chan struct{}
	done  chan struct{}

	batches, writes atomic.Int64
}

func newDeviceWriter(st Store, wmu *sync.Mutex, apply func([]DeviceWrite, []DeviceWriteResult), onErr func(error, int)) *deviceWriter {
	w := &deviceWriter{st: st, wmu: wmu, apply: apply, onErr: onErr,
		locks: make(chan lockOp, deviceBatchMax), seen: map[MAC]time.Time{},
		kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// lock locks device m at at and returns once the outcome is durable. It
// takes no context on purpose: the core has decided to serve the full
// config when it asks, and a requester that gives up meanwhile (a phone's
// timeout) must not leave that decision half done. The lock still lands
// before the config is answered, and its wait is bounded by
// deviceWriteTimeout.
func (w *deviceWriter) lock(m MAC, at time.Time) DeviceWriteResult {
	op := lockOp{m: m, at: at, done: make(chan DeviceWriteResult, 1)}
	select {
	case w.locks <- op:
	case <-w.quit:
		return DeviceWriteResult{Err: errDeviceWriterStopped}
	}
	select {
	case r := <-op.done:
		return r
	case <-w.done:
		// Queued as the writer stopped: its last batch may have taken it.
		select {
		case r := <-op.done:
			return r
		default:
			return DeviceWriteResult{Err: errDeviceWriterStopped}
		}
	}
}

// touch records that device m was seen at t, for the next batch; it does
// not wait. Per device the latest time wins.
func (w *deviceWriter) touch(m MAC, t time.Time) {
	w.mu.Lock()
	if t.After(w.seen[m]) {
		w.seen[m] = t
	}
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

func (w *deviceWriter) takeSeen() map[MAC]time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.seen) == 0 {
		return nil
	}
	s := w.seen
	w.seen = map[MAC]time.Time{}
	return s
}

func (w *deviceWriter) run() {
	defer close(w.done)
	for {
		var batch []lockOp
		stopping := false
		select {
		case op := <-w.locks:
			batch = append(batch, op)
		case <-w.kick:
		case <-w.quit:
			stopping = true
		}
		batch = w.fill(batch)
		if seen := w.takeSeen(); len(batch) > 0 || len(seen) > 0 {
			w.write(batch, seen)
		}
		if stopping {
			return
		}
	}
}

// fill adds the locks already queued, up to deviceBatchMax.
func (w *deviceWriter) fill(batch []lockOp) []lockOp {
	for len(batch) < deviceBatchMax {
		select {
		case op := <-w.locks:
			batch = append(batch, op)
		default:
			return batch
		}
	}
	return batch
}

// write commits one batch, publishes it, then answers its locks.
func (w *deviceWriter) write(locks []lockOp, seen map[MAC]time.Time) {
	ws := make([]DeviceWrite, 0, len(locks)+len(seen))
	for _, op := range locks {
		ws = append(ws, DeviceWrite{MAC: op.m, Lock: true, LockAt: op.at})
	}
	for m, t := range seen {
		ws = append(ws, DeviceWrite{MAC: m, Seen: t})
	}
	ctx, cancel := context.WithTimeout(context.Background(), deviceWriteTimeout)
	w.wmu.Lock()
	res, err := w.st.WriteDevices(ctx, ws)
	if err == nil {
		w.apply(ws, res)
	}
	w.wmu.Unlock()
	cancel()
	w.batches.Add(1)
	w.writes.Add(int64(len(ws)))
	if err != nil && len(seen) > 0 {
		w.onErr(err, len(seen))
	}
	for i, op := range locks {
		r := DeviceWriteResult{Err: err}
		if err == nil {
			r = res[i]
		}
		op.done <- r
	}
}

// close writes what is queued and stops the writer.
func (w *deviceWriter) close() {
	close(w.quit)
	<-w.done
}

// DeviceWriteStats counts the serving path's device writes: Writes
// (locks and last-seen times) went to the store in Batches transactions.
type DeviceWriteStats struct {
	Batches, Writes int64
	Queued          int // locks waiting for the next batch
}

// DeviceWriteStats reports how the serving path's device writes were
// batched.
func (s *Service) DeviceWriteStats() DeviceWriteStats {
	return DeviceWriteStats{Batches: s.devW.batches.Load(), Writes: s.devW.writes.Load(), Queued: len(s.devW.locks)}
}

// applyDeviceWrites publishes a durable batch to the memory view. The
// caller holds wmu.
func (s *Service) applyDeviceWrites(ws []DeviceWrite, res []DeviceWriteResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, w := range ws {
		cur, ok := s.devices[w.MAC]
		if !ok || res[i].Err != nil {
			continue
		}
		d := *cur
		if w.Lock {
			d.OpenUntil, d.LockedAt = time.Time{}, res[i].LockedAt
		}
		if w.Seen.After(d.LastSeen) {
			d.LastSeen = w.Seen
		}
		s.putDevice(&d)
	}
}

// lastSeenFailed logs a batch that could not record last-seen times: they
// are lost, as a failed last-seen write always was (the admin view's
// "last seen" is informational; nothing checks it).
func (s *Service) lastSeenFailed(err error, n int) {
	s.log.Error("recording last seen", "devices", n, "err", err)
}
