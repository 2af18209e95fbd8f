package profile

import (
	"encoding/hex"
	"testing"
)

// Fanvil's "Time Zone" counts 15-minute units and is written for every
// zone; explicit summer-time rules need "Enable DST :2" (manual), and a
// zone without summer time gets 0. Both generations' modules agree.
func TestFanvilTimeZone(t *testing.T) {
	r := newTestRegistry(t)
	p, _ := r.Profile("fanvil")
	cases := []struct{ tz, zone, dst string }{
		{"Europe/Berlin", "4", "2"},
		{"America/New_York", "-20", "2"},
		{"Asia/Kolkata", "22", "0"},
		{"UTC", "0", "0"},
		{"America/St_Johns", "-14", "2"}, // UTC-3:30
	}
	for _, c := range cases {
		d := SampleData("fanvil")
		d.TimeZone = c.tz
		kv, err := readFanvil(must(t)(r.Full(p, hex.EncodeToString(d.MAC[:])+".cfg", d)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"GLOBAL CONFIG MODULE/", "PHONE FEATURE MODULE/"} {
			if kv[m+"Time Zone"] != c.zone || kv[m+"Enable DST"] != c.dst {
				t.Errorf("%s: %sTime Zone %q Enable DST %q, want %s and %s", c.tz, m, kv[m+"Time Zone"], kv[m+"Enable DST"], c.zone, c.dst)
			}
		}
	}
}
