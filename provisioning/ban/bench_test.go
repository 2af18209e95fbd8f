package ban

import (
	"context"
	"net/netip"
	"testing"
)

func BenchmarkBanned(b *testing.B) {
	e, _ := New(Config{MaxRetry: 1}, Options{}, nil, t0)
	for i := range 10_000 {
		e.Strike(context.Background(), addrN(i), Strike{}, t0)
	}
	banned, free := addrN(1), netip.MustParseAddr("192.0.2.9")
	b.Run("banned", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				e.Banned(banned, t0)
			}
		})
	})
	b.Run("not-banned", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				e.Banned(free, t0)
			}
		})
	})
}

func BenchmarkStrikeDistinctSources(b *testing.B) {
	e, _ := New(Config{}, Options{}, nil, t0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		e.Strike(context.Background(), addrN(i), Strike{MAC: mac(i)}, t0)
	}
}
