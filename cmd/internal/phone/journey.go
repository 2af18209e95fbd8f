package phone

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"
)

// Journey is what one phone went through, for the lab's table.
type Journey struct {
	Vendor   string   `json:"vendor"`
	MAC      string   `json:"mac"`
	IP       string   `json:"ip"`
	Location Location `json:"location"`
	// Bootstrap: every request made to the bootstrap location.
	Bootstrap    []Fetch  `json:"bootstrap"`
	RedirectFrom string   `json:"redirect_from,omitempty"`
	SecretURL    string   `json:"secret_url,omitempty"`
	DHCPOff      bool     `json:"dhcp_off"`
	Off          []string `json:"off,omitempty"`
	Secret       []Fetch  `json:"secret"`
	Lines        []Line   `json:"lines,omitempty"`
	Reboot       *Reboot  `json:"reboot,omitempty"`
	// Rejected are files served to the phone that it could not read.
	Rejected []string `json:"rejected,omitempty"`
	Err      string   `json:"error,omitempty"`
}

// Reboot is the second boot: DHCP again, then straight to the secret URL.
type Reboot struct {
	IP string `json:"ip"`
	// Ignored is the bootstrap option the lease still carried and the
	// phone ignored because its config says so.
	Ignored   string  `json:"ignored,omitempty"`
	Fetches   []Fetch `json:"fetches"`
	SameLines bool    `json:"same_lines"`
}

// Phone is one emulated phone on its interface.
type Phone struct {
	Profile *Profile
	Iface   string
	MAC     net.HardwareAddr
	Timeout time.Duration // per DHCP exchange and per request
	Log     *slog.Logger
	// Lease, when set, replaces the phone's own DORA and address setup
	// (a storm phone: storm_dhcp.go); it may set Bind for the requests.
	Lease func(ctx context.Context) (*Lease, error)
	Bind  *Bind
}

func (ph *Phone) client() *Client {
	return &Client{UA: ph.Profile.UA(ph.MAC), TFTPSlash: ph.Profile.TFTPSlash, Timeout: ph.Timeout, Bind: ph.Bind}
}

func (ph *Phone) log() *slog.Logger {
	if ph.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return ph.Log
}

// Run boots the phone from factory state: DHCP, bootstrap, redirect,
// full config; then, if reboot, boots it again. The journey records the
// first failure in Err; err is returned too.
func (ph *Phone) Run(ctx context.Context, reboot bool) (*Journey, error) {
	j := &Journey{Vendor: ph.Profile.Name, MAC: ph.MAC.String()}
	state, err := ph.firstBoot(ctx, j)
	if err == nil && reboot {
		err = ph.reboot(ctx, j, state)
	}
	if err != nil {
		j.Err = err.Error()
		ph.log().Warn("journey failed", "vendor", j.Vendor, "mac", j.MAC, "err", err)
	}
	return j, err
}

// boot gets an address and the bootstrap location.
func (ph *Phone) boot(ctx context.Context) (*Lease, error) {
	if ph.Lease != nil {
		return ph.Lease(ctx)
	}
	p := ph.Profile
	var class []byte
	if p.Class != nil {
		class = p.Class()
	}
	if err := Unconfigure(ph.Iface); err != nil {
		return nil, err
	}
	l, err := DORA(ctx, ph.Iface, class, p.PRL, ph.dhcpTimeout())
	if err != nil {
		return nil, err
	}
	return l, Configure(ph.Iface, l)
}

func (ph *Phone) dhcpTimeout() time.Duration {
	if ph.Timeout <= 0 {
		return 10 * time.Second
	}
	return 4 * ph.Timeout
}

// firstBoot runs the factory-fresh path and returns the phone's settings
// afterwards (its flash).
func (ph *Phone) firstBoot(ctx context.Context, j *Journey) (Settings, error) {
	p := ph.Profile
	l, err := ph.boot(ctx)
	if err != nil {
		return Settings{}, err
	}
	j.IP = l.IP.String()
	if j.Location, err = p.Locate(l, ph.MAC); err != nil {
		return Settings{}, err
	}
	c := ph.client()
	boot, err := p.walk(ctx, c, ph.MAC, j.Location.Target)
	j.Bootstrap, j.Rejected = c.Log, boot.Rejected
	if err != nil {
		return Settings{}, fmt.Errorf("bootstrap: %w", err)
	}
	r, err := ph.checkRedirect(boot, j)
	if err != nil {
		return Settings{}, err
	}
	j.Bootstrap, j.Secret = split(c.Log, urlDir(r.Target))
	c = ph.client()
	full, err := p.walk(ctx, c, ph.MAC, r.Target)
	j.Secret = append(j.Secret, c.Log...)
	j.Rejected = append(j.Rejected, full.Rejected...)
	if err != nil {
		return Settings{}, fmt.Errorf("secret URL: %w", err)
	}
	if j.Lines = p.dialect.lines(full.Settings); !hasPassword(j.Lines) {
		return Settings{}, fmt.Errorf("secret URL %s: no SIP credentials in %d file(s) served", redact(r.Target.String()), len(full.Answered))
	}
	flash := boot.Settings
	flash.merge(full.Settings)
	return flash, nil
}

// checkRedirect verifies the bootstrap answer is a redirect a phone of
// this vendor understands, that turns DHCP provisioning off and carries
// no credentials.
func (ph *Phone) checkRedirect(boot pass, j *Journey) (Redirect, error) {
	p := ph.Profile
	if len(boot.Answered) == 0 {
		return Redirect{}, fmt.Errorf("bootstrap answered none of the phone's files")
	}
	r, ok, err := p.dialect.redirect(boot.Settings, ph.MAC)
	if err != nil {
		return r, fmt.Errorf("redirect: %w", err)
	}
	if !ok {
		return r, fmt.Errorf("bootstrap served %d file(s) but none sets a provisioning server%s", len(boot.Answered), rejected(boot.Rejected))
	}
	j.RedirectFrom, j.SecretURL, j.DHCPOff, j.Off = boot.RedirectFrom, r.Target.String(), r.DHCPOff, r.Off
	if len(boot.LinesFrom) > 0 {
		return r, fmt.Errorf("bootstrap file %s carries SIP credentials", boot.LinesFrom[0])
	}
	if !r.DHCPOff {
		return r, fmt.Errorf("redirect in %s leaves DHCP-option provisioning on", boot.RedirectFrom)
	}
	if r.Target.String() == j.Location.Target.String() {
		return r, fmt.Errorf("redirect points back at the bootstrap %s", r.Target)
	}
	return r, nil
}

// reboot boots again: DHCP as always, but a phone whose config turned
// DHCP provisioning off must go straight to its secret URL.
func (ph *Phone) reboot(ctx context.Context, j *Journey, flash Settings) error {
	p := ph.Profile
	r, ok, err := p.dialect.redirect(flash, ph.MAC)
	if err != nil || !ok {
		return fmt.Errorf("after provisioning the phone has no provisioning server (%v)", err)
	}
	if !r.DHCPOff {
		return fmt.Errorf("the full config turned DHCP-option provisioning back on")
	}
	l, err := ph.boot(ctx)
	if err != nil {
		return fmt.Errorf("reboot: %w", err)
	}
	rb := &Reboot{IP: l.IP.String()}
	j.Reboot = rb
	if loc, err := p.Locate(l, ph.MAC); err == nil {
		rb.Ignored = fmt.Sprintf("%d=%s", loc.Option, loc.Value)
	}
	c := ph.client()
	full, err := p.walk(ctx, c, ph.MAC, r.Target)
	rb.Fetches = c.Log
	if err != nil {
		return fmt.Errorf("reboot: %w", err)
	}
	for _, f := range rb.Fetches {
		if !strings.HasPrefix(f.URL, urlDir(r.Target)) {
			return fmt.Errorf("reboot: asked %s outside the secret URL", f.URL)
		}
	}
	rb.SameLines = sameLines(p.dialect.lines(full.Settings), j.Lines)
	if !rb.SameLines {
		return fmt.Errorf("reboot: the secret URL no longer serves the same SIP lines")
	}
	return nil
}

func rejected(r []string) string {
	if len(r) == 0 {
		return ""
	}
	return " (unreadable: " + strings.Join(r, "; ") + ")"
}

// split separates the requests a boot made to the bootstrap from those
// a config sent straight on to the secret directory (a Yealink boot
// file includes the secret URL's .cfg).
func split(log []Fetch, secretDir string) (boot, secret []Fetch) {
	for _, f := range log {
		if secretDir != "" && strings.HasPrefix(f.URL, secretDir) {
			secret = append(secret, f)
		} else {
			boot = append(boot, f)
		}
	}
	return boot, secret
}

func urlDir(t Target) string {
	if t.Base != "" {
		return t.Base
	}
	return t.File[:strings.LastIndex(t.File, "/")+1]
}

func hasPassword(ls []Line) bool {
	for _, l := range ls {
		if l.Password != "" {
			return true
		}
	}
	return false
}

func sameLines(a, b []Line) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// redact shortens the hashes of a secret URL for display and logs:
// every directory segment of 16+ characters keeps its first 6 (file
// names stay whole).
func redact(u string) string {
	parts := strings.Split(u, "/")
	for i, s := range parts {
		if i > 2 && i < len(parts)-1 && len(s) >= 16 {
			parts[i] = s[:6] + "…"
		}
	}
	return strings.Join(parts, "/")
}

// Redact is redact for the lab.
func Redact(u string) string { return redact(u) }
