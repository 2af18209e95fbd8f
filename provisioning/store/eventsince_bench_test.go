package store

import (
	"context"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// BenchmarkEventsSinceByMAC is `provbox events --mac M --since 1h` on a
// trail of 100k lines a second apart, one in ten of the phone M (its
// history: 10k lines), one in seven a line of repeats, one of M's straddling since: fewer of M's lines
// began in the last hour than the default page holds, so the search also
// reads the lines straddling since, which the (mac, end) index bounds
// (migration 0011); without it that read walked all of M's lines.
func BenchmarkEventsSinceByMAC(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	const n = 100_000
	es := make([]provisioning.Event, 0, n)
	for i := range n {
		e := provisioning.Event{Time: t0.Add(time.Duration(i) * time.Second), Proto: "http", IP: ipN(i%200 + 1), MAC: macN(i%300 + 2), Outcome: "config"}
		if i%10 == 0 {
			e.MAC = macN(1)
		}
		if i%7 == 0 {
			e.Count, e.Last = 3, e.Time.Add(2*time.Second)
		}
		if i == n-3610 { // one of M's lines of repeats straddles since
			e.Count, e.Last = 5, e.Time.Add(20*time.Second)
		}
		es = append(es, e)
	}
	for len(es) > 0 { // in batches, as the audit writer writes
		k := min(len(es), 5000)
		if err := s.AddEvents(ctx, es[:k]); err != nil {
			b.Fatal(err)
		}
		es = es[k:]
	}
	f := provisioning.EventFilter{MAC: macN(1), Since: t0.Add((n - 3600) * time.Second)}
	b.ResetTimer()
	for range b.N {
		got, err := s.Events(ctx, f)
		if err != nil || len(got) != 361 {
			b.Fatalf("%d lines, %v; want 361", len(got), err)
		}
	}
}
