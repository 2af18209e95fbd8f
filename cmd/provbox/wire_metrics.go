package main

import (
	"context"
	"fmt"
	"net"
	"sync/atomic"

	"github.com/provbox/provbox/dhcp"
	"github.com/provbox/provbox/httpd/metrics"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/tftp"
)

// metricsWiring is the Prometheus exposition when metrics.listen is set:
// the registry observing the core and the servers, and its listener.
type metricsWiring struct {
	m    *metrics.Metrics
	ln   net.Listener
	addr net.Addr
	// The servers the gauges read, set once bound, before serving.
	dhcp atomic.Pointer[dhcp.Server] // replaced at each failover term (ha.go)
	tftp *tftp.Server
}

// bindMetrics builds the registry and binds its listener; it does
// nothing when metrics.listen is off. It runs before the servers are
// built, so they get the observer at birth.
func (d *daemon) bindMetrics(reg *profile.Registry) error {
	addr := d.cfg.Metrics.Listen
	if addr == "" {
		return nil
	}
	w := &metricsWiring{}
	var vendors []string
	for _, p := range reg.Profiles() {
		vendors = append(vendors, p.Name)
	}
	src := metrics.Sources{Core: d.svc, Pools: w.pools, TFTPInFlight: w.tftpInFlight, Rogues: w.rogues}
	w.m = metrics.New(versionString(), vendors, src)
	ln, err := metrics.Listen(string(addr))
	if err != nil {
		return fmt.Errorf("metrics.listen: %w", err)
	}
	w.ln, w.addr = ln, ln.Addr()
	d.metrics = w
	d.svc.SetObserver(w.m)
	d.log.Info("metrics listening", "listen", w.addr.String(), "path", metrics.Path)
	return nil
}

// observe hands the observer to the servers just built.
func (w *metricsWiring) observe(d *daemon) {
	if w == nil {
		return
	}
	if d.http != nil {
		d.http.SetObserver(w.m)
	}
	if d.tftp != nil {
		d.tftp.SetObserver(w.m)
		w.tftp = d.tftp
	}
	if ds, ok := d.dhcp.(*dhcpServer); ok {
		w.dhcp.Store(ds.srv)
	}
}

// dhcpOptions are the DHCP server's options for metrics (none when off).
func (w *metricsWiring) dhcpOptions() []dhcp.Option {
	if w == nil {
		return nil
	}
	return []dhcp.Option{dhcp.WithObserver(w.m)}
}

func (w *metricsWiring) pools() []metrics.Pool {
	srv := w.dhcp.Load()
	if srv == nil {
		return nil
	}
	st := srv.Stats()
	out := make([]metrics.Pool, len(st))
	for i, s := range st {
		out[i] = metrics.Pool{Subnet: s.Subnet.Masked().String(), Size: s.Size, Bound: s.Bound, Offered: s.Offered}
	}
	return out
}

func (w *metricsWiring) rogues() int {
	srv := w.dhcp.Load()
	if srv == nil {
		return 0
	}
	return srv.RogueCount()
}

func (w *metricsWiring) tftpInFlight() int {
	if w.tftp == nil {
		return 0
	}
	return w.tftp.InFlight()
}

// take hands the listener over to the serve loop it returns (nil when
// metrics are off).
func (w *metricsWiring) take() func(context.Context) error {
	if w == nil || w.ln == nil {
		return nil
	}
	ln := w.ln
	w.ln = nil
	return func(ctx context.Context) error { return w.m.Serve(ctx, ln) }
}

// close closes the listener if serve never took it.
func (w *metricsWiring) close() {
	if w != nil && w.ln != nil {
		w.ln.Close()
	}
}
