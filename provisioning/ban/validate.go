package ban

import (
	"errors"
	"fmt"
	"time"

	"github.com/provbox/provbox/provisioning/setting"
)

// Validate reports every problem of a policy as written in provbox.toml
// (no field left to its default), each a *setting.Error naming its key.
func (c Config) Validate() error {
	var errs []error
	fail := func(key, format string, args ...any) { errs = append(errs, setting.Errorf(key, format, args...)) }
	if c.MaxRetry < 1 {
		fail("bans.max_retry", "must be at least 1, got %d", c.MaxRetry)
	}
	positive := func(key string, d time.Duration) {
		if d <= 0 {
			fail(key, "must be a positive duration like \"30s\" or \"12h\", got %s", d)
		}
	}
	positive("bans.find_time", c.FindTime)
	positive("bans.ban_time", c.BanTime)
	if c.MaxBanTime < c.BanTime {
		fail("bans.max_ban_time", "%s is shorter than bans.ban_time %s", c.MaxBanTime, c.BanTime)
	}
	if c.Factor < 1 {
		fail("bans.factor", "must be at least 1 (1 = repeat bans do not grow), got %g", c.Factor)
	}
	for i, p := range c.Ignore {
		if p != p.Masked() {
			fail(fmt.Sprintf("bans.ignore[%d]", i), "%s has host bits set; did you mean %s?", p, p.Masked())
		}
	}
	return errors.Join(errs...)
}
