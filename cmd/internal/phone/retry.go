package phone

import (
	"context"
	"fmt"
	"time"
)

// RunRetrying is a factory-fresh phone provbox does not know yet: it
// boots once (DHCP), then asks its bootstrap files every interval, as
// real phones retry provisioning, until it is answered a redirect (an
// admin adopted it) or tries run out; then it fetches its full config.
// No reboot in between: adoption alone must be enough.
func (ph *Phone) RunRetrying(ctx context.Context, every time.Duration, tries int) (*Journey, error) {
	j := &Journey{Vendor: ph.Profile.Name, MAC: ph.MAC.String()}
	err := ph.retryBoot(ctx, j, every, tries)
	if err != nil {
		j.Err = err.Error()
	}
	return j, err
}

func (ph *Phone) retryBoot(ctx context.Context, j *Journey, every time.Duration, tries int) error {
	p := ph.Profile
	l, err := ph.boot(ctx)
	if err != nil {
		return err
	}
	j.IP = l.IP.String()
	if j.Location, err = p.Locate(l, ph.MAC); err != nil {
		return err
	}
	var all []Fetch
	for i := 1; ; i++ {
		c := ph.client()
		boot, err := p.walk(ctx, c, ph.MAC, j.Location.Target)
		all = append(all, c.Log...)
		j.Bootstrap, j.Rejected = all, boot.Rejected
		if err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
		r, err := ph.checkRedirect(boot, j)
		if err == nil {
			return ph.fetchFull(ctx, j, r, all)
		}
		if i >= tries {
			return fmt.Errorf("no redirect after %d tries: %w", tries, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}

// fetchFull walks the secret URL the redirect gave and checks the lines.
func (ph *Phone) fetchFull(ctx context.Context, j *Journey, r Redirect, log []Fetch) error {
	p := ph.Profile
	j.Bootstrap, j.Secret = split(log, urlDir(r.Target))
	c := ph.client()
	full, err := p.walk(ctx, c, ph.MAC, r.Target)
	j.Secret = append(j.Secret, c.Log...)
	j.Rejected = append(j.Rejected, full.Rejected...)
	if err != nil {
		return fmt.Errorf("secret URL: %w", err)
	}
	if j.Lines = p.dialect.lines(full.Settings); !hasPassword(j.Lines) {
		return fmt.Errorf("secret URL %s: no SIP credentials in %d file(s) served", redact(r.Target.String()), len(full.Answered))
	}
	return nil
}
