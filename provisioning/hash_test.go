package provisioning

import "testing"

func TestHash(t *testing.T) {
	seen := map[Hash]bool{}
	for range 100 {
		h, err := NewHash()
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != HashLen || !ValidHashText(string(h)) || seen[h] {
			t.Fatalf("bad or repeated hash %q", h)
		}
		seen[h] = true
		other := string(h[:HashLen-1]) + "x"
		if h[HashLen-1] == 'x' {
			other = string(h[:HashLen-1]) + "y"
		}
		if !h.Equal(string(h)) || h.Equal(other) || h.Equal("") {
			t.Fatalf("Equal misbehaves for %q", h)
		}
		if s := h.Short(); len(s) >= len(h) {
			t.Fatalf("Short(%q) = %q leaks the hash", h, s)
		}
	}
	if HashLen*6 < 128 {
		t.Fatalf("hash carries %d bits, want >= 128", HashLen*6)
	}
	if ValidHashText("short") || ValidHashText("AAAAAAAAAAAAAAAAAAAAAAA/") {
		t.Fatal("ValidHashText accepted a bad shape")
	}
}
