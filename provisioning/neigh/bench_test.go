package neigh

import (
	"net/netip"
	"testing"
)

// BenchmarkTableLookup is the neighbour check of one request: the
// non-blocking catch-up read (nothing queued) and the lookup, alone and
// from concurrent requests (the table's lock).
func BenchmarkTableLookup(b *testing.B) {
	_, tab := phoneNS(b)
	ip := netip.MustParseAddr("192.0.2.50")
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, ok := tab.Lookup(ip); !ok {
				b.Fatal("no entry")
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, ok := tab.Lookup(ip); !ok {
					b.Error("no entry")
					return
				}
			}
		})
	})
}
