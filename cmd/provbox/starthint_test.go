package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/provbox/provbox/httpd/admin"
)

// TestStartHintFitsHowItRuns: the advice for a daemon that is not running
// names systemd only for the packaged configuration.
func TestStartHintFitsHowItRuns(t *testing.T) {
	down := fmt.Errorf("%w (no socket at /x.sock)", admin.ErrDaemonDown)
	env := func(v string) func(string) string { return func(string) string { return v } }
	for _, tc := range []struct {
		c    cli
		want string
	}{
		{cli{getenv: env("")}, "provbox daemon not running (no socket at /x.sock): start it with: sudo systemctl start provbox (or see: systemctl status provbox)"},
		{cli{getenv: env(""), config: "./configs/loopback.toml"}, "provbox daemon not running (no socket at /x.sock): start it with: provbox serve -c ./configs/loopback.toml"},
		{cli{getenv: env("/srv/pb.toml")}, "provbox daemon not running (no socket at /x.sock): start it with: provbox serve -c /srv/pb.toml"},
		{cli{getenv: env(""), socket: "/x.sock"}, "provbox daemon not running (no socket at /x.sock): start the daemon whose admin.socket is /x.sock (provbox serve -c ITS_FILE)"},
	} {
		if got := tc.c.startHint(down).Error(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
	if other := errors.New("refused"); tc0(t).startHint(other) != other {
		t.Error("other errors must pass unchanged")
	}
}

func tc0(*testing.T) *cli { return &cli{getenv: func(string) string { return "" }} }
