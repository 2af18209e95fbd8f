package profile

import (
	"fmt"
	"testing"
)

// TestParseUAMemo: the memoised answer is parseUA's, for hits and
// misses alike, across the table's reset; and a User-Agent another
// vendor sent is judged per profile.
func TestParseUAMemo(t *testing.T) {
	r := newTestRegistry(t)
	yl, _ := r.Profile("yealink")
	poly, _ := r.Profile("poly")
	uas := []string{"Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56", "Yealink SIP-T46S 66.86.0.15", "curl/8.0", ""}
	for i := range maxCachedUAs + 10 { // fills the table and starts it over
		uas = append(uas, fmt.Sprintf("Yealink SIP-T4%dS 66.86.0.%d 80:5e:c0:12:%02x:%02x", i%10, i%100, i>>8&0xff, i&0xff))
	}
	for round := range 2 {
		for _, ua := range uas {
			for _, p := range []*Profile{yl, poly} {
				got, gok := p.ParseUA(ua)
				want, wok := p.parseUA(ua)
				if got != want || gok != wok {
					t.Fatalf("round %d, %s, %q: memo %+v %v, parse %+v %v", round, p.Name, ua, got, gok, want, wok)
				}
			}
		}
	}
	uaMemo.RLock()
	n := len(uaMemo.m)
	uaMemo.RUnlock()
	if n > maxCachedUAs {
		t.Errorf("%d User-Agents held, bound %d", n, maxCachedUAs)
	}
	if u, ok := yl.ParseUA("Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56"); !ok || !u.HasMAC || u.Model != "T46S" {
		t.Errorf("Yealink UA: %+v %v", u, ok)
	}
	if _, ok := poly.ParseUA("Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56"); ok {
		t.Error("poly took a Yealink User-Agent")
	}
}
