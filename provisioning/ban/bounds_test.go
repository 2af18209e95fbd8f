package ban

import (
	"context"
	"encoding/binary"
	"net/netip"
	"testing"
	"time"
)

// addrN is the n-th address of 10.0.0.0/8 (n < 2^24) or, past that, of
// 2001:db8::/32 by /64.
func addrN(n int) netip.Addr {
	if n < 1<<24 {
		return netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
	}
	var b [16]byte
	copy(b[:], []byte{0x20, 0x01, 0x0d, 0xb8})
	binary.BigEndian.PutUint32(b[4:], uint32(n))
	return netip.AddrFrom16(b)
}

func TestStrikeTableBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("1e6 sources")
	}
	r := newRig(t, Config{MaxRetry: 15})
	ctx := context.Background()
	const n = 1_000_000
	for i := range n {
		if _, err := r.e.Strike(ctx, addrN(i), Strike{Reason: "unknown-mac", MAC: mac(i)}, t0); err != nil {
			t.Fatal(err)
		}
		if i%100_000 == 0 && r.e.Sources() > DefaultMaxSources {
			t.Fatalf("after %d sources the table holds %d", i+1, r.e.Sources())
		}
	}
	if got := r.e.Sources(); got != DefaultMaxSources {
		t.Fatalf("table holds %d sources, want the cap %d", got, DefaultMaxSources)
	}
	// The most recent sources are the ones kept: the last one's strikes
	// still count towards its ban.
	last := addrN(n - 1)
	for range 13 {
		r.e.Strike(ctx, last, Strike{Reason: "unknown-mac"}, t0)
	}
	if b, _ := r.e.Strike(ctx, last, Strike{Reason: "unknown-mac"}, t0); !b {
		t.Fatal("the newest source's strikes were evicted")
	}
}

func TestStrikeTableEvictsLeastRecent(t *testing.T) {
	r := rig{st: newMemPersister(), rec: &recorder{}}
	r.e, _ = New(Config{MaxRetry: 100}, Options{MaxSources: 4}, nil, t0)
	offender := netip.MustParseAddr("10.0.0.1")
	for i := 2; i < 50; i++ {
		r.e.Strike(context.Background(), offender, Strike{}, t0)
		r.e.Strike(context.Background(), addrN(1000+i), Strike{}, t0)
		if r.e.Sources() > 4 {
			t.Fatalf("%d sources, cap 4", r.e.Sources())
		}
	}
	k, _ := Key(offender)
	if s := r.e.srcs.m[k]; s == nil || len(s.hits) != 48 {
		t.Fatal("the source striking on lost its strikes to sources that stopped")
	}
	if r.e.srcs.m[netip.PrefixFrom(addrN(1002), 32)] != nil {
		t.Fatal("the least recently struck source was kept")
	}
}

func TestBanTableBounded(t *testing.T) {
	r := rig{st: newMemPersister(), rec: &recorder{}}
	r.e, _ = New(Config{MaxRetry: 1}, Options{MaxRecords: 32, Notify: r.rec.notify}, nil, t0)
	for i := range 1000 {
		now := t0.Add(time.Duration(i) * time.Second)
		r.e.Strike(context.Background(), addrN(i), Strike{}, now)
		if r.e.Records() > 32 {
			t.Fatalf("%d records, cap 32", r.e.Records())
		}
	}
	if !r.e.Banned(addrN(999), t0.Add(999*time.Second)) {
		t.Fatal("the newest ban was evicted")
	}
	evicted := 0
	for _, c := range r.rec.take() {
		if c.Reason == "evicted" {
			evicted++
		}
	}
	if evicted != 1000-32 {
		t.Fatalf("%d evictions announced, want %d", evicted, 1000-32)
	}
}

func TestBannedDoesNotAllocate(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1})
	r.strikes(t, "10.0.0.1", 1, t0)
	r.strikes(t, "2001:db8::1", 1, t0)
	for _, ip := range []string{"10.0.0.1", "10.0.0.2", "2001:db8::2", "::ffff:10.0.0.1"} {
		a := netip.MustParseAddr(ip)
		if n := testing.AllocsPerRun(100, func() { r.e.Banned(a, t0) }); n != 0 {
			t.Fatalf("Banned(%s) allocates %v times", ip, n)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 5})
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 2000 {
				ip := addrN(g*10 + i%10)
				now := t0.Add(time.Duration(i) * time.Millisecond)
				if !r.e.Banned(ip, now) {
					r.e.Strike(context.Background(), ip, Strike{MAC: mac(i)}, now)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	if bans := r.e.Active(t0.Add(3 * time.Second)); len(bans) != 40 {
		t.Fatalf("%d bans, want all 40 sources", len(bans))
	}
	if got := r.st.all(); len(got) != 40 {
		t.Fatalf("store holds %d bans, want 40", len(got))
	}
}
