package profile

import (
	"fmt"
	"testing"
)

// TestMatchFileMemo: the memoised answer is matchFile's, for every
// vendor, for own files, common files and strangers alike, across the
// table's reset.
func TestMatchFileMemo(t *testing.T) {
	r := newTestRegistry(t)
	names := []string{"805ec0123456.cfg", "y000000000028.cfg", "000000000000.cfg", "favicon.ico", "", "Cisco/CP-8841-3PCC/0011223344ff.cfg",
		"spa504G.cfg", "0004f2abcdef.cfg", "0004f2abcdef-phone.cfg", "../etc/passwd"}
	for i := range maxCachedFiles + 10 { // fills the table and starts it over
		names = append(names, fmt.Sprintf("805ec0%06x.cfg", i))
	}
	for round := range 2 {
		for _, name := range names {
			for _, p := range r.Profiles() {
				if got, want := p.MatchFile(name), p.matchFile(name); got != want {
					t.Fatalf("round %d, %s, %q: memo %+v, match %+v", round, p.Name, name, got, want)
				}
			}
		}
	}
	fileMemo.RLock()
	n := len(fileMemo.m)
	fileMemo.RUnlock()
	if n > maxCachedFiles {
		t.Errorf("%d names held, bound %d", n, maxCachedFiles)
	}
	yl, _ := r.Profile("yealink")
	if m := yl.MatchFile("805ec0123456.cfg"); m.Kind != Primary || !m.HasMAC || m.MAC != [6]byte{0x80, 0x5e, 0xc0, 0x12, 0x34, 0x56} {
		t.Errorf("Yealink own file: %+v", m)
	}
}
