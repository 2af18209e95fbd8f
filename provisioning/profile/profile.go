package profile

import (
	"encoding/hex"
	"regexp"
	"strings"
)

// Profile is one phone family: how its requests look and how DHCP
// recognises it. Its templates live in the Registry.
type Profile struct {
	Name        string // "yealink", "poly", "grandstream", "cisco-spa", "cisco-mpp", "snom", "fanvil", "htek"
	Title       string // "Yealink"
	ContentType string // of its config files
	DHCP        DHCPRule

	files     []filePattern
	uas       []uaPattern
	maxLines  int
	languages map[string]string // Data.Language code -> this vendor's value
	zones     map[string]string // IANA time zone -> this vendor's zone code, where it has one
	// samples are file names of each kind, for the load-time test
	// render of templates and for the package's tests.
	samples []string
	// generations and pickGen: firmware generations with their own key
	// dialects (generation.go); none for a family with one dialect.
	generations []Generation
	pickGen     genRule
}

// filePattern maps file names matching re to kind. Named groups "mac"
// (12 hex digits) and "model" fill the Match.
type filePattern struct {
	re   *regexp.Regexp
	kind Kind
}

// uaPattern recognises one User-Agent form. Named groups: "model",
// "fw", and "mac" (12 hex digits, optionally separated by ':').
type uaPattern struct {
	re *regexp.Regexp
}

// maxName bounds the file names worth matching; longer ones are no
// phone's.
const maxName = 128

// MatchFile classifies a requested file name (no directory, no leading
// "/"; Cisco MPP's "Cisco/CP-<model>-3PCC/<mac>.cfg" is the one name with
// directories). The first matching pattern wins; a name carrying the
// all-zero MAC is never a device's own file. MatchFile (filecache.go) is
// the memoised entry point.
func (p *Profile) matchFile(name string) Match {
	if len(name) > maxName {
		return Match{}
	}
	for _, fp := range p.files {
		sub := fp.re.FindStringSubmatch(name)
		if sub == nil {
			continue
		}
		m := Match{Kind: fp.kind}
		if i := fp.re.SubexpIndex("model"); i > 0 {
			m.Model = sub[i]
		}
		if i := fp.re.SubexpIndex("mac"); i > 0 {
			mac, ok := parseHexMAC(sub[i])
			if !ok {
				continue
			}
			m.MAC, m.HasMAC = mac, true
		}
		return m
	}
	return Match{}
}

// maxUA bounds the User-Agents worth parsing.
const maxUA = 512

// parseUA reads ua with this vendor's patterns (ParseUA, uacache.go,
// is the cached entry point): whether it is this vendor's User-Agent,
// and what it says.
func (p *Profile) parseUA(ua string) (UA, bool) {
	for _, up := range p.uas {
		sub := up.re.FindStringSubmatch(ua)
		if sub == nil {
			continue
		}
		var u UA
		if i := up.re.SubexpIndex("model"); i > 0 {
			u.Model = sub[i]
		}
		if i := up.re.SubexpIndex("fw"); i > 0 {
			u.Firmware = sub[i]
		}
		if i := up.re.SubexpIndex("mac"); i > 0 && sub[i] != "" {
			mac, ok := parseHexMAC(sub[i])
			if !ok {
				continue
			}
			u.MAC, u.HasMAC = mac, true
		}
		return u, true
	}
	return UA{}, false
}

// parseHexMAC reads 12 hex digits, optionally separated by ':'; the
// all-zero address is refused.
func parseHexMAC(s string) ([6]byte, bool) {
	var m [6]byte
	s = strings.ReplaceAll(s, ":", "")
	if len(s) != 12 {
		return m, false
	}
	if _, err := hex.Decode(m[:], []byte(s)); err != nil {
		return m, false
	}
	return m, m != [6]byte{}
}

// files builds a pattern list from pairs of regexp and kind.
func files(pairs ...any) []filePattern {
	var out []filePattern
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, filePattern{regexp.MustCompile(pairs[i].(string)), pairs[i+1].(Kind)})
	}
	return out
}

// uas builds UA patterns.
func uas(res ...string) []uaPattern {
	out := make([]uaPattern, len(res))
	for i, re := range res {
		out[i] = uaPattern{regexp.MustCompile(re)}
	}
	return out
}

// ouis parses OUIs written as 6 hex digits.
func ouis(hexes ...string) []OUI {
	out := make([]OUI, len(hexes))
	for i, h := range hexes {
		if _, err := hex.Decode(out[i][:], []byte(h)); err != nil || len(h) != 6 {
			panic("vendor: bad OUI " + h)
		}
	}
	return out
}
