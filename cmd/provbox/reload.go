package main

import (
	"context"
	"os"
	"reflect"

	sdaemon "github.com/coreos/go-systemd/v22/daemon"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/provisioning"
)

// reloadLoop reloads the configuration at every signal on hup (SIGHUP)
// until ctx ends; `provbox reload` (`systemctl reload provbox`) asks
// through the admin API instead, and waits.
func (d *daemon) reloadLoop(ctx context.Context, hup <-chan os.Signal, path string, getenv func(string) string) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			d.reload(ctx, path, getenv) //nolint:errcheck // logged; a signal has nobody to answer
		}
	}
}

// enableReload lets the admin API's POST /v1/reload (`provbox reload`)
// re-read path; call it before serving.
func (d *daemon) enableReload(path string, getenv func(string) string) {
	d.admin.SetReloader(func(ctx context.Context) (admin.Reload, error) { return d.reload(ctx, path, getenv) })
}

// reload re-reads the TOML and the templates and applies what can change
// live; what needs a restart is logged by key and returned. A file that
// does not validate is refused (the error says why): the running
// configuration keeps serving. SIGHUP and `provbox reload` (the unit's
// ExecReload) may ask at once: one reload runs at a time.
func (d *daemon) reload(ctx context.Context, path string, getenv func(string) string) (admin.Reload, error) {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	notify(d.log, sdaemon.SdNotifyReloading+"\n"+sdaemon.SdNotifyMonotonicUsec())
	// Who asked: the admin socket's peer (`provbox reload`), or a signal.
	by := provisioning.ActorFrom(ctx).String()
	if by == "" {
		by = "SIGHUP"
	}
	cfg, reg, err := loadConfig(path, getenv)
	if err != nil {
		d.log.Error("reload refused, still serving the previous configuration", "file", path, "by", by, "err", err)
		notify(d.log, sdaemon.SdNotifyReady+"\n"+d.statusLine(ctx)+"; last reload refused, see the log")
		return admin.Reload{}, err
	}
	warnBinding(cfg, d.log)
	res := admin.Reload{File: path, RestartNeeded: restartKeys(d.cfg, cfg)}
	for _, key := range res.RestartNeeded {
		d.log.Warn("change needs a restart to apply (systemctl restart provbox)", "key", key)
	}
	d.svc.Reload(liveCoreConfig(d.cfg, cfg, d.ports), reg)
	if d.web != nil {
		if err := d.web.ReloadPassword(); err != nil {
			d.log.Error("web UI password not reloaded, the old one stays", "err", err)
		}
	}
	if d.level != nil {
		d.level.UnmarshalText([]byte(cfg.Log.Level)) //nolint:errcheck // validated by loadConfig
	}
	d.log.Info("configuration reloaded", "file", path, "by", by)
	// READY=1 before the caller hears back: `systemctl reload` returns
	// only once the unit is active again.
	notify(d.log, sdaemon.SdNotifyReady+"\n"+d.statusLine(ctx))
	return res, nil
}

// liveCoreConfig is next's core configuration as a reload can apply it
// while running's DHCP server keeps running: dhcp.enabled needs a
// restart, so the lease check follows the server that actually runs —
// on while it runs (unless check_lease = false says otherwise), off while
// none does, or every phone would be refused for want of a lease.
func liveCoreConfig(running, next *fileConfig, ports boundPorts) provisioning.Config {
	c := next.coreConfig(ports)
	switch {
	case !running.DHCP.Enabled:
		c.Checks.Lease = false
	case next.Provisioning.CheckLease == nil:
		c.Checks.Lease = true
	}
	return c
}

// restartKeys names the settings that differ between the running
// configuration (what the sockets were bound with) and next, and that
// only a restart applies: listeners, interfaces, the state directory and
// the DHCP server's own settings. The rest (advertise, base_url, DHCP
// bootstrap and classes, provisioning, bans, log level, templates) is
// applied live.
func restartKeys(running, next *fileConfig) []string {
	var keys []string
	differ := func(key string, a, b any) {
		if !reflect.DeepEqual(a, b) {
			keys = append(keys, key)
		}
	}
	differ("state_dir", running.stateDirPath(), next.stateDirPath())
	differ("store", running.Store, next.Store)
	differ("admin.socket", running.resolve(running.Admin.Socket), next.resolve(next.Admin.Socket))
	differ("admin.web_listen", running.Admin.Addr, next.Admin.Addr)
	differ("metrics.listen", running.Metrics.Listen, next.Metrics.Listen)
	differ("admin.web_password_file", running.Admin.PasswordFile, next.Admin.PasswordFile)
	differ("admin.web_tls_cert", running.Admin.TLSCert, next.Admin.TLSCert)
	differ("admin.web_tls_key", running.Admin.TLSKey, next.Admin.TLSKey)
	differ("http", running.HTTP, next.HTTP)
	differ("tftp", running.TFTP, next.TFTP)
	rd, nd := running.DHCP, next.DHCP
	rd.BootConfig, nd.BootConfig = provisioning.BootConfig{}, provisioning.BootConfig{}
	for _, f := range []struct {
		key  string
		a, b any
	}{
		{"dhcp.enabled", rd.Enabled, nd.Enabled}, {"dhcp.interfaces", rd.Interfaces, nd.Interfaces},
		{"dhcp.lease_time", rd.LeaseTime, nd.LeaseTime}, {"dhcp.authoritative", rd.Authoritative, nd.Authoritative},
		{"dhcp.subnet", rd.Subnets, nd.Subnets}, {"dhcp.reservation", rd.Reservations, nd.Reservations},
	} {
		differ(f.key, f.a, f.b)
	}
	return keys
}
