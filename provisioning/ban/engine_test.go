package ban

import (
	"context"
	"net/netip"
	"testing"
	"time"
)

func TestThreshold(t *testing.T) {
	tests := []struct {
		name     string
		maxRetry int
		weights  []int
		bannedAt int // index of the strike that bans; -1 never
	}{
		{"three ordinary strikes", 3, []int{1, 1, 1, 1}, 2},
		{"two is below", 3, []int{1, 1}, -1},
		{"heavy strike bans at once", 3, []int{5}, 0},
		{"weights add up", 5, []int{2, 2, 1}, 2},
		{"zero weight counts as one", 2, []int{0, 0}, 1},
		{"default max retry is 15", 0, repeat(1, 15), 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{MaxRetry: tt.maxRetry})
			ip := netip.MustParseAddr("10.0.0.7")
			got := -1
			for i, w := range tt.weights {
				now := t0.Add(time.Duration(i) * time.Second)
				if r.e.Banned(ip, now) {
					break
				}
				b, err := r.e.Strike(context.Background(), ip, Strike{Reason: "bad-hash", Weight: w}, now)
				if err != nil {
					t.Fatal(err)
				}
				if b && got < 0 {
					got = i
				}
			}
			if got != tt.bannedAt {
				t.Fatalf("banned at strike %d, want %d", got, tt.bannedAt)
			}
			end := t0.Add(time.Duration(len(tt.weights)) * time.Second)
			if r.e.Banned(ip, end) != (tt.bannedAt >= 0) {
				t.Fatalf("Banned = %v, want %v", !(tt.bannedAt >= 0), tt.bannedAt >= 0)
			}
			if r.banned("10.0.0.8", end) {
				t.Fatal("a bystander is banned")
			}
		})
	}
}

func repeat(v, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestFindTimeSlides(t *testing.T) {
	tests := []struct {
		name   string
		at     []time.Duration // strike times after t0
		banned bool
	}{
		{"all within", []time.Duration{0, 5 * time.Minute, 9 * time.Minute}, true},
		{"first slid out", []time.Duration{0, 6 * time.Minute, 11 * time.Minute}, false},
		{"exactly find_time old is out", []time.Duration{0, 5 * time.Minute, 10 * time.Minute}, false},
		{"window slides on", []time.Duration{0, 6 * time.Minute, 11 * time.Minute, 12 * time.Minute}, true},
		{"slow drip never bans", []time.Duration{0, 6 * time.Minute, 12 * time.Minute, 18 * time.Minute, 24 * time.Minute}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{MaxRetry: 3, FindTime: 10 * time.Minute})
			var b bool
			for _, d := range tt.at {
				b = r.strikes(t, "10.0.0.1", 1, t0.Add(d))
			}
			if b != tt.banned {
				t.Fatalf("banned = %v, want %v", b, tt.banned)
			}
		})
	}
}

func TestEscalation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []time.Duration // length of the 1st, 2nd, ... ban
	}{
		{"doubling up to the cap", Config{MaxRetry: 1, BanTime: time.Hour, Factor: 2, MaxBanTime: 5 * time.Hour},
			[]time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour, 5 * time.Hour, 5 * time.Hour}},
		{"factor one never grows", Config{MaxRetry: 1, BanTime: time.Hour, Factor: 1},
			[]time.Duration{time.Hour, time.Hour, time.Hour}},
		{"defaults: 1h doubling to 7d", Config{MaxRetry: 1},
			[]time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 16 * time.Hour, 32 * time.Hour,
				64 * time.Hour, 128 * time.Hour, 168 * time.Hour, 168 * time.Hour}},
		{"cap below ban time is raised to it", Config{MaxRetry: 1, BanTime: 2 * time.Hour, MaxBanTime: time.Hour},
			[]time.Duration{2 * time.Hour, 2 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.cfg)
			now := t0
			for i, want := range tt.want {
				if !r.strikes(t, "10.9.9.9", 1, now) {
					t.Fatalf("ban %d not issued", i+1)
				}
				rec, _ := r.e.History(netip.MustParseAddr("10.9.9.9"))
				if got := rec.Until.Sub(rec.Since); got != want || rec.Count != i+1 {
					t.Fatalf("ban %d: %v (count %d), want %v (count %d)", i+1, got, rec.Count, want, i+1)
				}
				if !r.banned("10.9.9.9", rec.Until.Add(-time.Nanosecond)) || r.banned("10.9.9.9", rec.Until) {
					t.Fatalf("ban %d does not end at Until", i+1)
				}
				now = rec.Until.Add(time.Minute)
			}
		})
	}
}

func TestJitterBounded(t *testing.T) {
	cfg := Config{BanTime: time.Hour, MaxBanTime: 3 * time.Hour}.WithDefaults()
	for _, count := range []int{1, 2, 3, 10} {
		base := cfg.duration(count, 0)
		lo := time.Duration(float64(base) * (1 - jitter))
		seen := map[time.Duration]bool{}
		e, _ := New(cfg, Options{}, nil, t0) // the real random source
		for range 200 {
			d := cfg.duration(count, e.opt.Rand())
			if d > base || d < lo {
				t.Fatalf("count %d: %v outside [%v, %v]", count, d, lo, base)
			}
			seen[d] = true
		}
		if len(seen) < 100 {
			t.Fatalf("count %d: only %d distinct lengths in 200: no jitter", count, len(seen))
		}
		if base > cfg.MaxBanTime {
			t.Fatalf("count %d: %v exceeds the cap", count, base)
		}
	}
	if got := cfg.duration(1, 1); got != 54*time.Minute {
		t.Fatalf("largest jitter: %v, want 54m", got)
	}
}

func TestExpiry(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 2, BanTime: time.Hour})
	r.strikes(t, "10.0.0.5", 2, t0)
	r.rec.take()
	if !r.banned("10.0.0.5", t0.Add(59*time.Minute)) {
		t.Fatal("not banned within the hour")
	}
	if r.banned("10.0.0.5", t0.Add(time.Hour)) {
		t.Fatal("still banned after the hour")
	}
	r.banned("10.0.0.5", t0.Add(time.Hour+time.Second)) // a second look announces nothing more
	cs := r.rec.take()
	if len(cs) != 1 || cs[0].Banned || cs[0].Reason != "expired" || !cs[0].At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("changes = %+v, want one expiry at the ban's end", cs)
	}
	if rec, ok := r.e.History(netip.MustParseAddr("10.0.0.5")); !ok || rec.Count != 1 {
		t.Fatalf("history = %+v, %v: want the expired ban kept", rec, ok)
	}
	// The strikes that led to the ban were reset: one more is not a ban.
	if r.strikes(t, "10.0.0.5", 1, t0.Add(time.Hour+time.Minute)) {
		t.Fatal("banned again on a single strike")
	}
}

func TestExpiryAnnouncedBySweep(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1, BanTime: time.Hour})
	r.strikes(t, "10.0.0.5", 1, t0)
	r.rec.take()
	// The banned source never returns; another source's strike sweeps.
	r.strikes(t, "10.0.0.6", 0, t0)
	if _, err := r.e.Strike(context.Background(), netip.MustParseAddr("10.0.0.6"), Strike{}, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	cs := r.rec.take()
	if len(cs) < 1 || cs[0].Banned || cs[0].Record.Prefix.String() != "10.0.0.5/32" || cs[0].Reason != "expired" {
		t.Fatalf("changes = %+v, want 10.0.0.5's expiry", cs)
	}
}

func TestIgnoreAndOwn(t *testing.T) {
	cfg := Config{MaxRetry: 1,
		Ignore: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("2001:db8:1::/48")},
		Own:    []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8:9::1")}}
	tests := []struct {
		ip     string
		banned bool
	}{
		{"10.1.2.3", false},
		{"::ffff:10.1.2.3", false},
		{"192.0.2.1", false},
		{"2001:db8:1:2::5", false},
		{"2001:db8:9::1", false},   // own, though its /64 is bannable
		{"2001:db8:9::2", true},    // same /64 as an own address, not own
		{"192.0.2.2", true},        // next to an own address
		{"10.2.0.1", true},         // outside the ignored /16
		{"127.0.0.1", true},        // loopback is not implicitly ignored
		{"fe80::1%eth0", true},     // zones are dropped
		{"2001:db8:2::1", true},    // outside the ignored /48
		{"::ffff:192.0.2.2", true}, // mapped counts as IPv4
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			r := newRig(t, cfg)
			got := r.strikes(t, tt.ip, 3, t0)
			if got != tt.banned || r.banned(tt.ip, t0) != tt.banned {
				t.Fatalf("banned = %v, want %v", got, tt.banned)
			}
			_, err := r.e.Add(context.Background(), netip.MustParseAddr(tt.ip), time.Hour, "", t0)
			if (err == ErrExempt) == tt.banned {
				t.Fatalf("Add: %v", err)
			}
		})
	}
}

func TestOwnAddressInBannedSlash64(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1, Own: []netip.Addr{netip.MustParseAddr("2001:db8::1")}})
	r.strikes(t, "2001:db8::66", 1, t0)
	if !r.banned("2001:db8::67", t0) || r.banned("2001:db8::1", t0) {
		t.Fatal("the /64 should be banned but the box's own address not")
	}
}

func TestReconfigureLiftsNewlyIgnored(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1})
	r.strikes(t, "10.3.0.1", 1, t0)
	r.strikes(t, "10.4.0.1", 1, t0)
	r.rec.take()
	err := r.e.Reconfigure(context.Background(), Config{MaxRetry: 1, Ignore: []netip.Prefix{netip.MustParsePrefix("10.3.0.0/16")}}, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if r.banned("10.3.0.1", t0.Add(time.Minute)) || !r.banned("10.4.0.1", t0.Add(time.Minute)) {
		t.Fatal("reconfigure: want 10.3.0.1 lifted and 10.4.0.1 still banned")
	}
	cs := r.rec.take()
	if len(cs) != 1 || cs[0].Reason != "ignored" {
		t.Fatalf("changes = %+v", cs)
	}
	if got := r.st.all(); len(got) != 1 || got[0].Prefix.String() != "10.4.0.1/32" {
		t.Fatalf("store = %+v", got)
	}
}

func TestIPv6Slash64(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 3})
	for _, ip := range []string{"2001:db8:0:7::1", "2001:db8:0:7:aaaa::2", "2001:db8:0:7:ffff:ffff:ffff:ffff"} {
		r.strikes(t, ip, 1, t0)
	}
	if !r.banned("2001:db8:0:7::9", t0) {
		t.Fatal("three addresses of one /64 should ban the /64")
	}
	if r.banned("2001:db8:0:8::1", t0) {
		t.Fatal("the neighbouring /64 is banned")
	}
	bans := r.e.Active(t0)
	if len(bans) != 1 || bans[0].Prefix.String() != "2001:db8:0:7::/64" {
		t.Fatalf("bans = %+v", bans)
	}
}

func TestScanDetection(t *testing.T) {
	tests := []struct {
		name   string
		macs   []int         // MAC index per strike
		gap    time.Duration // between strikes
		want   int           // strike that bans, -1 never
		reason string
	}{
		{"nine distinct MACs", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, time.Second, 8, "scan"},
		{"eight distinct is tolerated", []int{1, 2, 3, 4, 5, 6, 7, 8}, time.Second, -1, ""},
		{"the same MAC again is no scan", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, time.Second, -1, ""},
		{"MACs slide out of find_time", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2 * time.Minute, -1, ""},
		{"no MAC, no scan", []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, time.Second, -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{MaxRetry: 100, FindTime: 10 * time.Minute, ScanMACs: 8})
			ip := netip.MustParseAddr("10.0.0.66")
			got := -1
			for i, m := range tt.macs {
				st := Strike{Reason: "unknown-mac"}
				if m != 0 {
					st.MAC = mac(m)
				}
				b, _ := r.e.Strike(context.Background(), ip, st, t0.Add(time.Duration(i)*tt.gap))
				if b {
					got = i
					break
				}
			}
			if got != tt.want {
				t.Fatalf("banned at %d, want %d", got, tt.want)
			}
			if got >= 0 {
				rec, _ := r.e.History(ip)
				if rec.Reason != tt.reason {
					t.Fatalf("reason %q, want %q", rec.Reason, tt.reason)
				}
			}
		})
	}
}

func TestScanDisabled(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 100, ScanMACs: -1})
	for i := range 50 {
		if b, _ := r.e.Strike(context.Background(), netip.MustParseAddr("10.0.0.1"), Strike{MAC: mac(i)}, t0); b {
			t.Fatal("banned with scan detection off")
		}
	}
}
