package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"

	"github.com/provbox/provbox/httpd"
	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/httpd/admin/web"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
	"github.com/provbox/provbox/tftp"
)

// daemon is a running provbox: the core, its servers and every socket
// they serve, all bound by openDaemon before anything is served.
type daemon struct {
	cfg *fileConfig
	log *slog.Logger

	st    *store.Store
	svc   *provisioning.Service
	admin *admin.Handler
	http  *httpd.Server
	tftp  *tftp.Server
	web   *web.Server // nil when admin.web_listen is off

	adminLn         net.Listener
	webLn           net.Listener   // nil when off
	webAddr         net.Addr       // where the web UI listens (nil: off)
	httpLn, httpsLn net.Listener   // nil when off
	tftpConn        net.PacketConn // nil when off
	dhcp            dhcpRunner     // nil when off
	ports           boundPorts     // as bound, for reloads
	level           *slog.LevelVar // the log level, changed by reloads (nil: fixed)
	metrics         *metricsWiring // nil when metrics.listen is off
	ha              *haDHCP        // nil without [store] ha
	reloadMu        sync.Mutex     // one reload at a time (reload.go)
}

// hooks are what `provbox serve` adds around the servers: systemd
// notifications and the tasks that run beside them (watchdog, reload).
type hooks struct {
	ready      func(ctx context.Context) // every server is running
	stopping   func()                    // the stop began; servers drain now
	background []func(ctx context.Context)
}

// openDaemon builds the core and binds every socket. On error everything
// opened so far is closed again.
func openDaemon(ctx context.Context, cfg *fileConfig, reg *profile.Registry, log *slog.Logger) (d *daemon, err error) {
	d = &daemon{cfg: cfg, log: log}
	dbExisted := true
	defer func() {
		if err != nil {
			d.close()
			if !dbExisted {
				removeNewDatabase(cfg)
			}
		}
	}()
	// The admin socket first: it refuses to start a second daemon before
	// that one touches the database.
	if d.adminLn, err = admin.Listen(cfg.resolve(cfg.Admin.Socket)); err != nil {
		return d, err
	}
	if dbExisted, err = ensureStateDir(cfg); err != nil {
		return d, err
	}
	if d.st, err = openStore(ctx, cfg, log); err != nil {
		return d, err
	}
	warnBinding(cfg, log)
	if d.svc, err = provisioning.New(ctx, cfg.coreConfig(cfg.configuredPorts()), d.st, reg, log); err != nil {
		return d, fmt.Errorf("starting the provisioning core: %w", err)
	}
	d.admin = admin.New(d.svc, versionString(), log)
	if err := d.bindWeb(); err != nil {
		return d, err
	}
	d.installNode()
	if err := d.bindMetrics(reg); err != nil {
		return d, err
	}
	if err := d.bindServers(); err != nil {
		return d, err
	}
	if ds, ok := d.dhcp.(*dhcpServer); ok {
		d.installDHCP(ds.srv)
	}
	d.metrics.observe(d)
	// With port 0 in the file, secret URLs and DHCP options need the
	// ports the kernel chose.
	if d.ports = d.boundPorts(); d.ports != cfg.configuredPorts() {
		d.svc.Reload(cfg.coreConfig(d.ports), reg)
	}
	// Loading the state database (every device, lease and account, read
	// row by row) leaves garbage of about its own size; hand it back now
	// rather than keep it resident until the scavenger gets round to it
	// (issue 17: RSS at 10,000 devices and leases).
	debug.FreeOSMemory()
	return d, nil
}

func (d *daemon) bindServers() error {
	var err error
	h := d.cfg.HTTP
	if h.Addr != "" || h.TLSAddr != "" {
		if d.http, err = httpd.New(httpdSettings(d.cfg), d.svc, d.log); err != nil {
			return fmt.Errorf("http: %w", err)
		}
		if d.httpLn, d.httpsLn, err = d.http.Listen(); err != nil {
			return err
		}
	}
	if d.cfg.TFTP.Enabled {
		if d.tftp, err = tftp.New(tftpSettings(d.cfg), d.svc, d.log); err != nil {
			return fmt.Errorf("tftp: %w", err)
		}
		if d.tftpConn, err = d.tftp.Listen(); err != nil {
			return err
		}
	}
	if d.cfg.DHCP.Enabled && d.cfg.Store.HA {
		if d.ha, err = bindHA(d, d.installDHCP); err != nil {
			return err
		}
		d.dhcp = d.ha
	} else if d.cfg.DHCP.Enabled {
		if err := refuseUnfencedDHCP(context.Background(), d.st); err != nil {
			return err
		}
		if d.dhcp, err = bindDHCP(d.cfg, d.svc, d.log, d.metrics.dhcpOptions()...); err != nil {
			return err
		}
	}
	return nil
}

// bindWeb binds the admin web UI when admin.web_listen is set; it
// refuses to start without a usable admin.web_password_file.
func (d *daemon) bindWeb() error {
	cfg := webSettings(d.cfg)
	if cfg.Addr == "" {
		return nil
	}
	var err error
	cfg.DHCP.Enabled = d.cfg.DHCP.Enabled
	for _, sn := range d.cfg.DHCP.Subnets { // for the dashboard's pool use
		cfg.DHCP.Pools = append(cfg.DHCP.Pools, web.Pool{Subnet: sn.CIDR, First: sn.Range.First, Last: sn.Range.Last})
	}
	if d.web, err = web.New(cfg, d.svc, d.log); err != nil {
		return fmt.Errorf("admin.web_listen: %w", err)
	}
	if d.webLn, err = d.web.Listen(); err != nil {
		return fmt.Errorf("admin.web_listen: %w", err)
	}
	d.webAddr = d.webLn.Addr()
	d.log.Info("admin web UI listening", "listen", d.webAddr.String())
	return nil
}

// httpdSettings is [http] as the server takes it: certificate paths are
// relative to the config file.
func httpdSettings(c *fileConfig) httpd.Config {
	h := c.HTTP
	h.CertFile, h.KeyFile = c.resolve(h.CertFile), c.resolve(h.KeyFile)
	return h
}

// webSettings is the web UI's part of [admin] as the UI takes it: the
// password, certificate and key paths are relative to the config file.
func webSettings(c *fileConfig) web.Config {
	w := c.Admin.Config
	w.PasswordFile, w.TLSCert, w.TLSKey = c.resolve(w.PasswordFile), c.resolve(w.TLSCert), c.resolve(w.TLSKey)
	return w
}

func tftpSettings(c *fileConfig) tftp.Config { return c.TFTP.Config }

func (d *daemon) boundPorts() boundPorts {
	var p boundPorts
	if d.httpLn != nil {
		p.http = d.httpLn.Addr().(*net.TCPAddr).Port
	}
	if d.tftpConn != nil {
		p.tftp = d.tftpConn.LocalAddr().(*net.UDPAddr).Port
	}
	return p
}

// serve runs every server until ctx ends or one fails, then stops them
// all (each drains what is in flight). The caller closes the daemon.
func (d *daemon) serve(ctx context.Context, h hooks) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 8)
	n := 0
	start := func(name string, serve func(context.Context) error) {
		n++
		go func() {
			err := serve(ctx)
			if err == nil && ctx.Err() == nil {
				err = errors.New("stopped unexpectedly")
			}
			if err != nil {
				err = fmt.Errorf("%s: %w", name, err)
				cancel()
			}
			errc <- err
		}()
	}
	// The servers own the sockets from here on.
	adminLn, httpLn, httpsLn, tftpConn, dhcp := d.adminLn, d.httpLn, d.httpsLn, d.tftpConn, d.dhcp
	d.adminLn, d.httpLn, d.httpsLn, d.tftpConn, d.dhcp = nil, nil, nil, nil, nil
	start("admin", func(ctx context.Context) error { return d.admin.Serve(ctx, adminLn) })
	if webLn := d.webLn; webLn != nil {
		d.webLn = nil
		start("web", func(ctx context.Context) error { return d.web.Serve(ctx, webLn) })
	}
	if httpLn != nil {
		start("http", func(ctx context.Context) error { return d.http.Serve(ctx, httpLn) })
	}
	if httpsLn != nil {
		start("https", func(ctx context.Context) error { return d.http.ServeTLS(ctx, httpsLn) })
	}
	if tftpConn != nil {
		start("tftp", func(ctx context.Context) error { return d.tftp.Serve(ctx, tftpConn) })
	}
	if dhcp != nil {
		start("dhcp", dhcp.serve)
	}
	if run := d.metrics.take(); run != nil {
		start("metrics", run)
	}
	if h.ready != nil {
		h.ready(ctx)
	}
	var bg sync.WaitGroup
	for _, task := range h.background {
		bg.Go(func() { task(ctx) })
	}
	<-ctx.Done()
	if h.stopping != nil {
		h.stopping()
	}
	var errs []error
	for range n {
		if err := <-errc; err != nil {
			errs = append(errs, err)
		}
	}
	bg.Wait()
	return errors.Join(errs...)
}

// close releases what serve did not take over, then the core and the
// database (after the servers stopped, so no request is cut short).
func (d *daemon) close() {
	for _, c := range []interface{ Close() error }{d.adminLn, d.webLn, d.httpLn, d.httpsLn, d.tftpConn} {
		if c != nil {
			c.Close()
		}
	}
	if d.dhcp != nil {
		d.dhcp.close()
	}
	if d.ha != nil && d.ha != d.dhcp {
		d.ha.close()
	}
	d.metrics.close()
	if d.svc != nil {
		d.svc.Close()
	}
	if d.st != nil {
		if err := d.st.Close(); err != nil {
			d.log.Error("closing the state database", "err", err)
		}
	}
}

// statusLine is systemd's STATUS= line: what the daemon holds.
func (d *daemon) statusLine(ctx context.Context) string {
	st := d.admin.Summary(ctx)
	return fmt.Sprintf("STATUS=serving %d devices, %d leases, %d bans", st.Devices, st.Leases, st.Bans)
}
