package neigh

import (
	"net/netip"
	"testing"
)

// BenchmarkTableLookup is the neighbour check of one request: the
// non-blocking catch-up read (nothing queued) and the lookup, alone and
// from concurrent requests (the table's lock).
func BenchmarkTableLookup(b *testing.B) {
	n := newTestNS(b)
	for _, args := range [][]string{
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"addr", "add", "192.0.2.1/24", "dev", "v0"},
		{"link", "set", "v0", "up"},
		{"link", "set", "v1", "up"},
		{"neigh", "add", "192.0.2.50", "lladdr", "80:5e:c0:11:22:33", "dev", "v0", "nud", "permanent"},
	} {
		n.ip(b, args...)
	}
	var tab *Table
	var err error
	n.in(func() { tab, err = NewTable() })
	if err != nil {
		b.Fatalf("NewTable: %v", err)
	}
	defer tab.Close()
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
