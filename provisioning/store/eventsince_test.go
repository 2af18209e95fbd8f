package store

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestEventsSinceSplitMeetsEveryLine: a search with since is read in two
// parts (the lines that began since, then those that began before and
// went on past it); whatever the since, the page size, paging by offset
// or by cursor, with a search on top (by IP; by MAC, which reads the
// straddling lines off the (mac, end) index), the pages are exactly the lines
// whose end is at or after since, in the order shown, each once.
func TestEventsSinceSplitMeetsEveryLine(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	r := rand.New(rand.NewPCG(3, 4))
	var es []provisioning.Event
	for i := range 80 {
		e := provisioning.Event{Time: t0.Add(time.Duration(r.IntN(30)) * time.Second), Proto: "http", IP: ipN(i%2 + 1), MAC: macN(i%3 + 1), Outcome: "config"}
		if i%3 == 0 { // many lines of repeats, long ones among them
			e.Count, e.Last = 2+r.IntN(5), e.Time.Add(time.Duration(r.IntN(15))*time.Second)
		}
		es = append(es, e)
	}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	all, err := s.Events(ctx, provisioning.EventFilter{})
	if err != nil || len(all) != len(es) {
		t.Fatalf("the trail: %d lines, %v", len(all), err)
	}
	for _, since := range []int{0, 1, 10, 20, 29, 40} {
		for _, by := range []string{"any", "ip 2", "mac 2"} {
			f := provisioning.EventFilter{Since: t0.Add(time.Duration(since) * time.Second)}
			switch by {
			case "ip 2":
				f.IP = ipN(2)
			case "mac 2":
				f.MAC = macN(2)
			}
			want := ids(slices.DeleteFunc(slices.Clone(all), func(e provisioning.Event) bool {
				end := e.Time
				if e.Count > 1 {
					end = e.Last
				}
				return end.Before(f.Since) || (f.IP.IsValid() && e.IP != f.IP) || (!f.MAC.IsZero() && e.MAC != f.MAC)
			}))
			got, err := s.Events(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			name := "since +" + itoa(since) + "s, " + by
			checkEqual(t, name, ids(got), want)
			for _, size := range []int{1, 3, 7} {
				checkEqual(t, name+", pages by offset of "+itoa(size), ids(walkPages(t, s, f, size, false)), want)
				checkEqual(t, name+", pages by cursor of "+itoa(size), ids(walkPages(t, s, f, size, true)), want)
			}
		}
	}
}

// walkPages reads every page of f, size lines a page, by offset or by
// the cursor of the page's last line; bounded: a page holds one line at
// least.
func walkPages(t *testing.T, s *Store, f provisioning.EventFilter, size int, cursor bool) []provisioning.Event {
	t.Helper()
	var got []provisioning.Event
	p := f
	p.Limit = size
	for range 200 {
		es, err := s.Events(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, es...)
		if len(es) < size {
			return got
		}
		if cursor {
			p.BeforeID = es[len(es)-1].ID
		} else {
			p.Offset += size
		}
	}
	t.Fatalf("more than 200 pages")
	return nil
}
