package profile

import "testing"

// TestPrimaryFile: every vendor names a file for a given MAC, and the
// name matches back to that MAC.
func TestPrimaryFile(t *testing.T) {
	mac := [6]byte{0xab, 0xcd, 0xef, 0x01, 0x02, 0x03}
	for _, p := range builtins() {
		name, ok := p.PrimaryFile(mac)
		m := p.MatchFile(name)
		if !ok || m.Kind != Primary || m.MAC != mac {
			t.Errorf("%s: %q %v (match %+v)", p.Name, name, ok, m)
		}
	}
}
