package profile

import "testing"

func TestLoadZone(t *testing.T) {
	cases := []struct {
		name, posix, hours string
		hasDST             bool
	}{
		{"", "UTC0", "+0", false},
		{"Europe/Berlin", "CET-1CEST,M3.5.0/2,M10.5.0/3", "+1", true},
		{"America/New_York", "EST5EDT,M3.2.0/2,M11.1.0/2", "-5", true},
		{"Australia/Sydney", "AEST-10AEDT,M10.1.0/2,M4.1.0/3", "+10", true},
		{"Asia/Kolkata", "IST-5:30", "+5:30", false},
		{"America/Sao_Paulo", "<-03>3", "-3", false},
		{"Australia/Lord_Howe", "<+1030>-10:30<+11>-11,M10.1.0/2,M4.1.0/2", "+10:30", true},
	}
	for _, c := range cases {
		for _, year := range []int{2026, 2031} {
			z, err := loadZone(c.name, year)
			if err != nil {
				t.Fatalf("%q: %v", c.name, err)
			}
			if z.POSIX != c.posix || z.Hours() != c.hours || z.HasDST != c.hasDST {
				t.Errorf("%q %d: got %q %q %v, want %q %q %v", c.name, year, z.POSIX, z.Hours(), z.HasDST, c.posix, c.hours, c.hasDST)
			}
		}
	}
	for _, bad := range []string{"Local", "Mars/Olympus", "../etc/passwd"} {
		if _, err := loadZone(bad, 2026); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The memoised zone is the decoded one, for every name and year asked.
func TestCachedZone(t *testing.T) {
	for _, name := range []string{"", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"} {
		for _, year := range []int{2025, 2026, 2038} {
			want, err := loadZone(name, year)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // the second one comes from the cache
				if got, err := cachedZone(name, year); err != nil || got != want {
					t.Fatalf("%q %d: got %+v, %v, want %+v", name, year, got, err, want)
				}
			}
		}
	}
	if _, err := cachedZone("Mars/Olympus", 2026); err == nil {
		t.Fatal("an unknown zone passed")
	}
}
