package metrics

import "github.com/provbox/provbox/provisioning/setting"

// Config is the [metrics] section of provbox.toml, which decodes straight
// into it: where the exposition listens ("" = off, the default). It has
// no rule of its own; that it clashes with no other listener is the
// file's.
type Config struct {
	Listen setting.HostPort `toml:"listen"`
}
