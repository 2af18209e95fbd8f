package profile

import "testing"

func BenchmarkFull(b *testing.B) {
	r := newTestRegistry(b)
	p, _ := r.Profile("poly")
	d := SampleData("poly")
	for b.Loop() {
		if _, err := r.Full(p, "0004f2112233-provbox.cfg", d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatchFileAll(b *testing.B) {
	ps := builtins()
	for b.Loop() {
		for _, p := range ps {
			p.MatchFile("0004f2112233.cfg")
		}
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(""); err != nil {
			b.Fatal(err)
		}
	}
}
