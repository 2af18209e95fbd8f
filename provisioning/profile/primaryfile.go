package profile

import (
	"encoding/hex"
	"strings"
)

// PrimaryFile is a name under which a phone of p with MAC mac asks for
// its own config (its MAC file, e.g. "805ec0112233.cfg"), derived from
// p's sample names; false when p has no MAC-named file.
func (p *Profile) PrimaryFile(mac [6]byte) (string, bool) {
	for _, s := range p.samples {
		m := p.MatchFile(s)
		if m.Kind != Primary || !m.HasMAC {
			continue
		}
		lower := hex.EncodeToString(m.MAC[:])
		want := hex.EncodeToString(mac[:])
		name := strings.Replace(s, lower, want, 1)
		if name == s {
			name = strings.Replace(s, strings.ToUpper(lower), strings.ToUpper(want), 1)
		}
		if got := p.MatchFile(name); got.Kind == Primary && got.HasMAC && got.MAC == mac {
			return name, true
		}
	}
	return "", false
}
