package provisioning

import (
	"errors"
	"net/netip"

	"github.com/provbox/provbox/provisioning/setting"
)

// Defaults is what provbox.toml without a [provisioning] key means: the
// default unlock window and rotation grace, and every fingerprint check
// on (the lease check follows [dhcp], which the file layer knows).
func Defaults() Config {
	return Config{UnlockWindow: DefaultUnlockWindow, RotationGrace: DefaultRotationGrace, Checks: DefaultChecks(false)}
}

// Validate reports every problem of the [provisioning] keys as the file
// writes them, each a *setting.Error naming its key.
func (c Config) Validate() error {
	var errs []error
	fail := func(key, format string, args ...any) { errs = append(errs, setting.Errorf(key, format, args...)) }
	if c.UnlockWindow <= 0 {
		fail("provisioning.unlock_window", "must be a positive duration like \"30s\" or \"12h\", got %s", c.UnlockWindow)
	}
	if c.RotationGrace < 0 {
		fail("provisioning.rotation_grace", "must be \"0s\" (no grace: an old URL dies at the rekey) or a positive duration like \"168h\", got %s", c.RotationGrace)
	}
	const key = "provisioning.unverified_networks" // the value names the entry
	for _, p := range c.Unverified {
		switch {
		case p != p.Masked():
			fail(key, "%s has host bits set; did you mean %s?", p, p.Masked())
		case p.Addr().Is4In6():
			fail(key, "%s is IPv4-mapped and never matches: requesters are compared as IPv4 (write %s)",
				p, netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0)).Masked())
		}
	}
	return errors.Join(errs...)
}
