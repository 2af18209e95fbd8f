package provisioning

import (
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestLogBudget: burst lines per window, one "full" signal when it is
// spent, and the count left out reported once, at the next window.
func TestLogBudget(t *testing.T) {
	var b LogBudget
	t0 := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	logged, fulls := 0, 0
	for i := range 10 {
		ok, full, muted := b.Take(t0.Add(time.Duration(i)*time.Millisecond), time.Second, 3)
		if ok {
			logged++
		}
		if full {
			fulls++
		}
		if muted != 0 {
			t.Fatalf("take %d: muted %d within the first window", i, muted)
		}
	}
	if logged != 3 || fulls != 1 {
		t.Fatalf("first window: %d logged, %d full signals; want 3 and 1", logged, fulls)
	}
	if ok, full, muted := b.Take(t0.Add(time.Second), time.Second, 3); !ok || full || muted != 7 {
		t.Fatalf("next window: ok %v full %v muted %d; want true false 7", ok, full, muted)
	}
	if _, _, muted := b.Take(t0.Add(2500*time.Millisecond), time.Second, 3); muted != 0 {
		t.Fatalf("the count was reported twice: %d", muted)
	}
	// A clock stepped back starts a new window rather than muting forever.
	if ok, _, _ := b.Take(t0, time.Second, 3); !ok {
		t.Fatal("a clock stepped back muted the log")
	}
}

// A flood that stops: the count of the lines it left out is still
// reported (Flush, at the end of the window), once.
func TestLogBudgetFlushAfterFloodStops(t *testing.T) {
	var b LogBudget
	t0 := time.Now()
	for i := range 1000 {
		b.Take(t0.Add(time.Duration(i)*time.Millisecond), 10*time.Second, 200)
	}
	if m := b.Flush(); m != 800 {
		t.Fatalf("Flush = %d, want the 800 left out", m)
	}
	if _, _, m := b.Take(t0.Add(time.Hour), 10*time.Second, 200); m != 0 {
		t.Errorf("the next line reports %d left out again, want 0 (reported by Flush)", m)
	}
}

// TestForgedTFTPFloodDoesNotMuteHTTPRefusals: TFTP sources can be forged
// and no ban stops their flood; its refusals spend the TFTP budget only,
// so an HTTP refusal (a real source: a misconfigured phone, the first
// request of another attacker) in the same window is still a log line.
func TestForgedTFTPFloodDoesNotMuteHTTPRefusals(t *testing.T) {
	f := newFixture(t, nil)
	var logs syncBuf
	f.s.log = slog.New(slog.NewTextHandler(&logs, nil))
	for i := range refusalLogBurst + 100 {
		f.s.Fetch(t.Context(), FetchRequest{Proto: ProtoTFTP, Path: "../x", RemoteIP: netip.AddrFrom4([4]byte{192, 0, 2, byte(100 + i%100)})})
	}
	f.get("../etc/passwd", func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("192.0.2.77") })
	out := logs.String()
	if !strings.Contains(out, "ip=192.0.2.77") {
		t.Errorf("the HTTP refusal after a TFTP flood is not in the log:\n%.3000s", out[max(0, len(out)-3000):])
	}
	if n := strings.Count(out, "msg=\"request refused\""); n != refusalLogBurst+1 {
		t.Errorf("%d refusal lines, want the TFTP budget (%d) and the HTTP one", n, refusalLogBurst)
	}
}
