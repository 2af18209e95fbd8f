package provisioning

import (
	"testing"
)

// BenchmarkFetch is the core's decision for a phone's requests, every
// check on (path, UA fingerprint, lease binding, bans), the store in
// memory: the bootstrap's redirect and the full config at the secret
// path (render included).
func BenchmarkFetch(b *testing.B) {
	f := newFixture(b, nil)
	for _, c := range []struct{ name, path, outcome string }{
		{"bootstrap", "/805ec0112233.cfg", "redirect"},
		{"secret", f.secret("805ec0112233.cfg"), "config"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r := f.get(c.path, nil); !r.Found {
					b.Fatalf("%s not answered", c.path)
				}
			}
		})
	}
}
