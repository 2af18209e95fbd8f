package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/provbox/provbox/httpd/admin"
)

// cmdReload asks the running daemon to re-read its own configuration
// file (-c only says where to find the daemon) and waits for the
// outcome: exit 0 once the new file serves (keys that need a restart
// listed), 1 if the daemon refused it (the reason named, the previous
// configuration still serving). The unit's ExecReload runs it, so
// `systemctl reload provbox` returns only when the reload is done and
// fails when the file was refused.
func cmdReload(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("reload"), args, 0, 0, "[-c FILE]"); err != nil {
		return err
	}
	res, err := c.reloadDaemon(ctx)
	var ae *admin.APIError
	switch {
	case errors.As(err, &ae) && ae.Code == http.StatusUnprocessableEntity:
		return fmt.Errorf("reload refused, the daemon keeps serving the previous configuration:\n%w", err)
	case errors.As(err, &ae) && ae.Code == http.StatusNotFound:
		// The binary was upgraded under a daemon that predates the route.
		return errors.New("the running daemon is older than this provbox and cannot reload on request: restart it (sudo systemctl restart provbox)")
	}
	if err != nil {
		return c.startHint(err)
	}
	return c.show(res, func() error {
		fmt.Fprintf(c.stdout, "reloaded %s\n", res.File)
		for _, key := range res.RestartNeeded {
			fmt.Fprintf(c.stdout, "needs a restart to apply: %s (systemctl restart provbox)\n", key)
		}
		return nil
	})
}

// packaged is where the packages put the file and the daemon's socket;
// a variable so that tests can stand in for them.
var packaged = struct{ config, socket string }{defaultConfigPath, defaultConfig().Admin.Socket}

// reloadDaemon reloads the daemon at the file's socket. For the packaged
// file (the unit's ExecReload) the packaged socket is asked as well when
// the file names no socket that answers: the admin may just have edited
// admin.socket (the daemon keeps the old one until a restart) or broken
// the file so that it names none; the daemon then applies or refuses the
// file, and says why.
func (c *cli) reloadDaemon(ctx context.Context) (admin.Reload, error) {
	fallback := c.socket == "" && c.configFile() == packaged.config
	cl, err := c.dial(false)
	if err == nil {
		var res admin.Reload
		res, err = reloadAt(ctx, cl)
		if !fallback || !errors.Is(err, admin.ErrDaemonDown) || cl.Socket() == packaged.socket {
			return res, err
		}
	} else if !fallback {
		return admin.Reload{}, err
	}
	res, ferr := reloadAt(ctx, admin.Dial(packaged.socket))
	if errors.Is(ferr, admin.ErrDaemonDown) {
		return res, fmt.Errorf("%w; and at the packaged socket: %w", err, ferr)
	}
	return res, ferr
}

func reloadAt(ctx context.Context, cl *admin.Client) (admin.Reload, error) {
	defer cl.Close()
	return cl.Reload(ctx)
}
