package main

import (
	"context"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func newLab(t testing.TB) *lab {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("binds client sockets to 127.0.0.2 and 127.0.0.3, which needs Linux loopback")
	}
	l, err := startLab(t.Context(), t.TempDir(), labBans(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.close(); err != nil {
			t.Error(err)
		}
	})
	return l
}

// TestScan: 10,000 guesses of MAC files and secret paths over HTTP and
// TFTP from one address get no full config, get it banned within
// max_retry strikes, and do not disturb a genuine phone provisioning
// meanwhile.
func TestScan(t *testing.T) {
	l := newLab(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	const n = 10_000
	phoneDone, banned := make(chan struct{}), make(chan struct{})
	a := &attack{l: l, src: attackerIP, kinds: allKinds, workers: 1,
		reachedAt: 99, reached: banned, holdAt: n - 100, hold: phoneDone}
	scan := make(chan attackStats, 1)
	go func() { scan <- a.run(ctx, n) }()

	// The phone provisions after the scan's 100th request and before its
	// last 100: during the scan by construction.
	select {
	case <-banned:
	case <-ctx.Done():
		t.Fatal("the scan did not reach 100 requests")
	}
	perr := l.phone.provision(ctx)
	if perr == nil {
		perr = l.phone.fetchTFTP()
	}
	close(phoneDone)
	st := <-scan
	t.Logf("scan: %v", st)
	if perr != nil {
		t.Fatalf("the genuine phone could not provision during the scan: %v", perr)
	}
	if st.Requests != n || st.Errors != 0 {
		t.Fatalf("scan incomplete: %v", st)
	}
	if st.FullConfigs != 0 || st.Answered != 0 {
		t.Fatalf("the scanner got answers: %v", st)
	}
	checkBanned(t, l)
	checkPhoneClean(t, l)
}

// checkBanned: the attacker is banned, and the audit trail holds at most
// max_retry refusals of it (each refusal is at least one strike).
func checkBanned(t *testing.T, l *lab) {
	t.Helper()
	ip := netip.MustParseAddr(attackerIP)
	if !l.svc.Banned(ip) {
		t.Fatal("the scanner is not banned")
	}
	refused, banEvents := 0, 0
	for _, e := range events(t, l) {
		switch {
		case e.IP == ip && e.Outcome == "refused":
			refused += e.Times() // a line of folded repeats counts each
		case e.IP == ip && e.Proto == "ban" && e.Outcome == "banned":
			banEvents++
		case e.IP == ip && e.Outcome != "refused":
			t.Errorf("the scanner got %q for %s", e.Outcome, e.File)
		}
	}
	if refused == 0 || refused > l.bans.MaxRetry || banEvents != 1 {
		t.Fatalf("%d refusals before the ban (max_retry %d), %d ban events", refused, l.bans.MaxRetry, banEvents)
	}
	t.Logf("banned after %d refusals: %+v", refused, l.svc.Bans())
}

// checkPhoneClean: the phone was never refused nor banned, and got its
// redirect and its config.
func checkPhoneClean(t *testing.T, l *lab) {
	t.Helper()
	ip := netip.MustParseAddr(phoneIP)
	if l.svc.Banned(ip) {
		t.Fatal("the genuine phone is banned")
	}
	got := map[string]int{}
	for _, e := range events(t, l) {
		if e.IP == ip {
			got[e.Outcome]++
		}
	}
	if got["refused"] != 0 || got["redirect"] != 1 || got["config"] != 2 {
		t.Fatalf("the phone's audit trail: %v, want 1 redirect and 2 configs (HTTP, TFTP)", got)
	}
}

func events(t *testing.T, l *lab) []provisioning.Event {
	t.Helper()
	es, err := l.svc.Events(t.Context(), provisioning.EventFilter{Limit: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// BenchmarkRefusals: requests per second refused to a banned address,
// end to end over loopback sockets.
func BenchmarkRefusals(b *testing.B) {
	l := newLab(b)
	if _, err := l.banAttacker(b.Context()); err != nil {
		b.Fatal(err)
	}
	for _, p := range []struct {
		name  string
		kinds []kind
	}{{"http", []kind{httpMAC, httpHash}}, {"tftp", []kind{tftpMAC, tftpHash}}} {
		b.Run(p.name, func(b *testing.B) {
			a := &attack{l: l, src: attackerIP, kinds: p.kinds, workers: 8}
			b.ResetTimer()
			st := a.run(b.Context(), b.N)
			if st.Refused != b.N {
				b.Fatalf("not every request refused: %v", st)
			}
			b.ReportMetric(st.perSecond(), "refusals/s")
		})
	}
}

// BenchmarkPhoneFetch: the genuine phone's full-config fetch over HTTP,
// alone and while the banned attacker scans with 8 workers.
func BenchmarkPhoneFetch(b *testing.B) {
	l := newLab(b)
	if err := l.phone.provision(b.Context()); err != nil {
		b.Fatal(err)
	}
	if _, err := l.banAttacker(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Run("alone", func(b *testing.B) { benchFetch(b, l) })
	b.Run("under-scan", func(b *testing.B) {
		ctx, stop := context.WithCancel(b.Context())
		scan := make(chan attackStats, 1)
		go func() {
			scan <- (&attack{l: l, src: attackerIP, kinds: allKinds, workers: 8}).run(ctx, 10_000_000)
		}()
		benchFetch(b, l)
		stop()
		st := <-scan
		b.ReportMetric(st.perSecond(), "scan-refusals/s")
	})
}

func benchFetch(b *testing.B, l *lab) {
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		d, err := l.phone.fetch(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		ds = append(ds, d)
	}
	s := summarise(ds)
	b.ReportMetric(float64(s.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(s.P99.Microseconds()), "p99-µs")
}
