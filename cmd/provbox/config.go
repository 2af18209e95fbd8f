package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/provbox/provbox/dhcp"
	"github.com/provbox/provbox/httpd"
	"github.com/provbox/provbox/httpd/admin/web"
	"github.com/provbox/provbox/httpd/metrics"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/ban"
	"github.com/provbox/provbox/provisioning/store"
	"github.com/provbox/provbox/tftp"
)

// defaultConfigPath is where packages install the configuration;
// PROVBOX_CONFIG and -c override it.
const defaultConfigPath = "/etc/provbox/provbox.toml"

// fileConfig is the schema of provbox.toml. Every key is documented in
// configs/provbox.toml; defaultConfig holds the defaults.
type fileConfig struct {
	StateDir     string             `toml:"state_dir"`
	Store        store.Config       `toml:"store"`
	Server       serverConfig       `toml:"server"`
	DHCP         dhcpConfig         `toml:"dhcp"`
	TFTP         tftpConfig         `toml:"tftp"`
	HTTP         httpd.Config       `toml:"http"`
	Provisioning provisioningConfig `toml:"provisioning"`
	Bans         ban.Config         `toml:"bans"`
	Admin        adminConfig        `toml:"admin"`
	Metrics      metrics.Config     `toml:"metrics"`
	Log          logConfig          `toml:"log"`

	// path is the file the config was read from; relative paths in it
	// are resolved against its directory.
	path string
	// name is the file as the user named it (-c), for messages.
	name string
	// keys locates keys in the file, for error messages.
	keys *keyIndex
	// unguardedUDP comes from the environment, never the file (labbreak.go).
	unguardedUDP bool
}

type serverConfig struct {
	Advertise netip.Addr `toml:"advertise"`
	BaseURL   string     `toml:"base_url"`
}

// dhcpConfig is [dhcp]: the DHCP server's own settings (dhcp.Config,
// with their rules), where DHCP points phones (the core's
// provisioning.BootConfig: bootstrap and the classes), and whether it
// runs.
type dhcpConfig struct {
	Enabled bool `toml:"enabled"`
	provisioning.BootConfig
	dhcp.Config
}

// tftpConfig is [tftp]: the TFTP server's own settings (tftp.Config,
// with their defaults and rules), and whether it runs.
type tftpConfig struct {
	Enabled bool `toml:"enabled"`
	tftp.Config
}

// provisioningConfig is [provisioning]: the core's own settings
// (provisioning.Config's tagged fields, with their defaults and rules),
// plus what the binary does with the section.
type provisioningConfig struct {
	provisioning.Config
	TemplatesDir string `toml:"templates_dir"`
	// CheckLease is nil when unset: on exactly when DHCP is enabled.
	CheckLease *bool `toml:"check_lease"`
	// InsecureFailOpen brings back the behaviour before fail closed, for
	// the lab's fail_closed sabotage only (see binding.go).
	InsecureFailOpen bool `toml:"insecure_fail_open"`
}

// adminConfig is [admin]: the admin socket, and the web UI's own
// settings (web.Config's tagged fields, with their rules).
type adminConfig struct {
	Socket string `toml:"socket"`
	web.Config
}

type logConfig struct {
	Level string `toml:"level"`
}

// defaultConfig is what an empty file means: each package's Defaults.
// The file is decoded on top of it, so a key that is absent keeps its
// default.
func defaultConfig() fileConfig {
	return fileConfig{
		StateDir:     "/var/lib/provbox",
		DHCP:         dhcpConfig{BootConfig: provisioning.BootConfig{Proto: provisioning.ProtoHTTP}, Config: dhcp.Defaults()},
		TFTP:         tftpConfig{Config: tftp.Defaults()},
		HTTP:         httpd.Defaults(),
		Provisioning: provisioningConfig{Config: provisioning.Defaults()},
		Bans:         ban.Defaults(),
		Admin:        adminConfig{Socket: "/run/provbox/admin.sock"},
		Log:          logConfig{Level: "info"},
	}
}

// configError is a configuration that cannot be used; the CLI exits 2.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// decodeConfig reads and decodes path strictly: syntax errors, values of
// the wrong type or form, and unknown keys are errors with their line.
// It does not run the semantic checks; loadConfig does. With unknown
// keys or unit-less durations it returns the decoded config and the error.
func decodeConfig(path string) (*fileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &configError{fmt.Errorf("reading config: %w", err)}
	}
	cfg := defaultConfig()
	if cfg.path, err = filepath.Abs(path); err != nil {
		return nil, &configError{fmt.Errorf("reading config: %w", err)}
	}
	cfg.name = path
	cfg.keys = indexKeys(string(data))
	md, err := decodeAll(path, string(data), cfg.keys, &cfg)
	// Unknown keys and unit-less durations are reported with the values
	// that did not decode, so an admin fixes them all in one pass.
	unknown := unknownKeys(path, cfg.keys, unknownToSchema(md, cfg), cfg)
	unitless := unitlessDurations(path, cfg.keys, md, cfg)
	if err != nil {
		return nil, &configError{errors.Join(err, unknown, unitless)}
	}
	if err := errors.Join(unknown, unitless); err != nil {
		return &cfg, &configError{err}
	}
	return &cfg, nil
}

// unknownToSchema lists the file's keys the schema has no field for, in
// file order.
func unknownToSchema(md toml.MetaData, schema any) []toml.Key {
	var out []toml.Key
	for _, k := range md.Keys() {
		if fieldType(reflect.TypeOf(schema), k) == nil {
			out = append(out, k)
		}
	}
	return out
}

// describeDecodeError turns a syntax error of toml's parser into
// "FILE:LINE:COL: key K: why".
func describeDecodeError(path string, keys *keyIndex, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "toml: "))
	}
	line, col := pe.Position.Line, pe.Position.Col
	if pe.LastKey == "" {
		return fmt.Errorf("%s:%d:%d: %s", path, line, col, pe.Message)
	}
	// toml keeps one position per dotted key, so in an array of tables it
	// points at the last element's key; prefer the line holding the value.
	if l, c, ok := keys.lineOfValue(pe.LastKey, quotedIn(pe.Message)); ok {
		line, col = l, c
	}
	return fmt.Errorf("%s:%d:%d: %s: %s", path, line, col, keys.pathAt(pe.LastKey, line), plainDecodeMessage(pe.Message))
}

var tomlLineErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]+)"\): (.*)$`)

// quotedIn returns the first double-quoted part of msg (the bad value, as
// our parsers and toml quote it), or "".
func quotedIn(msg string) string {
	i := strings.IndexByte(msg, '"')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(msg[i+1:], '"')
	if j < 0 {
		return ""
	}
	return msg[i+1 : i+1+j]
}

// unknownKeys reports every key the schema does not know, with its line.
func unknownKeys(path string, keys *keyIndex, undecoded []toml.Key, schema any) error {
	var errs []error
	seen := map[string]int{}
	for _, k := range undecoded {
		name := k.String()
		if parentUnknown(undecoded, k) {
			continue // [typo] already reported; don't list its keys too
		}
		n := seen[name]
		seen[name]++
		hint := ""
		if s := suggestKey(schema, k); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", s)
		}
		what := fmt.Sprintf("key %q", name)
		if e, ok := keys.entry(name, n); ok {
			what = fmt.Sprintf("key %q", e.path)
		}
		if isTable(undecoded, k) {
			what = "section [" + name + "]"
		}
		if line, ok := keys.lineOf(name, n); ok {
			errs = append(errs, fmt.Errorf("%s:%d: unknown %s%s", path, line, what, hint))
		} else {
			errs = append(errs, fmt.Errorf("%s: unknown %s%s", path, what, hint))
		}
	}
	return errors.Join(errs...)
}

// isTable reports whether the unknown key k holds other keys.
func isTable(undecoded []toml.Key, k toml.Key) bool {
	for _, u := range undecoded {
		if len(u) > len(k) && slices.Equal(u[:len(k)], k) {
			return true
		}
	}
	return false
}

// isTableArray reports whether the schema reads key as [[key]] tables.
func isTableArray(key string) bool {
	t := fieldType(reflect.TypeOf(fileConfig{}), toml.Key(strings.Split(key, ".")))
	return t != nil && t.Kind() == reflect.Slice && !isLeaf(t)
}

func parentUnknown(undecoded []toml.Key, k toml.Key) bool {
	for _, u := range undecoded {
		if len(u) < len(k) && slices.Equal(u, k[:len(u)]) {
			return true
		}
	}
	return false
}

// resolve makes p absolute against the config file's directory, so the
// daemon and the CLI agree whatever their working directory.
func (c *fileConfig) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(c.path), p)
}
