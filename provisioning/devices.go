package provisioning

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/provbox/provbox/provisioning/profile"
)

// AddDevice validates d and stores it with a fresh hash and an open
// provisioning window.
func (s *Service) AddDevice(ctx context.Context, d Device) (Device, error) {
	out, err := s.ImportDevices(ctx, []Device{d})
	if err != nil {
		return Device{}, err
	}
	return out[0], nil
}

// ImportDevices adds all devices or none; an error names the first bad one
// by its position (1-based) and MAC.
func (s *Service) ImportDevices(ctx context.Context, ds []Device) ([]Device, error) {
	now := s.now().UTC()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cfg, reg := s.config()
	seen := map[MAC]bool{}
	out := make([]Device, len(ds))
	for i, d := range ds {
		if err := s.prepareDevice(&d, now, cfg, reg); err != nil {
			return nil, deviceErr(len(ds), i, d.MAC, err)
		}
		if seen[d.MAC] || s.devices[d.MAC] != nil {
			return nil, deviceErr(len(ds), i, d.MAC, fmt.Errorf("%w", ErrExists))
		}
		seen[d.MAC] = true
		out[i] = d
		runtime.Gosched() // yield to the serving paths (see publishDevices)
	}
	if err := s.st.CreateDevices(ctx, out); err != nil {
		return nil, fmt.Errorf("storing devices: %w", err)
	}
	s.publishDevices(out)
	for _, d := range out {
		s.log.Info("device added", "mac", d.MAC.String(), "vendor", d.Vendor, "account", d.Account)
	}
	return out, nil
}

// publishChunk bounds how many devices one hold of mu publishes.
const publishChunk = 64

// publishDevices makes durable devices visible to the serving paths. A
// large import takes mu in chunks and yields between them: one hold for
// 1,000 devices stalled every DHCP and HTTP request behind it, and on a
// busy machine an import that never yields keeps them from a processor
// until the scheduler preempts it (10 ms). The devices are independent,
// so seeing some of them a few microseconds before the rest is harmless.
func (s *Service) publishDevices(ds []Device) {
	for start := 0; start < len(ds); start += publishChunk {
		end := min(start+publishChunk, len(ds))
		s.mu.Lock()
		for i := start; i < end; i++ {
			d := ds[i]
			s.putDevice(&d)
			s.devHash[d.Hash] = d.MAC
		}
		s.mu.Unlock()
		runtime.Gosched()
	}
}

func deviceErr(n, i int, m MAC, err error) error {
	if n == 1 {
		return fmt.Errorf("device %s: %w", m, err)
	}
	return fmt.Errorf("device %d (%s): %w", i+1, m, err)
}

// prepareDevice validates d against its account and vendor and fills the
// fields the core owns. The caller holds s.wmu.
func (s *Service) prepareDevice(d *Device, now time.Time, cfg Config, reg *profile.Registry) error {
	if d.MAC.IsZero() {
		return invalidf("MAC missing")
	}
	a, ok := s.accounts[d.Account]
	if !ok {
		return fmt.Errorf("account %q: %w", d.Account, ErrNotFound)
	}
	p, ok := reg.Profile(d.Vendor)
	if !ok {
		return invalidf("unknown vendor %q (known: %v)", d.Vendor, vendorNames(reg))
	}
	if err := validateLines(d.Lines); err != nil {
		return err
	}
	if err := plainValue(d.Model); err != nil {
		return invalidf("model %q: %v", d.Model, err)
	}
	h, err := NewHash()
	if err != nil {
		return err
	}
	d.Hash, d.Created, d.OpenUntil, d.LockedAt, d.LastSeen = h, now, now.Add(cfg.UnlockWindow), time.Time{}, time.Time{}
	if err := p.Validate(renderData(cfg.BaseURL, d, a)); err != nil {
		return invalidf("%v", err)
	}
	return nil
}

func vendorNames(reg *profile.Registry) []string {
	var names []string
	for _, p := range reg.Profiles() {
		names = append(names, p.Name)
	}
	return names
}

func validateLines(ls []Line) error {
	for i := range ls {
		l := &ls[i]
		if l.Extension == "" {
			return invalidf("line %d: extension is empty", i+1)
		}
		if l.Password == "" {
			return invalidf("line %d (%s): password is empty", i+1, l.Extension)
		}
		if l.AuthUser == "" {
			l.AuthUser = l.Extension
		}
		if l.Label == "" {
			l.Label = l.Extension
		}
		for field, v := range map[string]string{"extension": l.Extension, "auth user": l.AuthUser, "password": l.Password, "display name": l.DisplayName, "label": l.Label} {
			if err := plainValue(v); err != nil {
				return invalidf("line %d (%s): %s: %v", i+1, l.Extension, field, err)
			}
		}
	}
	return nil
}

// Devices lists every device, sorted by MAC.
func (s *Service) Devices() []Device {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Device, 0, len(s.devices))
	for _, d := range s.devices {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Device) int { return slices.Compare(a.MAC[:], b.MAC[:]) })
	return out
}

// Device returns one device.
func (s *Service) Device(m MAC) (Device, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.devices[m]
	if !ok {
		return Device{}, fmt.Errorf("device %s: %w", m, ErrNotFound)
	}
	return *d, nil
}

// RemoveDevice deletes a device; its secret URL stops working at once.
func (s *Service) RemoveDevice(ctx context.Context, m MAC) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	d, ok := s.devices[m]
	if !ok {
		return fmt.Errorf("device %s: %w", m, ErrNotFound)
	}
	if err := s.st.DeleteDevice(ctx, m); err != nil {
		return fmt.Errorf("deleting device %s: %w", m, err)
	}
	s.mu.Lock()
	s.dropDevice(m)
	delete(s.devHash, d.Hash)
	s.old.dropMAC(m) // the store's rows went with the device
	s.mu.Unlock()
	s.log.Info("device removed", "mac", m.String())
	return nil
}

// updateDevice applies change to device m as stored, stores it, then
// publishes it (modifyDevice). It returns the new device.
func (s *Service) updateDevice(ctx context.Context, m MAC, change func(d *Device, now time.Time)) (Device, error) {
	now := s.now().UTC()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, d, err := s.modifyDevice(ctx, m, func(d *Device) error { change(d, now); return nil })
	return d, err
}

// LockDevice closes initial provisioning now.
func (s *Service) LockDevice(ctx context.Context, m MAC) (Device, error) {
	d, err := s.updateDevice(ctx, m, lockAt)
	if err == nil {
		s.AuditAdmin(ctx, Event{MAC: m, Outcome: "locked", Reason: "admin"})
	}
	return d, err
}

func lockAt(d *Device, now time.Time) {
	if d.Open(now) || d.LockedAt.IsZero() {
		d.LockedAt = now
	}
	d.OpenUntil = time.Time{}
}

// UnlockDevice opens initial provisioning for dur (the configured window
// when dur is 0), so a reset or replaced phone can provision again.
func (s *Service) UnlockDevice(ctx context.Context, m MAC, dur time.Duration) (Device, error) {
	if dur <= 0 {
		s.mu.RLock()
		dur = s.cfg.UnlockWindow
		s.mu.RUnlock()
	}
	d, err := s.updateDevice(ctx, m, func(d *Device, now time.Time) {
		d.OpenUntil, d.LockedAt = now.Add(dur), time.Time{}
	})
	if err == nil {
		s.AuditAdmin(ctx, Event{MAC: m, Outcome: "unlocked", Reason: "admin, for " + dur.String()})
	}
	return d, err
}

// DeviceView is a device as the admin API shows it.
type DeviceView struct {
	Device
	SecretURL string `json:"secret_url"`
	TFTPPath  string `json:"tftp_path"`
	State     string `json:"state"`
	// OldPaths are the secret paths a rekey retired that still redirect,
	// oldest first, with their effective end.
	OldPaths []OldPath `json:"-"`
}

// View adds the derived fields: secret URL, TFTP path and state.
func (s *Service) View(d Device) DeviceView {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := DeviceView{Device: d, State: d.State(s.cfg.Now())}
	if a, ok := s.accounts[d.Account]; ok {
		v.TFTPPath = secretPath(a.Hash, d.Hash)
		v.SecretURL = s.cfg.BaseURL + v.TFTPPath
	}
	if !d.Open(s.cfg.Now()) {
		v.OpenUntil = time.Time{}
	}
	v.OldPaths = s.old.live(d.MAC, s.cfg.Now(), s.cfg.RotationGrace)
	for i := range v.OldPaths {
		v.OldPaths[i].Until = v.OldPaths[i].End(s.cfg.RotationGrace)
	}
	return v
}

func secretPath(acct, dev Hash) string { return "/" + string(acct) + "/" + string(dev) + "/" }

// isSecretPath reports whether path == secretPath(acct, dev), without
// building the path.
func isSecretPath(path string, acct, dev Hash) bool {
	a, d := string(acct), string(dev)
	return len(path) == len(a)+len(d)+3 && path[0] == '/' && path[1:1+len(a)] == a &&
		path[1+len(a)] == '/' && path[2+len(a):2+len(a)+len(d)] == d && path[len(path)-1] == '/'
}

// renderData maps a device and its account to what templates see, with
// secret URLs under base.
func renderData(base string, d *Device, a *Account) profile.Data {
	// One string for the URL, the path (secretPath's) its tail: one
	// allocation, not two.
	url := base + "/" + string(a.Hash) + "/" + string(d.Hash) + "/"
	path := url[len(base):]
	scheme, host := splitBaseURL(base)
	vd := profile.Data{
		MAC: d.MAC, Vendor: d.Vendor, Model: d.Model,
		ProvisionURL: url, ProvisionScheme: scheme, ProvisionHost: host, ProvisionPath: path,
		SIPServer: a.SIPServer, SIPPort: a.SIPPort, SIPTransport: string(a.SIPTransport),
		NTPServer: a.NTPServer, TimeZone: a.TimeZone, Language: a.Language,
	}
	if len(d.Lines) > 0 {
		vd.Lines = make([]profile.Line, 0, len(d.Lines)) // one allocation, however many lines
	}
	for i, l := range d.Lines {
		vd.Lines = append(vd.Lines, profile.Line{Index: i + 1, Extension: l.Extension, AuthUser: l.AuthUser,
			Password: l.Password, DisplayName: l.DisplayName, Label: l.Label})
	}
	return vd
}

func splitBaseURL(base string) (scheme, host string) {
	for _, sch := range []string{"https", "http", "tftp"} {
		if len(base) > len(sch)+3 && base[:len(sch)+3] == sch+"://" {
			return sch, base[len(sch)+3:]
		}
	}
	return "http", base
}

// putDevice publishes d, keeping the reserved-address index in step.
// Callers hold mu for writing.
func (s *Service) putDevice(d *Device) {
	s.dropDevice(d.MAC)
	s.devices[d.MAC] = d
	if d.IP.IsValid() {
		s.devIP[d.IP.Unmap()] = d.MAC
	}
}

// dropDevice removes device m and its reserved address from the index.
// Callers hold mu for writing.
func (s *Service) dropDevice(m MAC) {
	if old := s.devices[m]; old != nil && old.IP.IsValid() && s.devIP[old.IP.Unmap()] == m {
		delete(s.devIP, old.IP.Unmap())
	}
	delete(s.devices, m)
}
