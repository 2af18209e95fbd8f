package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/provbox/provbox/dhcp"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
)

// serve runs provbox's DHCP server the way the daemon does (SQLite store
// or, with -backend, PostgreSQL; core, dhcp package) on one interface,
// until SIGTERM.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dir := fs.String("dir", "", "state directory")
	iface := fs.String("iface", "", "interface to serve")
	debug := fs.Bool("debug", false, "log every packet")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	backend := fs.String("backend", "sqlite", "state: sqlite, postgres or postgres-ha (a throw-away cluster; targets_pg.go)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	st, closeStore, err := benchStore(ctx, *backend, *dir)
	if err != nil {
		return err
	}
	defer closeStore()
	reg, err := profile.New("")
	if err != nil {
		return err
	}
	level := slog.LevelWarn
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	svc, err := provisioning.New(ctx, provisioning.Config{Boot: provisioning.BootConfig{Proto: "http", Host: serverIP}}, st, reg, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	batches := &batchStats{}
	svc.SetObserver(batches)
	defer batches.report(os.Stderr)
	s, err := dhcp.New(benchConfig(*iface), svc, log)
	if err != nil {
		return err
	}
	c, err := dhcp.Bind(*iface, 0)
	if err != nil {
		return err
	}
	fmt.Println("READY")
	return s.Serve(ctx, []net.PacketConn{c}...)
}

// batchStats counts the core's group commits, so a run shows how many
// leases each durable transaction (one fsync) carried.
type batchStats struct {
	provisioning.NopObserver
	commits, leases atomic.Int64
}

func (b *batchStats) LeaseBatch(n int, _ time.Duration) { b.commits.Add(1); b.leases.Add(int64(n)) }

func (b *batchStats) report(w io.Writer) {
	if c := b.commits.Load(); c > 0 {
		fmt.Fprintf(w, "provbox: %d lease commits, %.1f leases per commit\n", c, float64(b.leases.Load())/float64(c))
	}
}

// startCPUProfile profiles the server until the returned function runs.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func benchConfig(iface string) dhcp.Config {
	var pool dhcp.Range
	if err := pool.UnmarshalText([]byte(poolRange)); err != nil {
		panic(err) // a constant
	}
	return dhcp.Config{
		Interfaces: []string{iface}, Authoritative: true, LeaseTime: time.Hour,
		Subnets: []dhcp.Subnet{{CIDR: mustPrefix(subnet), Range: pool,
			Router: []netipAddr{mustAddr(serverIP)}, DNS: []netipAddr{mustAddr(serverIP)},
			Relays: []netipAddr{mustAddr(clientIP)}}}, // perfdhcp acts as the relay
	}
}
