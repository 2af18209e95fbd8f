package main

import (
	"context"
	"log/slog"
	"time"

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

// watchdogInterval is systemd's WatchdogSec for this process, 0 if off.
func watchdogInterval(log *slog.Logger) time.Duration {
	d, err := sdaemon.SdWatchdogEnabled(false)
	if err != nil {
		log.Warn("reading the watchdog settings", "err", err)
		return 0
	}
	return d
}

// watchdog pings at every tick, but only while health answers nil within
// timeout: a deadlocked core stops the pings and systemd restarts us. An
// idle server is healthy.
func watchdog(ctx context.Context, tick <-chan time.Time, timeout time.Duration, health func(context.Context) error, ping func(), log *slog.Logger) {
	healthy := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		hctx, cancel := context.WithTimeout(ctx, timeout)
		err := health(hctx)
		cancel()
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			if healthy {
				log.Error("unhealthy, not feeding the watchdog", "err", err)
			}
			healthy = false
			continue
		case !healthy:
			log.Info("healthy again")
		}
		healthy = true
		ping()
	}
}

// runWatchdog feeds systemd's watchdog at half its interval, if enabled.
func (d *daemon) runWatchdog(ctx context.Context) {
	interval := watchdogInterval(d.log)
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	watchdog(ctx, t.C, interval/4, d.svc.Healthy, func() { notify(d.log, sdaemon.SdNotifyWatchdog) }, d.log)
}
