package profile

import "testing"

// FuzzMatchFile: no file name panics any profile, and a match with a MAC
// is never the all-zero address.
func FuzzMatchFile(f *testing.F) {
	for _, ex := range fileExamples[:12] {
		f.Add(ex.name)
	}
	f.Add("Cisco/CP-8851-3PCC/001234ab45de.cfg")
	f.Add("../../etc/passwd")
	profiles := builtins()
	f.Fuzz(func(t *testing.T, name string) {
		for _, p := range profiles {
			m := p.MatchFile(name)
			if m.HasMAC && (m.Kind == None || m.MAC == [6]byte{}) {
				t.Fatalf("%s %q: %+v", p.Name, name, m)
			}
		}
	})
}

// FuzzParseUA: no User-Agent panics any profile.
func FuzzParseUA(f *testing.F) {
	for _, ex := range uaExamples[:10] {
		f.Add(ex.ua)
	}
	f.Add("")
	f.Add("curl/8.5.0")
	profiles := builtins()
	f.Fuzz(func(t *testing.T, ua string) {
		for _, p := range profiles {
			if u, ok := p.ParseUA(ua); ok && u.HasMAC && u.MAC == [6]byte{} {
				t.Fatalf("%s %q: zero MAC", p.Name, ua)
			}
		}
	})
}
