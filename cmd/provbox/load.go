package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/vendor"
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
func loadConfig(path string, getenv func(string) string) (*fileConfig, *vendor.Registry, error) {
	cfg, err := decodeConfig(path)
	if err != nil {
		return nil, nil, err
	}
	if d := getenv(envStateDir); d != "" {
		cfg.StateDir = d
	}
	if err := cfg.validate(); err != nil {
		return nil, nil, &configError{err}
	}
	reg, err := vendor.New(cfg.resolve(cfg.Provisioning.TemplatesDir))
	if err != nil {
		return nil, nil, &configError{fmt.Errorf("%s: provisioning.templates_dir: %w", cfg.path, err)}
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

func vendorNames(reg *vendor.Registry) string {
	var names []string
	for _, p := range reg.Profiles() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// coreConfig is the part of the file the provisioning core acts on.
// httpPort is the port the plain HTTP listener actually bound (0 if off),
// used for the secret URLs when base_url is not set.
func (c *fileConfig) coreConfig(httpPort int) provisioning.Config {
	p := c.Provisioning
	checkLease := c.DHCP.Enabled
	if p.CheckLease != nil {
		checkLease = *p.CheckLease
	}
	var own []netip.Addr
	if c.Server.Advertise.IsValid() {
		own = append(own, c.Server.Advertise)
	}
	return provisioning.Config{
		BaseURL:      c.baseURL(httpPort),
		UnlockWindow: p.UnlockWindow,
		FlatMode:     p.DisableAutoProvisionSecurity,
		Checks:       provisioning.Checks{UserAgent: p.CheckUserAgent, UAMAC: p.CheckUAMAC, Lease: checkLease},
		Bans: provisioning.BanConfig{MaxRetry: c.Bans.MaxRetry, FindTime: c.Bans.FindTime, BanTime: c.Bans.BanTime,
			MaxBanTime: c.Bans.MaxBanTime, Factor: c.Bans.Factor, Ignore: c.Bans.Ignore, Own: own},
	}
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
