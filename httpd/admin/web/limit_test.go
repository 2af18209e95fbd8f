package web

import (
	"net/netip"
	"testing"
	"time"
)

func TestLimiterSources(t *testing.T) {
	l := newLimiter(2, time.Minute)
	now := time.Unix(1_800_000_000, 0)
	a := netip.MustParseAddr("2001:db8:1:2::10")
	sameHost := netip.MustParseAddr("2001:db8:1:2:ffff::99") // same /64
	otherNet := netip.MustParseAddr("2001:db8:1:3::10")
	l.fail(a, now)
	l.fail(sameHost, now)
	if l.wait(a, now) == 0 || l.wait(sameHost, now) == 0 {
		t.Error("two failures in one /64 do not limit that /64")
	}
	if l.wait(otherNet, now) != 0 {
		t.Error("another /64 is limited")
	}
	if w := l.wait(a, now.Add(30*time.Second)); w != 30*time.Second {
		t.Errorf("wait after 30s: %v, want 30s", w)
	}
	if l.wait(a, now.Add(time.Minute)) != 0 || len(l.fails) != 0 {
		t.Errorf("a minute later still limited, or not forgotten: %v", l.fails)
	}
	v4, v4b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	l.fail(v4, now)
	l.fail(v4, now)
	if l.wait(v4, now) == 0 || l.wait(v4b, now) != 0 {
		t.Error("IPv4 sources are not single addresses")
	}
}

// TestLimiterBounded: a flood of sources keeps at most maxSources, and
// drops the stalest rather than the one under attack.
func TestLimiterBounded(t *testing.T) {
	l := newLimiter(3, time.Minute)
	now := time.Unix(1_800_000_000, 0)
	target := netip.MustParseAddr("10.0.0.1")
	l.fail(target, now.Add(2*time.Second))
	l.fail(target, now.Add(2*time.Second))
	for i := range 2 * maxSources {
		ip := netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)})
		l.fail(ip, now.Add(time.Duration(i)*time.Microsecond))
	}
	if len(l.fails) > maxSources {
		t.Errorf("%d sources kept, bound %d", len(l.fails), maxSources)
	}
	if n := l.fail(target, now.Add(3*time.Second)); n != 3 {
		t.Errorf("the source with recent failures was forgotten: %d failures", n)
	}
	if l.wait(target, now.Add(3*time.Second)) == 0 {
		t.Error("not limited after 3 failures")
	}
}
