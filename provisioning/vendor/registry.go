package vendor

import "errors"

// PLACEHOLDER: the vendor-profiles work replaces this file with the real
// registry (embedded templates, overrides). Signatures are the contract.

// Profile is one phone family.
type Profile struct {
	Name        string // "yealink", "poly", "grandstream", "cisco-spa", "cisco-mpp", "snom", "fanvil", "htek"
	Title       string // "Yealink"
	ContentType string // of its config files
	DHCP        DHCPRule
}

// MatchFile classifies a requested file name (no directory, no leading "/").
func (p *Profile) MatchFile(name string) Match { return Match{} }

// ParseUA reports whether ua is this vendor's User-Agent, and what it says.
func (p *Profile) ParseUA(ua string) (UA, bool) { return UA{}, false }

// Validate refuses data this vendor's formats cannot carry, naming the field.
func (p *Profile) Validate(d Data) error { return nil }

// Registry holds the profiles and their parsed templates.
type Registry struct{ profiles []*Profile }

// New loads the embedded templates, then any overrides in overrideDir
// ("" for none); a broken override is an error naming its file and line.
func New(overrideDir string) (*Registry, error) { return &Registry{}, nil }

// Profile returns a profile by name.
func (r *Registry) Profile(name string) (*Profile, bool) {
	for _, p := range r.profiles {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// Profiles lists every profile in a stable order.
func (r *Registry) Profiles() []*Profile { return r.profiles }

// Redirect renders the redirect config answered at bootstrap for file.
func (r *Registry) Redirect(p *Profile, file string, d Data) ([]byte, error) {
	return nil, errors.New("not implemented")
}

// Full renders the full config answered at the secret URL for file.
func (r *Registry) Full(p *Profile, file string, d Data) ([]byte, error) {
	return nil, errors.New("not implemented")
}

// Common renders the harmless answer for a vendor common file.
func (r *Registry) Common(p *Profile, file string) ([]byte, error) {
	return nil, errors.New("not implemented")
}
