package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
)

// Environment variables that override the configuration.
const (
	envConfig   = "PROVBOX_CONFIG"    // the config file, when -c is not given
	envStateDir = "PROVBOX_STATE_DIR" // replaces state_dir (tests, trying provbox out)
)

// configPath picks the config file: -c, else $PROVBOX_CONFIG, else the
// packaged default.
func configPath(flagValue string, getenv func(string) string) string {
	if flagValue != "" {
		return flagValue
	}
	if p := getenv(envConfig); p != "" {
		return p
	}
	return defaultConfigPath
}

// loadConfig is the full validation `provbox check` runs and `provbox
// serve` needs: strict decoding, semantic checks, then the vendor
// templates (embedded plus templates_dir) and the vendors DHCP classes
// name.
func loadConfig(path string, getenv func(string) string) (*fileConfig, *profile.Registry, error) {
	cfg, err := decodeConfig(path)
	if cfg == nil {
		return nil, nil, err
	}
	var ce *configError
	if errors.As(err, &ce) {
		// Unknown keys or unit-less durations: report the semantic
		// mistakes of the same file with them.
		if verr := cfg.validate(); verr != nil {
			return nil, nil, &configError{errors.Join(ce.err, verr)}
		}
		return nil, nil, err
	}
	if d := getenv(envStateDir); d != "" {
		cfg.StateDir = d
	}
	if cfg.unguardedUDP, err = labBreak(getenv); err != nil {
		return nil, nil, &configError{err}
	}
	if err := cfg.validate(); err != nil {
		return nil, nil, &configError{err}
	}
	reg, err := profile.New(cfg.resolve(cfg.Provisioning.TemplatesDir))
	if err != nil {
		return nil, nil, &configError{fmt.Errorf("%s: provisioning.templates_dir: %w", cfg.name, err)}
	}
	k := &checker{c: cfg}
	for i, c := range cfg.DHCP.Classes {
		if _, ok := reg.Profile(c.Vendor); !ok && c.Vendor != "" {
			k.failf(fmt.Sprintf("dhcp.class[%d].vendor", i), "unknown vendor %q (known: %s)", c.Vendor, vendorNames(reg))
		}
	}
	if len(k.errs) > 0 {
		return nil, nil, &configError{errors.Join(k.errs...)}
	}
	return cfg, reg, nil
}

func vendorNames(reg *profile.Registry) string {
	var names []string
	for _, p := range reg.Profiles() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// boundPorts are the ports the listeners actually bound (0: off); they
// differ from the file's when it asks for port 0.
type boundPorts struct{ http, tftp int }

// configuredPorts are the ports as the file states them.
func (c *fileConfig) configuredPorts() boundPorts {
	p := boundPorts{http: c.HTTP.Addr.Port()}
	if c.TFTP.Enabled {
		p.tftp = c.TFTP.Addr.Port()
	}
	return p
}

// coreConfig is the core's configuration: [provisioning], and what the
// core takes from the other sections and from the host.
func (c *fileConfig) coreConfig(ports boundPorts) provisioning.Config {
	cc := c.Provisioning.Config
	cc.Checks.Lease = c.DHCP.Enabled
	if c.Provisioning.CheckLease != nil {
		cc.Checks.Lease = *c.Provisioning.CheckLease
	}
	var own []netip.Addr
	if c.Server.Advertise.IsValid() {
		own = append(own, c.Server.Advertise)
	}
	cc.Bans = c.Bans
	cc.Bans.Own, cc.Bans.OnLink = own, onLinkV6()
	cc.BaseURL, cc.Boot = c.baseURL(ports.http), c.bootConfig(ports)
	cc.Neighbours, cc.Unverified, cc.Reserved, cc.UnguardedUDP = c.neighbours(), c.unverified(), c.reserved(), c.unguardedUDP
	return cc
}

// reserved maps each [[dhcp.reservation]] address to its MAC.
func (c *fileConfig) reserved() map[netip.Addr]provisioning.MAC {
	out := make(map[netip.Addr]provisioning.MAC, len(c.DHCP.Reservations))
	for _, r := range c.DHCP.Reservations {
		out[r.IP.Unmap()] = r.MAC
	}
	return out
}

// baseURL is server.base_url, or http://<advertise>[:port].
func (c *fileConfig) baseURL(httpPort int) string {
	if c.Server.BaseURL != "" {
		return strings.TrimSuffix(c.Server.BaseURL, "/")
	}
	if !c.Server.Advertise.IsValid() {
		return ""
	}
	host := c.Server.Advertise.String()
	if httpPort == 80 || httpPort == 0 {
		if c.Server.Advertise.Is6() {
			return "http://[" + host + "]"
		}
		return "http://" + host
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(httpPort))
}

// bootConfig is where DHCP points phones ([dhcp] bootstrap and the
// classes) at this box's advertised address and bound ports.
func (c *fileConfig) bootConfig(ports boundPorts) provisioning.BootConfig {
	b := c.DHCP.BootConfig
	b.HTTPPort, b.TFTPPort = ports.http, ports.tftp
	if c.Server.Advertise.IsValid() {
		b.Host = c.Server.Advertise.String()
	}
	return b
}
