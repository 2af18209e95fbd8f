package tftp

import (
	"errors"
	"fmt"
	"time"

	"github.com/provbox/provbox/provisioning/setting"
)

// Config is the TFTP server's configuration. Zero values take the
// defaults documented on each field.
type Config struct {
	// Addr is the listen address, e.g. ":69".
	Addr string
	// Timeout is how long a block waits for its ACK before it is sent
	// again (default 5s).
	Timeout time.Duration
	// Retries is how many times a block is sent before the transfer is
	// given up (default 5).
	Retries int
	// MaxBlockSize caps the negotiated blksize (RFC 2348). Zero lets the
	// client's request stand, clamped to the interface MTU; otherwise it
	// must lie in 513..65464.
	MaxBlockSize int
	// TransferTimeout bounds one whole transfer, from request to last
	// block (default 60s).
	TransferTimeout time.Duration
	// SinglePort serves every transfer from the listening port instead of
	// a fresh port per transfer, for firewalls that only open port 69.
	SinglePort bool
	// MaxTransfers bounds transfers in flight (default 512),
	// MaxPerSource those of one source address (default 8) and
	// MaxPerPrefix those of one IPv6 /64 (default 32); a request beyond
	// any is refused like any other.
	MaxTransfers int
	MaxPerSource int
	MaxPerPrefix int
	// ReservedForDevices is the share of MaxTransfers only addresses bound
	// to a known device may use (default a quarter; negative: none).
	ReservedForDevices int
	// FirstACKTimeout is how long a transfer may wait for the ACK of its
	// first block (or OACK) before its slot may be given to another
	// request, when none is free (default 2s; negative: never). The
	// transfer itself runs on until Timeout × Retries.
	FirstACKTimeout time.Duration
}

// Defaults: the zero Config means these, and so does a provbox.toml
// without the key (cmd/provbox starts from them).
const (
	DefaultTimeout         = 5 * time.Second
	DefaultRetries         = 5
	DefaultTransferTimeout = 60 * time.Second
	DefaultMaxTransfers    = 512
	DefaultMaxPerSource    = 8
	DefaultMaxPerPrefix    = 32
	DefaultFirstACKTimeout = 2 * time.Second
	DefaultMaxBlockSize    = 1468 // an Ethernet MTU less the IP, UDP and TFTP headers
)

// Validate reports configuration mistakes, naming the field.
func (c Config) Validate() error {
	var errs []error
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("tftp: Timeout %v is negative", c.Timeout))
	}
	if c.Retries < 0 {
		errs = append(errs, fmt.Errorf("tftp: Retries %d is negative", c.Retries))
	}
	if c.TransferTimeout < 0 {
		errs = append(errs, fmt.Errorf("tftp: TransferTimeout %v is negative", c.TransferTimeout))
	}
	// pin/tftp silently ignores out-of-range values; we refuse them.
	if c.MaxBlockSize != 0 && (c.MaxBlockSize <= 512 || c.MaxBlockSize >= 65465) {
		errs = append(errs, fmt.Errorf("tftp: MaxBlockSize %d is outside 513..65464 (0 means the interface MTU)", c.MaxBlockSize))
	}
	if d := c.withDefaults(); d.ReservedForDevices > d.MaxTransfers {
		errs = append(errs, fmt.Errorf("tftp: ReservedForDevices %d exceeds MaxTransfers %d", d.ReservedForDevices, d.MaxTransfers))
	}
	return errors.Join(errs...)
}

// WithDefaults is the configuration the server runs with: zero fields
// take their defaults.
func (c Config) WithDefaults() Config { return c.withDefaults() }

func (c Config) withDefaults() Config {
	setting.Or(&c.Timeout, DefaultTimeout)
	setting.Or(&c.Retries, DefaultRetries)
	setting.Or(&c.TransferTimeout, DefaultTransferTimeout)
	setting.OrPositive(&c.MaxTransfers, DefaultMaxTransfers)
	setting.OrPositive(&c.MaxPerSource, DefaultMaxPerSource)
	setting.OrPositive(&c.MaxPerPrefix, DefaultMaxPerPrefix)
	setting.Share(&c.ReservedForDevices, c.MaxTransfers)
	setting.Or(&c.FirstACKTimeout, DefaultFirstACKTimeout)
	return c
}
