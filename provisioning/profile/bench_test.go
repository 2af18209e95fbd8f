package profile

import "testing"

// BenchmarkFull is a repeated render of one device's full config (a hit
// in the render cache after the first).
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

// BenchmarkFullUncached is a render that misses the render cache: the
// template engine's cost, paid on a phone's first fetch.
func BenchmarkFullUncached(b *testing.B) {
	r := newTestRegistry(b)
	p, _ := r.Profile("poly")
	d := SampleData("poly")
	year := r.now().Year()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.renderFresh(p, "full.tmpl", "0004f2112233-provbox.cfg", d, year); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseUA is the User-Agent check of every HTTP request: a
// Yealink's own User-Agent (MAC included) against its profile.
func BenchmarkParseUA(b *testing.B) {
	p, _ := newTestRegistry(b).Profile("yealink")
	const ua = "Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56"
	for b.Loop() {
		if u, ok := p.ParseUA(ua); !ok || !u.HasMAC {
			b.Fatal("not recognised")
		}
	}
}
