package web

import (
	"net/netip"
	"testing"
	"time"
)

func TestSourceKey(t *testing.T) {
	same := [][2]string{
		{"127.0.0.1", "127.200.3.4"}, // any local user can pick any of 127/8
		{"2001:db8:1:2::10", "2001:db8:1:2:ffff::99"},
		{"192.0.2.1", "::ffff:192.0.2.1"},
	}
	for _, p := range same {
		if sourceKey(netip.MustParseAddr(p[0])) != sourceKey(netip.MustParseAddr(p[1])) {
			t.Errorf("%s and %s are different sources", p[0], p[1])
		}
	}
	differ := [][2]string{{"192.0.2.1", "192.0.2.2"}, {"2001:db8:1:2::10", "2001:db8:1:3::10"}, {"127.0.0.1", "128.0.0.1"}}
	for _, p := range differ {
		if sourceKey(netip.MustParseAddr(p[0])) == sourceKey(netip.MustParseAddr(p[1])) {
			t.Errorf("%s and %s are one source", p[0], p[1])
		}
	}
}

// Past the free failures each try waits 1s, 2s, 4s, … from the last
// failure, never more than maxDelay; a key quiet for a window is
// forgotten.
func TestLimiterBackoff(t *testing.T) {
	l := newLimiter(15*time.Minute, 30*time.Second)
	now := time.Unix(1_800_000_000, 0)
	gs := []guard{{"k", 2}}
	l.fail(gs, now)
	if w := l.wait(gs, now); w != 0 {
		t.Fatalf("wait within the free failures: %v", w)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, d := range want {
		l.fail(gs, now)
		if w := l.wait(gs, now); w != d {
			t.Fatalf("after %d failures: wait %v, want %v", i+2, w, d)
		}
		now = now.Add(d)
		if w := l.wait(gs, now); w != 0 {
			t.Fatalf("after %d failures and the delay: wait %v", i+2, w)
		}
	}
	if l.wait(gs, now.Add(15*time.Minute)) != 0 || len(l.keys) != 0 {
		t.Errorf("a quiet window later still limited, or not forgotten: %v", l.keys)
	}
	// The longest wait of several guards counts.
	a, b := guard{"a", 1}, guard{"b", 3}
	l.fail([]guard{a, b}, now)
	l.fail([]guard{a, b}, now)
	if w := l.wait([]guard{a, b}, now); w != 2*time.Second {
		t.Errorf("two guards: wait %v, want a's 2s", w)
	}
}

// A flood of keys keeps at most maxKeys, and drops the stalest rather
// than the one under attack.
func TestLimiterBounded(t *testing.T) {
	l := newLimiter(15*time.Minute, 30*time.Second)
	now := time.Unix(1_800_000_000, 0)
	target := []guard{{"user admin", 2}}
	l.fail(target, now.Add(2*time.Second))
	l.fail(target, now.Add(2*time.Second))
	for i := range 2 * maxKeys {
		ip := netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)})
		l.fail([]guard{{sourceKey(ip), 5}}, now.Add(time.Duration(i)*time.Microsecond))
	}
	if len(l.keys) > maxKeys {
		t.Errorf("%d keys kept, bound %d", len(l.keys), maxKeys)
	}
	if n := l.fail(target, now.Add(3*time.Second)); n[0] != 3 {
		t.Errorf("the key with recent failures was forgotten: %d failures", n[0])
	}
}
