package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/provbox/provbox/provisioning/setting"
)

// checker collects the semantic errors of a decoded config, each naming
// its key and, when the key is in the file, its line.
type checker struct {
	c    *fileConfig
	errs []error
}

// failf records an error about the key at path (indexed form, as in
// dhcp.subnet[1].range). Without a line for the key itself it uses the
// line of the nearest enclosing table that is in the file.
func (k *checker) failf(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for p := path; p != ""; p = parentPath(p) {
		if line, ok := k.c.keys.lineOfPath(p); ok {
			k.errs = append(k.errs, fmt.Errorf("%s:%d: %s: %s", k.c.name, line, path, msg))
			return
		}
	}
	k.errs = append(k.errs, fmt.Errorf("%s: %s: %s", k.c.name, path, msg))
}

func parentPath(p string) string {
	i := strings.LastIndexByte(p, '.')
	if i < 0 {
		return ""
	}
	return p[:i]
}

// validate runs every semantic check and returns them all, joined.
func (c *fileConfig) validate() error {
	k := &checker{c: c}
	k.server()
	k.dhcp()
	k.tftp()
	k.http()
	k.provisioning()
	k.section(c.Bans.Validate())
	k.admin()
	k.log()
	k.stateDir()
	k.store()
	return errors.Join(k.errs...)
}

// section records the errors a package's own validation returned, each
// with the line of its key.
func (k *checker) section(err error) {
	for _, e := range flatten(err) {
		if se, ok := e.(*setting.Error); ok {
			k.failf(se.Key, "%s", se.Msg)
		} else {
			k.errs = append(k.errs, fmt.Errorf("%s: %w", k.c.name, e))
		}
	}
}

// flatten lists the errors errors.Join put together.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func (k *checker) server() {
	s := k.c.Server
	httpOn := k.c.HTTP.Addr != "" || k.c.HTTP.TLSAddr != ""
	switch {
	case !s.Advertise.IsValid() && k.c.DHCP.Enabled:
		k.failf("server.advertise", "required when dhcp.enabled = true: the address phones use to reach this box")
	case !s.Advertise.IsValid() && httpOn && s.BaseURL == "":
		k.failf("server.advertise", "required when [http] listens and server.base_url is not set: secret URLs are built from it")
	case s.Advertise.IsValid() && (s.Advertise.IsUnspecified() || s.Advertise.IsMulticast()):
		k.failf("server.advertise", "%s is not an address phones can reach", s.Advertise)
	case s.Advertise.IsValid() && k.c.DHCP.Enabled && !s.Advertise.Is4():
		k.failf("server.advertise", "%s: DHCPv4 options need an IPv4 address", s.Advertise)
	}
	if s.BaseURL != "" {
		if err := checkBaseURL(s.BaseURL); err != nil {
			k.failf("server.base_url", "%v", err)
		}
	}
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL: %v", s, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q: scheme must be http or https", s)
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%q: want scheme://host[:port] with no user, query or fragment", s)
	case strings.TrimSuffix(u.Path, "/") != "":
		return fmt.Errorf("%q: must not have a path (secret paths are appended to it)", s)
	}
	return nil
}

// tftp checks [tftp]: the server's own rules are tftp.Config's; the file
// adds that a server switched on needs an address.
func (k *checker) tftp() {
	if k.c.TFTP.Enabled && k.c.TFTP.Addr == "" {
		k.failf("tftp.listen", "required when tftp.enabled = true")
	}
	k.section(tftpSettings(k.c).Validate())
}

// http checks [http] by httpd.Config's rules (the certificate paths
// resolved), and the listeners against each other.
func (k *checker) http() {
	k.section(httpdSettings(k.c).Validate())
	k.listenersDistinct()
}

// listenersDistinct refuses two TCP listeners on one port (one would fail
// to bind at start, after check said the file was fine).
func (k *checker) listenersDistinct() {
	type l struct {
		key  string
		addr setting.HostPort
	}
	ls := []l{{"http.listen", k.c.HTTP.Addr}, {"http.tls_listen", k.c.HTTP.TLSAddr}, {"admin.web_listen", k.c.Admin.Addr},
		{"metrics.listen", k.c.Metrics.Listen}}
	for i, a := range ls {
		for _, b := range ls[:i] {
			if a.addr == "" || b.addr == "" || a.addr.Port() == 0 || a.addr.Port() != b.addr.Port() {
				continue
			}
			ha, hb := a.addr.Host(), b.addr.Host()
			if ha == "" || hb == "" || ha == hb {
				k.failf(a.key, "%q clashes with %s = %q", a.addr, b.key, b.addr)
			}
		}
	}
}

// provisioning checks [provisioning]: the core's rules are
// provisioning.Config's; the templates directory and the lease check
// against [dhcp] are the file's.
func (k *checker) provisioning() {
	p := k.c.Provisioning
	k.section(p.Validate())
	if p.TemplatesDir != "" {
		if fi, err := os.Stat(k.c.resolve(p.TemplatesDir)); err != nil || !fi.IsDir() {
			k.failf("provisioning.templates_dir", "%q is not a readable directory", p.TemplatesDir)
		}
	}
	if p.CheckLease != nil && *p.CheckLease && !k.c.DHCP.Enabled {
		k.failf("provisioning.check_lease", "true needs dhcp.enabled = true: without provbox's DHCP there are no leases to check")
	}
}

// admin checks [admin]: the socket is the binary's; the web UI's keys
// follow web.Config's rules (on its paths resolved).
func (k *checker) admin() {
	a := k.c.Admin
	if a.Socket == "" {
		k.failf("admin.socket", "required: the CLI reaches the daemon through it")
	} else if p := k.c.resolve(a.Socket); len(p) > 107 {
		k.failf("admin.socket", "path %q is %d bytes, over the 107 a unix socket allows", p, len(p))
	}
	k.section(webSettings(k.c).Validate())
}

var logLevels = []string{"debug", "info", "warn", "error"}

func (k *checker) log() {
	if !slices.Contains(logLevels, k.c.Log.Level) {
		k.failf("log.level", "%q: want one of %s", k.c.Log.Level, strings.Join(logLevels, ", "))
	}
}

// stateDir checks the key only: validation changes nothing on the
// machine (provbox check runs it); serve creates the directory when it
// starts (ensureStateDir).
func (k *checker) stateDir() {
	if k.c.StateDir == "" {
		k.failf("state_dir", "required")
	}
}

// stateDirPath is the resolved state directory.
func (c *fileConfig) stateDirPath() string { return filepath.Clean(c.resolve(c.StateDir)) }
