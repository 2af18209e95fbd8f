package dhcp

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// backloggedCommitter fails every commit at once as the core's lease
// writer does when its queue is full (the store has hung past the commit
// deadline with the queue behind it).
type backloggedCommitter struct{}

func (backloggedCommitter) CommitLeaseAsync(l provisioning.Lease, done func(error)) {
	done(fmt.Errorf("committing lease %s for %s: %w", l.IP, l.MAC, provisioning.ErrLeaseBacklog))
}

// logCount counts the log records at warning level and above.
type logCount struct{ n atomic.Int64 }

func (c *logCount) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (c *logCount) Handle(context.Context, slog.Record) error    { c.n.Add(1); return nil }
func (c *logCount) WithAttrs([]slog.Attr) slog.Handler           { return c }
func (c *logCount) WithGroup(string) slog.Handler                { return c }

// TestBackloggedCommitsShedQuietly: while the store hangs, every REQUEST
// admitted once the deadline freed the slots finds the lease writer's
// queue full and fails at once; clients retransmit every few seconds, so
// these come at the rate REQUESTs arrive. Each is counted as shed (the
// server's overload counter: the reply is withheld, the client retries),
// and logged as overload is, once a minute, not one error line a packet.
// Each still releases its slot and is dealt with once.
func TestBackloggedCommitsShedQuietly(t *testing.T) {
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5"}, time.Now)
	logs, obs := &logCount{}, &shedCounter{} // the callbacks run on this goroutine
	s, err := New(loopConfig(), svc, slog.New(logs), WithObserver(obs))
	if err != nil {
		t.Fatal(err)
	}
	var dealt atomic.Int64
	s.handled = func(*dhcpv4.DHCPv4) { dealt.Add(1) }
	const n = 200
	var releases atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		hw, _ := net.ParseMAC(fmt.Sprintf("02:00:00:06:%02x:%02x", i>>8, i&0xff))
		l := provisioning.Lease{IP: ip("127.0.0.122"), MAC: provisioning.MAC(hw), Expires: time.Now().Add(time.Hour)}
		p := &inFlight{req: mustPacket(dhcpv4.NewDiscovery(hw)), d: decision{commit: []provisioning.Lease{l}}}
		s.commitAsync(backloggedCommitter{}, p, func() { releases.Add(1) }, &wg)
	}
	wg.Wait()
	if releases.Load() != n || dealt.Load() != n {
		t.Errorf("%d slots released, %d packets dealt with; want %d each", releases.Load(), dealt.Load(), n)
	}
	if obs.n != n {
		t.Errorf("%d packets counted as shed, want %d", obs.n, n)
	}
	if l := logs.n.Load(); l != 1 {
		t.Errorf("%d warnings and errors logged for %d backlogged commits, want 1 (once a minute)", l, n)
	}
}
