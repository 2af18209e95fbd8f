package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/provbox/provbox/httpd/admin"
)

// cmdReload asks the running daemon to re-read its configuration file
// and waits for the outcome: exit 0 once the new file serves (keys that
// need a restart listed), 1 if the daemon refused it (the reason named,
// the previous configuration still serving). The unit's ExecReload runs
// it, so `systemctl reload provbox` returns only when the reload is done
// and fails when the file was refused.
func cmdReload(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("reload"), args, 0, 0, "[-c FILE]"); err != nil {
		return err
	}
	cl, err := c.reloadClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	res, err := cl.Reload(ctx)
	var ae *admin.APIError
	if errors.As(err, &ae) && ae.Code == http.StatusUnprocessableEntity {
		return fmt.Errorf("reload refused, the daemon keeps serving the previous configuration:\n%w", err)
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

// reloadClient is c.client, except that the packaged file, when it no
// longer decodes (the very file the daemon is about to refuse, naming
// the reason), still reaches the daemon at the packaged socket: that is
// what `systemctl reload` runs after an admin's bad edit.
func (c *cli) reloadClient() (*admin.Client, error) {
	cl, err := c.client()
	if err != nil && c.socket == "" && c.configFile() == defaultConfigPath {
		return admin.Dial(defaultConfig().Admin.Socket), nil
	}
	return cl, err
}
