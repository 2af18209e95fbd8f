package provisioning

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// leaseTable is the core's in-memory copy of the DHCP leases, for the
// fingerprint's "requester holds the lease of that MAC" check. Its values
// are compact (the address is the key, the expiry Unix nanoseconds): with
// a lease per phone the table is a large part of the core's memory.
type leaseTable struct {
	byIP map[netip.Addr]leaseRec
}

type leaseRec struct {
	mac                   MAC
	expires               int64 // Unix nanoseconds; 0: the zero time
	hostname, vendorClass string
}

func newLeaseTable() leaseTable { return leaseTable{byIP: map[netip.Addr]leaseRec{}} }

func (t leaseTable) put(l Lease) {
	r := leaseRec{mac: l.MAC, hostname: l.Hostname, vendorClass: l.VendorClass}
	if !l.Expires.IsZero() {
		r.expires = l.Expires.UnixNano()
	}
	t.byIP[l.IP] = r
}

func (t leaseTable) del(ip netip.Addr) { delete(t.byIP, ip) }

// lease rebuilds the Lease of ip from its record.
func (r leaseRec) lease(ip netip.Addr) Lease {
	l := Lease{IP: ip, MAC: r.mac, Hostname: r.hostname, VendorClass: r.vendorClass}
	if r.expires != 0 {
		l.Expires = time.Unix(0, r.expires)
	}
	return l
}

// holder returns the MAC holding ip at now.
func (t leaseTable) holder(ip netip.Addr, now time.Time) (MAC, bool) {
	r, ok := t.byIP[ip]
	if !ok || r.expires == 0 || now.UnixNano() >= r.expires {
		return MAC{}, false
	}
	return r.mac, true
}

// CommitLease makes l durable, then records it for the lease check. It
// returns once the lease survives kill -9; concurrent commits share one
// transaction (group commit), so the DHCP server may ACK right after.
func (s *Service) CommitLease(ctx context.Context, l Lease) error {
	start := time.Now()
	defer func() { s.obs.get().LeaseCommitted(time.Since(start)) }()
	if err := s.leaseW.commit(ctx, leaseOp{put: l}); err != nil {
		return fmt.Errorf("committing lease %s for %s: %w", l.IP, l.MAC, err)
	}
	s.leaseAudit(l)
	return nil
}

// CommitLeaseAsync is CommitLease without the wait: done runs once l is
// durable (err nil) or was not stored, never before, on a goroutine the
// writer starts per batch, where done may send a reply. The DHCP server
// answers a REQUEST from done, which spares a goroutine, its wake-ups and
// a channel per lease. done is always called, with an error if the core
// is closing.
func (s *Service) CommitLeaseAsync(l Lease, done func(error)) {
	start := time.Now()
	s.leaseW.submit(leaseOp{put: l, then: func(err error) {
		s.obs.get().LeaseCommitted(time.Since(start))
		if err != nil {
			done(fmt.Errorf("committing lease %s for %s: %w", l.IP, l.MAC, err))
			return
		}
		s.leaseAudit(l)
		done(nil)
	}})
}

// leaseAudit records a durable lease of a known device in the audit trail.
func (s *Service) leaseAudit(l Lease) {
	s.mu.RLock()
	_, known := s.devices[l.MAC]
	s.mu.RUnlock()
	if known {
		s.audit(Event{Proto: "dhcp", IP: l.IP, MAC: l.MAC, Outcome: "lease", Reason: Printable(l.VendorClass)}) // Poly's is binary (RFC 3925)
	}
}

// Leases lists the leases the core knows, sorted by address, expired
// ones included (the DHCP server reclaims them).
func (s *Service) Leases() []Lease {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Lease, 0, len(s.leases.byIP))
	for ip, r := range s.leases.byIP {
		out = append(out, r.lease(ip))
	}
	slices.SortFunc(out, func(a, b Lease) int { return a.IP.Compare(b.IP) })
	return out
}

// Reservations returns the addresses reserved for devices in the state
// database.
func (s *Service) Reservations() map[MAC]netip.Addr {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[MAC]netip.Addr{}
	for m, d := range s.devices {
		if d.IP.IsValid() {
			out[m] = d.IP
		}
	}
	return out
}

// leaseOp is one lease write: put, or delete when del is valid. The
// writer answers on done (commit) or calls then (submit).
type leaseOp struct {
	put  Lease
	del  netip.Addr
	done chan error
	then func(error)
}

// leaseWriter batches lease writes: whatever arrives while one transaction
// commits goes into the next, so throughput grows with load while every
// caller still waits for its own durable write.
type leaseWriter struct {
	st Store
	// apply publishes a durable batch to memory, in batch order, before
	// any caller of that batch is answered.
	apply func([]leaseOp)
	obs   *observerSlot // told each batch's size and duration
	ops   chan leaseOp
	// filled wakes a lingering writer once fillTo operations are queued
	// (nudge): it then sleeps through the batch's window instead of
	// waking for every lease that arrives.
	filled chan struct{}
	quit   chan struct{}
	done   chan struct{}
	delay  time.Duration // commitDelay; tests change it
	// closing keeps submit from queueing an operation that run, having
	// stopped, would never answer (close drains the queue after it).
	closing sync.RWMutex
	closed  bool
	// fillTo is the batch size at which a busy writer stops waiting
	// (commitFill); 0: leaseBatchMax (target).
	fillTo int
	// stretch is how much longer a busy writer waits when delay has
	// passed with fewer than minFill leases (commitStretch, commitMin);
	// 0: never.
	stretch time.Duration
	minFill int
}

const leaseBatchMax = 512

func newLeaseWriter(st Store, apply func([]leaseOp), obs *observerSlot) *leaseWriter {
	w := &leaseWriter{st: st, apply: apply, obs: obs, ops: make(chan leaseOp, leaseBatchMax), filled: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}), delay: commitDelay, fillTo: commitFill, stretch: commitStretch, minFill: commitMin}
	go w.run()
	return w
}

// ErrLeaseBacklog is why CommitLeaseAsync failed at once: the lease
// writer's queue is full, the store not keeping up (hung past the DHCP
// server's commit deadline). The DHCP server counts it as overload.
var ErrLeaseBacklog = errors.New("lease writer backlogged: the store is not keeping up")

var errWriterStopped = errors.New("lease writer stopped")

// submit queues op; the writer calls op.then once the batch holding it is
// written (or failed), or at once if the writer has stopped or its queue
// is full. A full queue fails at once rather than wait: the submitter is
// the DHCP server's reading goroutine, which must keep answering while a
// store hangs. The DHCP server's admission slots keep the queue short of
// full unless a write has hung past its commit deadline (dhcp/async.go).
func (w *leaseWriter) submit(op leaseOp) {
	w.closing.RLock()
	defer w.closing.RUnlock()
	if w.closed {
		op.then(errWriterStopped)
		return
	}
	select {
	case w.ops <- op:
		w.nudge()
	case <-w.quit:
		op.then(errWriterStopped)
	default:
		op.then(ErrLeaseBacklog)
	}
}

// nudge wakes a lingering writer if the queue holds enough for its batch.
func (w *leaseWriter) nudge() {
	if len(w.ops)+1 >= w.target() {
		select {
		case w.filled <- struct{}{}:
		default:
		}
	}
}

// target is the batch size at which a busy writer stops waiting.
func (w *leaseWriter) target() int {
	if w.fillTo <= 0 || w.fillTo > leaseBatchMax {
		return leaseBatchMax
	}
	return w.fillTo
}

func (w *leaseWriter) commit(ctx context.Context, op leaseOp) error {
	op.done = make(chan error, 1)
	select {
	case w.ops <- op:
		w.nudge()
	case <-w.quit:
		return errWriterStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-op.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// commitDelay is how long the writer keeps a batch open once a lease has
// arrived, when leases are arriving close together (what PostgreSQL's
// commit_delay does), unless commitFill leases came sooner: a
// transaction's fixed cost (BEGIN, the WAL frames, the fsync, the
// runtime's hand-off of a thread blocked in it) is most of a lease's CPU
// at a few thousand leases a second, where a 2 ms window held 5 to 10
// leases; the longer window amortises it over 3 to 4 times as many, for a
// few milliseconds more before an ACK (a client waits 4 s before it
// retransmits, RFC 2131 section 4.1). busyGap is what "close together"
// means: the writer was idle for less than that before the batch's first
// lease. A lone lease (one phone booting) is never delayed, and under
// heavy load the batch fills before the delay runs out.
//
// At a lower steady rate (1,000 leases a second) the window held 6 to 9
// leases, and the transaction's fixed cost was a quarter of the server's
// CPU: when the delay has passed with fewer than commitMin leases, a busy
// writer waits commitStretch more, once, so the batch doubles for up to
// 6 ms more before those ACKs. Above about 2,000 a second the batch holds
// commitMin within the delay and nothing changes.
const (
	commitDelay   = 6 * time.Millisecond
	commitFill    = 32
	commitMin     = 16
	commitStretch = 6 * time.Millisecond
	busyGap       = 10 * time.Millisecond
)

func (w *leaseWriter) run() {
	defer close(w.done)
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	var idleSince time.Time // when the last batch was written
	for {
		var batch []leaseOp
		select {
		case op := <-w.ops:
			batch = append(batch, op)
		case <-w.quit:
			return
		}
		busy := !idleSince.IsZero() && time.Since(idleSince) < busyGap
		batch = w.fill(batch, busy, linger)
		w.write(batch)
		idleSince = time.Now()
	}
}

// fill adds what is queued to batch, and when busy what arrives within
// commitDelay until the batch holds fillTo, up to leaseBatchMax.
func (w *leaseWriter) fill(batch []leaseOp, busy bool, linger *time.Timer) []leaseOp {
	if busy {
		batch = w.linger(batch, linger)
	}
	for len(batch) < leaseBatchMax {
		select {
		case op := <-w.ops:
			batch = append(batch, op)
		default:
			return batch
		}
	}
	return batch
}

// linger waits, commitDelay at most, until batch and the queue hold the
// target between them (fill then takes what is queued), and commitStretch
// more if by then they hold fewer than minFill. It sleeps through the
// window, woken by the timer or by nudge, not by each lease.
func (w *leaseWriter) linger(batch []leaseOp, linger *time.Timer) []leaseOp {
	linger.Reset(w.delay)
	defer linger.Stop()
	stretched := w.stretch <= 0
	for len(batch)+len(w.ops) < w.target() {
		select {
		case <-w.filled: // perhaps from an earlier batch: count again
		case <-linger.C:
			if stretched || len(batch)+len(w.ops) >= w.minFill {
				return batch
			}
			stretched = true
			linger.Reset(w.stretch)
		case <-w.quit:
			return batch
		}
	}
	return batch
}

func (w *leaseWriter) write(batch []leaseOp) {
	start := time.Now()
	defer func() { w.obs.get().LeaseBatch(len(batch), time.Since(start)) }()
	// The last operation on an address wins, so a release followed by a
	// new lease of the same address in one batch keeps the new lease.
	last := map[netip.Addr]int{}
	for i, op := range batch {
		if op.del.IsValid() {
			last[op.del] = i
		} else {
			last[op.put.IP] = i
		}
	}
	var puts []Lease
	var dels []netip.Addr
	for i, op := range batch {
		switch {
		case op.del.IsValid() && last[op.del] == i:
			dels = append(dels, op.del)
		case !op.del.IsValid() && last[op.put.IP] == i:
			puts = append(puts, op.put)
		}
	}
	// Background context: the write must finish once started, even if a
	// caller stops waiting.
	ctx := context.Background()
	var err error
	if len(puts) > 0 {
		err = w.st.PutLeases(ctx, puts)
	}
	if err == nil && len(dels) > 0 {
		err = w.st.DeleteLeases(ctx, dels)
	}
	if err == nil && w.apply != nil {
		w.apply(batch)
	}
	answer(batch, err)
}

// answer tells batch's callers the outcome: a waiting commit through its
// channel, submitted operations on one goroutine for the batch, so the
// writer goes on to the next batch while the replies are sent.
func answer(batch []leaseOp, err error) {
	var thens []func(error)
	for _, op := range batch {
		if op.done != nil {
			op.done <- err
		}
		if op.then != nil {
			thens = append(thens, op.then)
		}
	}
	if len(thens) > 0 {
		go func() {
			for _, f := range thens {
				f(err)
			}
		}()
	}
}

// close stops the writer; operations still queued fail.
func (w *leaseWriter) close() {
	close(w.quit)
	w.closing.Lock() // no submit in progress from here on
	w.closed = true
	w.closing.Unlock()
	<-w.done
	for {
		select {
		case op := <-w.ops:
			answer([]leaseOp{op}, errWriterStopped)
		default:
			return
		}
	}
}

// applyLeases publishes a durable batch of lease writes to the lease
// table, in the order they were made.
func (s *Service) applyLeases(batch []leaseOp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, op := range batch {
		if op.del.IsValid() {
			s.leases.del(op.del)
		} else {
			s.leases.put(op.put)
		}
	}
}
