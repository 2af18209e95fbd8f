package phone

import (
	"context"
	"fmt"
	"strings"
)

// Repoll is a provisioned phone's periodic check after its secret URL was
// rotated: it asks the provisioning URL it stored (now a retired one),
// must be redirected by what it reads there, and fetches its config from
// the new URL, all without a factory reset.
type Repoll struct {
	Vendor string `json:"vendor"`
	MAC    string `json:"mac"`
	IP     string `json:"ip"`
	Old    string `json:"old"`           // the URL the phone polled
	New    string `json:"new,omitempty"` // where the old URL sent it
	// RedirectFrom is the file at the old URL whose content moved it.
	RedirectFrom string   `json:"redirect_from,omitempty"`
	Fetches      []Fetch  `json:"fetches"`
	Lines        []Line   `json:"lines,omitempty"`
	Rejected     []string `json:"rejected,omitempty"`
	Err          string   `json:"error,omitempty"`
}

// ParseTarget is the provisioning target a phone stored: a directory URL
// (ending in "/") or one file's URL.
func ParseTarget(u string) (Target, error) {
	if _, err := absURL(u, ""); err != nil {
		return Target{}, err
	}
	if strings.HasSuffix(u, "/") {
		return Target{Base: u}, nil
	}
	return Target{File: u}, nil
}

// Repoll gets an address (as at every boot; DHCP provisioning is off), then
// polls old like a provisioned phone's periodic check and follows where
// it is sent.
func (ph *Phone) Repoll(ctx context.Context, old Target) (*Repoll, error) {
	r := &Repoll{Vendor: ph.Profile.Name, MAC: ph.MAC.String(), Old: old.String()}
	err := ph.repoll(ctx, old, r)
	if err != nil {
		r.Err = err.Error()
		ph.log().Warn("re-poll failed", "vendor", r.Vendor, "mac", r.MAC, "err", err)
	}
	return r, err
}

func (ph *Phone) repoll(ctx context.Context, old Target, r *Repoll) error {
	l, err := ph.boot(ctx)
	if err != nil {
		return err
	}
	r.IP = l.IP.String()
	return ph.pollOld(ctx, old, r)
}

// pollOld asks old for the phone's files, requires a redirect there, and
// fetches the full config where it points.
func (ph *Phone) pollOld(ctx context.Context, old Target, r *Repoll) error {
	p := ph.Profile
	c := ph.client()
	first, err := p.walk(ctx, c, ph.MAC, old)
	r.Fetches, r.Rejected = c.Log, first.Rejected
	if err != nil {
		return fmt.Errorf("old URL: %w", err)
	}
	if len(first.LinesFrom) > 0 {
		return fmt.Errorf("the old URL still serves SIP credentials (%s)", redact(first.LinesFrom[0]))
	}
	next, ok, err := p.dialect.redirect(first.Settings, ph.MAC)
	switch {
	case err != nil:
		return fmt.Errorf("old URL: %w", err)
	case !ok || next.Target.String() == old.String():
		return fmt.Errorf("the old URL answered %d file(s), none moving the phone%s", len(first.Answered), rejected(first.Rejected))
	case !next.DHCPOff:
		return fmt.Errorf("the redirect at the old URL turns DHCP-option provisioning back on")
	}
	r.New, r.RedirectFrom = next.Target.String(), first.RedirectFrom
	c = ph.client()
	full, err := p.walk(ctx, c, ph.MAC, next.Target)
	r.Fetches = append(r.Fetches, c.Log...)
	r.Rejected = append(r.Rejected, full.Rejected...)
	if err != nil {
		return fmt.Errorf("new URL: %w", err)
	}
	if r.Lines = p.dialect.lines(full.Settings); !hasPassword(r.Lines) {
		return fmt.Errorf("new URL %s: no SIP credentials in %d file(s) served", redact(r.New), len(full.Answered))
	}
	return nil
}

// repollFlag runs Repoll for the -poll flag's URL.
func (ph *Phone) repollFlag(ctx context.Context, u string) (*Repoll, error) {
	t, err := ParseTarget(u)
	if err != nil {
		r := &Repoll{Vendor: ph.Profile.Name, MAC: ph.MAC.String(), Old: u, Err: err.Error()}
		return r, err
	}
	return ph.Repoll(ctx, t)
}
