package main

import (
	"log/slog"
	"strings"
)

// startFailed tells the log and systemd why serve could not start: the
// STATUS= line is what `systemctl status provbox` shows between the
// unit's restarts, so a daemon that cannot start never fails silently.
func startFailed(log *slog.Logger, err error) error {
	log.Error("cannot start", "err", err)
	notify(log, "STATUS=cannot start: "+strings.ReplaceAll(err.Error(), "\n", "; "))
	return err
}
