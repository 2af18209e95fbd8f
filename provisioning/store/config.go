package store

import (
	"strings"

	"github.com/provbox/provbox/provisioning/setting"
)

// Config is the [store] section of provbox.toml, which decodes straight
// into it: where the state lives. The default is SQLite in the state
// directory; "postgres" shares one PostgreSQL database between nodes.
// Validate holds its rules.
type Config struct {
	Backend string `toml:"backend"`  // "sqlite" (default, also "") or "postgres"
	DSN     string `toml:"dsn"`      // postgres: a DSN without a password
	DSNFile string `toml:"dsn_file"` // postgres: a file (mode 0600) holding the DSN
	HA      bool   `toml:"ha"`       // postgres: DHCP failover with the other nodes (ha.go)
	Node    string `toml:"node"`     // ha: this node's name (default: the host name)
}

// Postgres reports whether the state lives in PostgreSQL.
func (c Config) Postgres() bool { return c.Backend == "postgres" }

// Validate reports the problems of [store] as provbox.toml writes them
// (DSNFile resolved), each a *setting.Error naming its key. A password
// in the TOML is refused: the file is often readable by admins and kept
// in version control; dsn_file (or PostgreSQL's own ~/.pgpass and
// PGPASSFILE) holds it instead.
func (c Config) Validate() error {
	switch c.Backend {
	case "", "sqlite":
		if c.DSN != "" || c.DSNFile != "" {
			return setting.Errorf("store.backend", "dsn and dsn_file need backend = \"postgres\"")
		}
		if c.HA || c.Node != "" {
			return setting.Errorf("store.ha", "DHCP failover needs backend = \"postgres\": the nodes share their leases and elect the DHCP server through it, and an SQLite file belongs to one box")
		}
		return nil
	case "postgres":
	default:
		return setting.Errorf("store.backend", "%q: want \"sqlite\" or \"postgres\"", c.Backend)
	}
	if err := c.validateHA(); err != nil {
		return err
	}
	switch {
	case (c.DSN == "") == (c.DSNFile == ""):
		return setting.Errorf("store.backend", "postgres needs exactly one of dsn and dsn_file")
	case c.DSN != "":
		if err := CheckDSN(c.DSN, false); err != nil {
			return setting.Errorf("store.dsn", "%v", err)
		}
		return nil
	}
	dsn, err := ReadDSNFile(c.DSNFile)
	if err == nil {
		err = CheckDSN(dsn, true)
	}
	if err != nil {
		return setting.Errorf("store.dsn_file", "%v", err)
	}
	return nil
}

// validateHA checks ha and node; that ha needs DHCP on is the file
// layer's rule (it spans sections).
func (c Config) validateHA() error {
	if c.Node != "" && !c.HA {
		return setting.Errorf("store.node", "names a node of a failover pair: set ha = true too, or remove it")
	}
	if len(c.Node) > 63 || strings.ContainsFunc(c.Node, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return setting.Errorf("store.node", "%q: want up to 63 printable ASCII characters without spaces", c.Node)
	}
	return nil
}
