package profile

import (
	"strconv"
	"strings"
)

// Generation is one firmware generation of a family whose provisioning
// keys differ from its siblings' (Yealink up to V80 reads
// auto_provision.*, V81 on static.auto_provision.*). A redirect written in
// the wrong generation's dialect switches DHCP off and sets no server: the
// phone is stranded until someone resets it at the desk.
type Generation struct {
	// Name is what templates test ({{if .Gen "v80"}}) and what the key
	// tables name (references/<family>.md, "redirect v80"); "" for a
	// family with a single dialect.
	Name  string
	Title string
	// Models are models of this generation, as their User-Agents spell
	// them, for documentation, tests and the lab.
	Models []string
	// Firmware is a firmware version of this generation, as the UA
	// carries it.
	Firmware string
}

// genRule picks a generation from a model and firmware (either may be
// ""); "" when they cannot tell.
type genRule func(model, firmware string) string

// Generations lists the profile's firmware generations; a family with a
// single dialect has one, named "".
func (p *Profile) Generations() []Generation {
	if len(p.generations) == 0 {
		return []Generation{{Title: "all firmware"}}
	}
	return p.generations
}

// Generation picks the generation of a requester from its User-Agent
// (model and firmware), else from the device's configured model; ""
// when neither tells, and the templates then write every generation's
// keys where they cannot conflict.
func (p *Profile) Generation(userAgent, model string) string {
	if p.pickGen == nil {
		return ""
	}
	if ua, ok := p.ParseUA(userAgent); ok {
		if g := p.pickGen(ua.Model, ua.Firmware); g != "" {
			return g
		}
	}
	return p.pickGen(model, "")
}

// Gen reports whether the template writes generation name's keys: the
// requester's generation, or every generation when it is unknown.
func (v view) Gen(name string) bool { return v.GenName == "" || v.GenName == name }

// fwField returns the n-th dot-separated number of a firmware version
// (0-based), or -1.
func fwField(fw string, n int) int {
	f := strings.Split(fw, ".")
	if n >= len(f) {
		return -1
	}
	v, err := strconv.Atoi(f[n])
	if err != nil {
		return -1
	}
	return v
}

// modelIn reports whether model, upper-cased and without a "-Pro"/" Pro",
// "-V2"/"V2" suffix, is one of list.
func modelIn(model string, list ...string) bool {
	m := baseModel(model)
	for _, l := range list {
		if m == l {
			return true
		}
	}
	return false
}

func baseModel(model string) string {
	m := strings.ToUpper(strings.TrimSpace(model))
	for _, suf := range []string{" PRO", "-PRO", "-V2", " V2"} {
		m = strings.TrimSuffix(m, suf)
	}
	return strings.TrimPrefix(m, "SIP-")
}
