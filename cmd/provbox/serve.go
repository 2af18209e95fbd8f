package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// cmdServe runs the daemon in the foreground until SIGINT or SIGTERM.
func cmdServe(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("serve"), args, 0, 0, "[-c FILE]"); err != nil {
		return err
	}
	cfg, reg, err := loadConfig(c.configFile(), c.getenv)
	if err != nil {
		return err
	}
	log, _, err := newLogger(cfg.Log.Level, c.stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := openDaemon(ctx, cfg, reg, log)
	if err != nil {
		log.Error("cannot start", "err", err)
		return err
	}
	defer d.close()
	err = d.serve(ctx, func() {
		log.Info("provbox ready", "version", versionString(), "config", cfg.path, "state_dir", cfg.stateDirPath())
		notify(log, "READY=1\n"+d.statusLine(ctx))
	})
	if err != nil {
		log.Error("stopped on error", "err", err)
		return err
	}
	log.Info("provbox stopped")
	return nil
}
