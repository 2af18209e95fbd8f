package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	sdaemon "github.com/coreos/go-systemd/v22/daemon"
)

// cmdServe runs the daemon in the foreground: every socket is bound
// before anything is served and before systemd hears READY=1; SIGHUP
// reloads the configuration; SIGINT or SIGTERM stop it after in-flight
// requests and transfers drain.
func cmdServe(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("serve"), args, 0, 0, "[-c FILE]"); err != nil {
		return err
	}
	path := c.configFile()
	cfg, reg, err := loadConfig(path, c.getenv)
	if err != nil {
		notify(slog.Default(), "STATUS=invalid configuration: "+strings.ReplaceAll(err.Error(), "\n", "; "))
		return err
	}
	log, level, err := newLogger(cfg.Log.Level, c.stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Caught from the start: a SIGHUP while starting must not kill us.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	d, err := openDaemon(ctx, cfg, reg, log)
	if err != nil {
		return startFailed(log, err)
	}
	defer d.close()
	d.level = level
	d.enableReload(path, c.getenv)
	listening := d.listenerAttrs() // before serve hands the sockets to the servers
	err = d.serve(ctx, hooks{
		ready: func(ctx context.Context) {
			attrs := []any{"version", versionString(), "file", cfg.path, "state_dir", cfg.stateDirPath()}
			log.Info("provbox ready", append(attrs, listening...)...)
			notify(log, sdaemon.SdNotifyReady+"\n"+d.statusLine(ctx))
		},
		stopping: func() {
			log.Info("stopping: draining requests and transfers")
			notify(log, sdaemon.SdNotifyStopping)
		},
		background: []func(context.Context){
			d.runWatchdog,
			func(ctx context.Context) { d.reloadLoop(ctx, hup, path, c.getenv) },
		},
	})
	if err != nil {
		log.Error("stopped on error", "err", err)
		return err
	}
	log.Info("provbox stopped")
	return nil
}
