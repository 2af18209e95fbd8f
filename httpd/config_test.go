package httpd

import (
	"testing"

	"github.com/provbox/provbox/provisioning/setting"
)

// Defaults (what provbox.toml starts from) and the zero Config with its
// defaults both pass the file's rules; off bounds pass too.
func TestDefaultsValidate(t *testing.T) {
	d := Defaults()
	off := d
	off.MaxConnsPerSource, off.ReservedForDevices, off.StrangerIdleTimeout = setting.Off, setting.Off, setting.OffTimeout
	for name, c := range map[string]Config{"Defaults": d, "zero": Config{}.WithDefaults(), "off": off} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if d.Addr != DefaultAddr || d.MaxConns != DefaultMaxConns || d.ReservedForDevices != DefaultMaxConns/4 {
		t.Errorf("Defaults() = %+v", d)
	}
	if w := (Config{ReadTimeout: 3e9}).WithDefaults(); w.ReadHeaderTimeout != 3e9 {
		t.Errorf("read_timeout 3s leaves the header timeout at %s", w.ReadHeaderTimeout)
	}
}
