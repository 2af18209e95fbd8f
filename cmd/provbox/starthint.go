package main

import (
	"errors"
	"fmt"

	"github.com/provbox/provbox/httpd/admin"
)

// startHint adds to "daemon not running" the way to start the daemon this
// CLI would talk to: systemd's for the packaged configuration, else
// `provbox serve` with the same file (a -c ./configs/loopback.toml run
// has no unit to start).
func (c *cli) startHint(err error) error {
	if !errors.Is(err, admin.ErrDaemonDown) {
		return err
	}
	switch file := c.configFile(); {
	case c.socket != "":
		return fmt.Errorf("%w: start the daemon whose admin.socket is %s (provbox serve -c ITS_FILE)", err, c.socket)
	case file == defaultConfigPath:
		return fmt.Errorf("%w: start it with: sudo systemctl start provbox (or see: systemctl status provbox)", err)
	default:
		return fmt.Errorf("%w: start it with: provbox serve -c %s", err, file)
	}
}
