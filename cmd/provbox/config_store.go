package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/provbox/provbox/provisioning/store"
)

// store checks [store] by store.Config's rules, dsn_file resolved
// against the config file, and failover's rule spanning sections.
func (k *checker) store() {
	k.section(storeSettings(k.c).Validate())
	if k.c.Store.HA && !k.c.DHCP.Enabled {
		k.failf("store.ha", "needs dhcp.enabled = true: failover elects which node answers DHCP, and a node that serves no DHCP must not take the role (leave ha off on it)")
	}
}

// storeSettings is [store] as the store takes it.
func storeSettings(c *fileConfig) store.Config {
	s := c.Store
	s.DSNFile = c.resolve(s.DSNFile)
	return s
}

// openStore opens the configured back-end.
func openStore(ctx context.Context, cfg *fileConfig, log *slog.Logger) (*store.Store, error) {
	s := storeSettings(cfg)
	if !s.Postgres() {
		return store.Open(ctx, cfg.stateDirPath())
	}
	dsn := s.DSN
	if s.DSNFile != "" {
		var err error
		if dsn, err = store.ReadDSNFile(s.DSNFile); err != nil {
			return nil, fmt.Errorf("store.dsn_file: %w", err)
		}
	}
	st, err := store.OpenPostgres(ctx, dsn)
	if err != nil {
		return nil, err
	}
	attrs := []any{"database", st.Path(), "synchronous_commit", st.SyncCommit()}
	if st.SyncCommit() == "off" {
		log.Warn("PostgreSQL synchronous_commit is off: a write provbox acknowledged can be lost if the server crashes", attrs...)
	} else {
		log.Info("state on PostgreSQL", attrs...)
	}
	return st, nil
}
