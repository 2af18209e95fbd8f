package tftp

import (
	"testing"

	"github.com/provbox/provbox/provisioning/setting"
)

// Defaults (what provbox.toml starts from) and the zero Config with its
// defaults both pass the file's rules; off bounds pass too.
func TestDefaultsValidate(t *testing.T) {
	d := Defaults()
	off := d
	off.MaxPerSource, off.ReservedForDevices, off.FirstACKTimeout = setting.Off, setting.Off, setting.OffTimeout
	for name, c := range map[string]Config{"Defaults": d, "zero": Config{}.WithDefaults(), "off": off} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if d.Addr != DefaultAddr || d.MaxBlockSize != DefaultMaxBlockSize || d.ReservedForDevices != DefaultMaxTransfers/4 {
		t.Errorf("Defaults() = %+v", d)
	}
	if err := (Config{}).Validate(); err == nil {
		t.Error("the zero Config passes the file's rules; a file cannot leave timeout at 0s")
	}
}
