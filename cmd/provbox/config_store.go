package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/provbox/provbox/provisioning/store"
)

// storeConfig is [store]: where the state lives. The default is SQLite in
// state_dir; "postgres" shares one PostgreSQL database between nodes.
type storeConfig struct {
	Backend string `toml:"backend"`  // "sqlite" (default) or "postgres"
	DSN     string `toml:"dsn"`      // postgres: a DSN without a password
	DSNFile string `toml:"dsn_file"` // postgres: a file (mode 0600) holding the DSN
	HA      bool   `toml:"ha"`       // postgres: DHCP failover with the other nodes (ha.go)
	Node    string `toml:"node"`     // ha: this node's name (default: the host name)
}

func (s storeConfig) postgres() bool { return s.Backend == "postgres" }

// store checks [store]. A password in the TOML is refused: the file is
// often readable by admins and kept in version control; dsn_file (or
// PostgreSQL's own ~/.pgpass and PGPASSFILE) holds it instead.
func (k *checker) store() {
	s := k.c.Store
	switch s.Backend {
	case "", "sqlite":
		if s.DSN != "" || s.DSNFile != "" {
			k.failf("store.backend", "dsn and dsn_file need backend = \"postgres\"")
		}
		if s.HA || s.Node != "" {
			k.failf("store.ha", "DHCP failover needs backend = \"postgres\": the nodes share their leases and elect the DHCP server through it, and an SQLite file belongs to one box")
		}
		return
	case "postgres":
	default:
		k.failf("store.backend", "%q: want \"sqlite\" or \"postgres\"", s.Backend)
		return
	}
	k.storeHA()
	switch {
	case (s.DSN == "") == (s.DSNFile == ""):
		k.failf("store.backend", "postgres needs exactly one of dsn and dsn_file")
	case s.DSN != "":
		if err := store.CheckDSN(s.DSN, false); err != nil {
			k.failf("store.dsn", "%v", err)
		}
	default:
		dsn, err := store.ReadDSNFile(k.c.resolve(s.DSNFile))
		if err == nil {
			err = store.CheckDSN(dsn, true)
		}
		if err != nil {
			k.failf("store.dsn_file", "%v", err)
		}
	}
}

// openStore opens the configured back-end.
func openStore(ctx context.Context, cfg *fileConfig, log *slog.Logger) (*store.Store, error) {
	s := cfg.Store
	if !s.postgres() {
		return store.Open(ctx, cfg.stateDirPath())
	}
	dsn := s.DSN
	if s.DSNFile != "" {
		var err error
		if dsn, err = store.ReadDSNFile(cfg.resolve(s.DSNFile)); err != nil {
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
