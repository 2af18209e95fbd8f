package main

import (
	"context"
	"fmt"
	"os/exec"
	"time"

	"github.com/provbox/provbox/provisioning/store"
	"github.com/provbox/provbox/provisioning/store/pgtest"
)

// The PostgreSQL targets: provbox's server as "provbox" runs it, with the
// state in a throw-away PostgreSQL cluster (Debian's postgresql, fsync and
// synchronous_commit on, as shipped) that the serve child starts and
// stops. "provbox-pg" is the PostgreSQL back-end alone; "provbox-ha" adds
// what a failover node does besides: every lease batch proves the
// leadership inside its transaction, and the leadership is renewed every
// second.
func init() {
	servers["provbox-pg"] = provboxBackend("postgres")
	servers["provbox-ha"] = provboxBackend("postgres-ha")
}

// provboxBackend is startProvbox with serve's -backend flag.
func provboxBackend(backend string) target {
	return func(t *topo, dir string, extra ...string) (*exec.Cmd, <-chan bool, error) {
		return startProvboxArgs(t, dir, append([]string{"-backend", backend}, extra...)...)
	}
}

// benchStore opens the serve child's store: SQLite in dir, or a fresh
// PostgreSQL cluster (stopped by the returned function).
func benchStore(ctx context.Context, backend, dir string) (*store.Store, func(), error) {
	if backend == "" || backend == "sqlite" {
		st, err := store.Open(ctx, dir)
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	}
	if backend != "postgres" && backend != "postgres-ha" {
		return nil, nil, fmt.Errorf("-backend %q: want sqlite, postgres or postgres-ha", backend)
	}
	c, err := pgtest.Start()
	if err != nil {
		return nil, nil, err
	}
	dsn, err := c.NewDatabase()
	if err != nil {
		c.Stop()
		return nil, nil, err
	}
	st, err := store.OpenPostgres(ctx, dsn)
	if err != nil {
		c.Stop()
		return nil, nil, err
	}
	stop := func() { st.Close(); c.Stop() }
	if backend == "postgres-ha" {
		if err := leadForBench(ctx, st); err != nil {
			stop()
			return nil, nil, err
		}
	}
	return st, stop, nil
}

// leadForBench takes the DHCP leadership, fences lease writes with it and
// renews it every second until ctx ends, as a failover node does.
func leadForBench(ctx context.Context, st *store.Store) error {
	ha, err := st.OpenHA("bench", 5*time.Second)
	if err != nil {
		return err
	}
	tok, err := ha.Claim(ctx, 0)
	if err != nil || tok == 0 {
		ha.Close()
		return fmt.Errorf("taking the leadership: token %d, %v", tok, err)
	}
	st.Fence(ha.ID(), tok)
	go func() {
		defer ha.Close()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				ha.Claim(ctx, tok) //nolint:errcheck // a lapse shows as failed exchanges
			}
		}
	}()
	return nil
}
