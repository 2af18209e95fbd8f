package store

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// haPair opens two nodes' stores on one fresh database, with their HA
// handles (leadership lasting ttl).
func haPair(t *testing.T, ttl time.Duration) (sa, sb *Store, a, b *HA) {
	t.Helper()
	pgOnly(t)
	ctx := context.Background()
	dsn := NewTestLocation(t)
	var err error
	if sa, err = OpenPostgres(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sa.Close() })
	if sb, err = OpenPostgres(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if a, err = sa.OpenHA("a", ttl); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if b, err = sb.OpenHA("b", ttl); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return sa, sb, a, b
}

func claim(t *testing.T, h *HA, token int64) int64 {
	t.Helper()
	got, err := h.Claim(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// waitClaim retries h's claim until it succeeds (bounded: 5 s).
func waitClaim(t *testing.T, h *HA) int64 {
	t.Helper()
	for range 100 {
		if tok := claim(t, h, 0); tok != 0 {
			return tok
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("node %s never took the leadership over", h.Node())
	return 0
}

// TestHALeadershipOneHolder: the first claim wins, the other node gets
// nothing while the lease runs, renewals keep the token, and once the
// holder stops renewing the other takes over with a new token; the old
// holder's renewal then fails.
func TestHALeadershipOneHolder(t *testing.T) {
	// A lease of 2 s renewed every 0.5 s: a renewal late by a loaded
	// machine's stall still lands well within the lease.
	_, _, a, b := haPair(t, 2*time.Second)
	ta := claim(t, a, 0)
	if ta == 0 {
		t.Fatal("the first claim on a fresh database failed")
	}
	if tb := claim(t, b, 0); tb != 0 {
		t.Fatalf("b took the leadership (token %d) while a held it", tb)
	}
	for range 5 { // a keeps renewing past its first lease time
		time.Sleep(500 * time.Millisecond)
		if got := claim(t, a, ta); got != ta {
			t.Fatalf("a's renewal gave token %d, want %d", got, ta)
		}
		if tb := claim(t, b, 0); tb != 0 {
			t.Fatalf("b took over a renewed leadership (token %d)", tb)
		}
	}
	tb := waitClaim(t, b)
	if tb <= ta {
		t.Fatalf("takeover token %d, want more than %d", tb, ta)
	}
	if got := claim(t, a, ta); got != 0 {
		t.Fatalf("a renewed (token %d) after b took over", got)
	}
	l, err := b.Leader(context.Background())
	if err != nil || l.Node != "b" || l.Token != tb || l.Remaining <= 0 {
		t.Fatalf("leader row %+v, %v; want b, token %d, unexpired", l, err, tb)
	}
}

// TestHAResignHandsOverAtOnce: a clean stop ends the lease, so the
// standby need not wait for it to expire.
func TestHAResignHandsOverAtOnce(t *testing.T) {
	_, _, a, b := haPair(t, time.Hour)
	ta := claim(t, a, 0)
	if err := a.Resign(context.Background(), ta); err != nil {
		t.Fatal(err)
	}
	if tb := claim(t, b, 0); tb == 0 {
		t.Fatal("b could not take over a resigned leadership")
	}
}

// TestHAFencedLeaseWrites: lease writes of a fenced store need its
// leadership: refused with token 0, accepted while held, refused once
// the other node took over; the new leader writes and reads everything.
func TestHAFencedLeaseWrites(t *testing.T) {
	sa, sb, a, b := haPair(t, 2*time.Second) // the leader's write lands well within it
	ctx := context.Background()
	lease := func(n int) []provisioning.Lease {
		return []provisioning.Lease{{IP: ipN(n), MAC: macN(n), Expires: time.Now().Add(time.Hour)}}
	}
	sa.Fence(a.ID(), 0)
	if err := sa.PutLeases(ctx, lease(1)); !errors.Is(err, ErrFenced) {
		t.Fatalf("lease write without leadership: %v, want ErrFenced", err)
	}
	ta := claim(t, a, 0)
	sa.Fence(a.ID(), ta)
	if err := sa.PutLeases(ctx, lease(2)); err != nil {
		t.Fatalf("leader's lease write: %v", err)
	}
	tb := waitClaim(t, b) // a stopped renewing
	if err := sa.PutLeases(ctx, lease(3)); !errors.Is(err, ErrFenced) {
		t.Fatalf("deposed leader's lease write: %v, want ErrFenced", err)
	}
	if err := sa.DeleteLeases(ctx, []netip.Addr{ipN(2)}); !errors.Is(err, ErrFenced) {
		t.Fatalf("deposed leader's lease delete: %v, want ErrFenced", err)
	}
	sb.Fence(b.ID(), tb)
	if err := sb.PutLeases(ctx, lease(4)); err != nil {
		t.Fatalf("new leader's lease write: %v", err)
	}
	ls, err := sb.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].IP != ipN(2) || ls[1].IP != ipN(4) {
		t.Fatalf("leases %+v, want those of 2 and 4", ls)
	}
}

// TestHATakeoverWaitsForLeaseWriteInFlight: a takeover cannot slip between
// a leader's fence check and its commit: the takeover waits for the write,
// so a lease the old leader acknowledged is there when the new one reads.
func TestHATakeoverWaitsForLeaseWriteInFlight(t *testing.T) {
	sa, _, a, b := haPair(t, time.Second)
	ctx := context.Background()
	ta := claim(t, a, 0)
	sa.Fence(a.ID(), ta)
	tx, err := sa.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sa.checkFence(ctx, tx); err != nil {
		t.Fatal(err)
	}
	// The lease expires meanwhile. Waiting inside the transaction keeps it
	// from counting as idle (fenceSQL ends a session idle 2 s in one).
	if _, err := tx.ExecContext(ctx, "SELECT pg_sleep(1.2)"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var tb int64
	var claimed time.Time
	wg.Go(func() { tb = waitClaim(t, b); claimed = time.Now() })
	time.Sleep(300 * time.Millisecond)
	if _, err := tx.ExecContext(ctx, putLeaseSQL, ipN(9).String(), macText(macN(9)), nanos(time.Now().Add(time.Hour)), "", ""); err != nil {
		t.Fatal(err)
	}
	committed := time.Now()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if tb == 0 || claimed.Before(committed) {
		t.Fatalf("takeover (token %d) at %v did not wait for the write committed at %v", tb, claimed, committed)
	}
}

// TestHAHeartbeats: each node's heartbeat and role are visible to the
// other, aged on the database's clock.
func TestHAHeartbeats(t *testing.T) {
	_, _, a, b := haPair(t, time.Second)
	ctx := context.Background()
	if err := a.Heartbeat(ctx, "active"); err != nil {
		t.Fatal(err)
	}
	if err := b.Heartbeat(ctx, "standby"); err != nil {
		t.Fatal(err)
	}
	if err := b.Heartbeat(ctx, "standby"); err != nil { // an update, not a second row
		t.Fatal(err)
	}
	ns, err := b.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 || ns[0].Node != "a" || ns[0].Role != "active" || ns[1].Role != "standby" {
		t.Fatalf("nodes %+v", ns)
	}
	for _, n := range ns {
		if n.Age < 0 || n.Age > 10*time.Second || n.Heartbeat.IsZero() {
			t.Errorf("node %s: heartbeat %v, age %v", n.Node, n.Heartbeat, n.Age)
		}
	}
	if _, err := a.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestHANeedsPostgres: SQLite has no failover.
func TestHANeedsPostgres(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	if _, err := s.OpenHA("a", time.Second); err == nil {
		t.Fatal("OpenHA on SQLite succeeded")
	}
}

// TestHATakeoverNotBlockedByCutOffWriter: a leader cut off in the middle
// of a lease write (its transaction open, holding the share lock) does
// not hold the takeover up for longer than the idle limit fenceSQL sets.
func TestHATakeoverNotBlockedByCutOffWriter(t *testing.T) {
	sa, _, a, b := haPair(t, time.Second)
	ctx := context.Background()
	sa.Fence(a.ID(), claim(t, a, 0))
	tx, err := sa.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := sa.checkFence(ctx, tx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		tok, err := b.Claim(cctx, 0)
		if err != nil {
			t.Fatalf("takeover blocked by the cut-off writer: %v after %s", err, time.Since(start))
		}
		if tok != 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("takeover took %s", d)
	}
}

// TestHAClaimAnswerLost: a claim that succeeded but whose answer was lost
// (the connection cut after the commit) leaves this process's id under a
// token it never learned; its next claim takes that over at once with a
// new token, rather than waiting for it to expire, and no other node can.
func TestHAClaimAnswerLost(t *testing.T) {
	_, _, a, b := haPair(t, time.Hour)
	lost := claim(t, a, 0) // as if the answer never came
	got := claim(t, a, 0)
	if got <= lost {
		t.Fatalf("claim after a lost answer: token %d, want more than %d", got, lost)
	}
	if again := claim(t, a, got); again != got {
		t.Fatalf("renewal: token %d, want %d", again, got)
	}
	if tb := claim(t, b, 0); tb != 0 {
		t.Fatalf("b took over (token %d)", tb)
	}
	l, err := b.Leader(context.Background())
	if err != nil || l.Node != "a" {
		t.Fatalf("leader %+v, %v; want node a", l, err)
	}
	if a.ID() == b.ID() || !strings.HasPrefix(a.ID(), "a#") {
		t.Fatalf("ids %q, %q", a.ID(), b.ID())
	}
}
