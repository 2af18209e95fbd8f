package provisioning

import (
	"net/netip"
	"testing"
	"time"
)

// TestEventBatchFolds: identical requests answered the same way fold into
// the line of the first, counting them, from the earliest time to the
// latest; anything that differs, and every lock, ban and admin line,
// stays a line of its own, in the order of first occurrence.
func TestEventBatchFolds(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	cfg := Event{Proto: "http", IP: phoneIP, MAC: phoneMAC, UA: phoneUA, File: "805ec0112233.cfg", Outcome: "config"}
	with := func(e Event, ms int, mod func(*Event)) Event {
		e.Time = at(ms)
		if mod != nil {
			mod(&e)
		}
		return e
	}
	in := []Event{
		with(cfg, 0, func(e *Event) { e.Outcome = "locked"; e.Reason = "first full config" }),
		with(cfg, 1, nil),
		with(cfg, 5, nil),
		with(cfg, 0, func(e *Event) { e.Outcome = "locked"; e.Reason = "first full config" }), // never folds
		with(cfg, 3, func(e *Event) { e.UA = "Yealink SIP-T46U 108.86.0.21 80:5e:c0:11:22:33" }),
		with(cfg, 2, nil), // late in the queue, earlier than the last
		with(cfg, 4, func(e *Event) { e.Proto = "tftp" }),
		{Time: at(6), Proto: "ban", IP: phoneIP, Outcome: "banned", Reason: "strikes"},
		{Time: at(6), Proto: "ban", IP: phoneIP, Outcome: "banned", Reason: "strikes"},
		{Time: at(7), Proto: "admin", MAC: phoneMAC, Outcome: "unlocked", Actor: "cli:alice"},
		{Time: at(7), Proto: "admin", MAC: phoneMAC, Outcome: "unlocked", Actor: "cli:alice"},
		with(cfg, 8, func(e *Event) { e.Actor = "web:admin@192.0.2.9" }),
		with(cfg, 8, func(e *Event) { e.Actor = "web:admin@192.0.2.9" }),
		with(cfg, 0, nil), // the earliest of them
	}
	var b eventBatch
	for _, e := range in {
		b.add(e)
	}
	got := b.take()
	folded := with(cfg, 0, func(e *Event) { e.Count, e.Last = 4, at(5) })
	want := []Event{in[0], folded, in[3], in[4], in[6], in[7], in[8], in[9], in[10], in[11], in[12]}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
	total := 0
	for _, e := range got {
		total += e.Times()
	}
	if total != len(in) {
		t.Errorf("the lines stand for %d requests, want %d", total, len(in))
	}
	// A taken batch starts afresh: nothing folds into a written line.
	b.add(with(cfg, 9, nil))
	if again := b.take(); len(again) != 1 || again[0].Count != 0 {
		t.Errorf("after take: %+v, want one single line", again)
	}
}

// TestFetchRepeatsAccountedFor: a phone polling its config and an address
// hammering a wrong URL write few lines, and the lines still count every
// request; the first-fetch lock stays a line of its own.
func TestFetchRepeatsAccountedFor(t *testing.T) {
	f := newFixture(t, nil)
	const n = 300
	attacker := netip.MustParseAddr("192.0.2.66")
	for range n {
		if r := f.get(f.secret("805ec0112233.cfg"), nil); !r.Found {
			t.Fatal("the phone's config was refused")
		}
		f.get("/favicon.ico", func(r *FetchRequest) { r.RemoteIP = attacker; r.UserAgent = "scanner" })
		f.clk.Add(time.Millisecond)
	}
	es, err := f.s.Events(t.Context(), EventFilter{Limit: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range es {
		count[e.Outcome] += e.Times()
		if e.Count > 1 && (e.Last.Before(e.Time) || e.Last.After(f.clk.Now())) {
			t.Errorf("line %+v: last time out of the requests' span", e)
		}
	}
	if count["config"] != n || count["locked"] != 1 {
		t.Errorf("config lines count %d requests, locks %d; want %d and 1", count["config"], count["locked"], n)
	}
	// The attacker is banned along the way; its refusals before that and
	// the ban are all there (later requests are refused before the core).
	if count["refused"] < 1 || count["refused"] > n {
		t.Errorf("refused lines count %d requests", count["refused"])
	}
	if len(es) >= n {
		t.Errorf("%d lines for %d polls: repeats did not fold", len(es), n)
	}
}
