package main

import (
	"log/slog"

	sdaemon "github.com/coreos/go-systemd/v22/daemon"
)

// notify sends state lines to systemd (sd_notify). Without NOTIFY_SOCKET
// it does nothing, so provbox runs the same outside systemd.
func notify(log *slog.Logger, state string) {
	// false: keep NOTIFY_SOCKET set, or every later notification is lost.
	if _, err := sdaemon.SdNotify(false, state); err != nil {
		log.Warn("notifying systemd", "err", err)
	}
}
