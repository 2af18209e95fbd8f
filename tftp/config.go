package tftp

import (
	"errors"
	"time"

	"github.com/provbox/provbox/provisioning/setting"
)

// Config is the TFTP server's configuration and the [tftp] section of
// provbox.toml, which decodes straight into it (cmd/provbox adds
// enabled). Zero values take the defaults documented on each field; the
// file starts from Defaults. Validate holds its rules.
type Config struct {
	// Addr is the listen address, e.g. ":69".
	Addr setting.HostPort `toml:"listen"`
	// Timeout is how long a block waits for its ACK before it is sent
	// again (default 5s).
	Timeout time.Duration `toml:"timeout"`
	// Retries is how many times a block is sent before the transfer is
	// given up (default 5).
	Retries int `toml:"retries"`
	// MaxBlockSize caps the negotiated blksize (RFC 2348). Zero lets the
	// client's request stand, clamped to the interface MTU; otherwise it
	// must lie in 513..65464. provbox.toml's default is
	// DefaultMaxBlockSize.
	MaxBlockSize int `toml:"max_blksize"`
	// TransferTimeout bounds one whole transfer, from request to last
	// block (default 60s).
	TransferTimeout time.Duration `toml:"-"`
	// SinglePort serves every transfer from the listening port instead of
	// a fresh port per transfer, for firewalls that only open port 69.
	SinglePort bool `toml:"single_port"`
	// MaxTransfers bounds transfers in flight (default 512),
	// MaxPerSource those of one source address (default 8) and
	// MaxPerPrefix those of one IPv6 /64 (default 32); a request beyond
	// any is refused like any other. Off (0 in the file): no bound.
	MaxTransfers int           `toml:"max_transfers"`
	MaxPerSource setting.Limit `toml:"max_per_source"`
	MaxPerPrefix setting.Limit `toml:"max_per_prefix"`
	// ReservedForDevices is the share of MaxTransfers only addresses bound
	// to a known device may use (default a quarter; off: none).
	ReservedForDevices setting.Limit `toml:"reserved_for_devices"`
	// FirstACKTimeout is how long a transfer may wait for the ACK of its
	// first block (or OACK) before its slot may be given to another
	// request, when none is free (default 2s; off: never). The transfer
	// itself runs on until Timeout × Retries.
	FirstACKTimeout setting.Timeout `toml:"first_ack_timeout"`
}

// Defaults: the zero Config means these (see Defaults for the file).
const (
	DefaultAddr            = ":69"
	DefaultTimeout         = 5 * time.Second
	DefaultRetries         = 5
	DefaultTransferTimeout = 60 * time.Second
	DefaultMaxTransfers    = 512
	DefaultMaxPerSource    = 8
	DefaultMaxPerPrefix    = 32
	DefaultFirstACKTimeout = 2 * time.Second
	DefaultMaxBlockSize    = 1468 // an Ethernet MTU less the IP, UDP and TFTP headers
)

// Defaults is what provbox.toml without a [tftp] key means: every
// default written out, listening on DefaultAddr, with blocks capped at
// DefaultMaxBlockSize (a zero Config lets the interface MTU cap them).
func Defaults() Config {
	return Config{Addr: DefaultAddr, MaxBlockSize: DefaultMaxBlockSize}.withDefaults()
}

// Validate reports every problem of a configuration as provbox.toml
// writes it (no field left to its default; New validates with the
// defaults applied), each a *setting.Error naming its key.
func (c Config) Validate() error {
	var errs []error
	fail := func(key, format string, args ...any) { errs = append(errs, setting.Errorf(key, format, args...)) }
	if c.Timeout <= 0 {
		fail("tftp.timeout", "must be a positive duration like \"30s\" or \"12h\", got %s", c.Timeout)
	}
	if c.Retries < 1 {
		fail("tftp.retries", "must be at least 1, got %d", c.Retries)
	}
	if c.TransferTimeout < 0 {
		fail("tftp.TransferTimeout", "must not be negative, got %s", c.TransferTimeout)
	}
	// pin/tftp silently ignores out-of-range values; we refuse them.
	if c.MaxBlockSize != 0 && (c.MaxBlockSize < 513 || c.MaxBlockSize > 65464) {
		fail("tftp.max_blksize", "must be 513-65464 (RFC 2348), or 0 to let clients ask up to the interface MTU; got %d", c.MaxBlockSize)
	}
	if c.MaxTransfers < 1 {
		fail("tftp.max_transfers", "must be at least 1, got %d", c.MaxTransfers)
	} else if d := c.withDefaults(); d.ReservedForDevices > setting.Limit(d.MaxTransfers) {
		fail("tftp.reserved_for_devices", "%d exceeds tftp.max_transfers %d", d.ReservedForDevices, d.MaxTransfers)
	}
	return errors.Join(errs...)
}

// WithDefaults is the configuration the server runs with: zero fields
// take their defaults, a per-source or per-prefix bound that is off
// becomes one nothing reaches.
func (c Config) WithDefaults() Config { return c.withDefaults() }

func (c Config) withDefaults() Config {
	setting.Or(&c.Timeout, DefaultTimeout)
	setting.Or(&c.Retries, DefaultRetries)
	setting.Or(&c.TransferTimeout, DefaultTransferTimeout)
	setting.OrPositive(&c.MaxTransfers, DefaultMaxTransfers)
	setting.OrBound(&c.MaxPerSource, DefaultMaxPerSource)
	setting.OrBound(&c.MaxPerPrefix, DefaultMaxPerPrefix)
	setting.Share(&c.ReservedForDevices, c.MaxTransfers)
	setting.Or(&c.FirstACKTimeout, setting.Timeout(DefaultFirstACKTimeout))
	return c
}
