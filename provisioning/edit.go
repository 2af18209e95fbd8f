package provisioning

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Optional store parts for the edits that change keys or remove rows in
// one transaction; provisioning/store implements them. A store without
// them (a test fake) makes those edits fail with ErrUnsupported.
type (
	// AccountDeleter removes account name and every device of it.
	AccountDeleter interface {
		DeleteAccount(ctx context.Context, name string) error
	}
	// DeviceReplacer replaces device old by d (another MAC) in one
	// transaction: old's row, lines and old paths go, d's come.
	DeviceReplacer interface {
		ReplaceDevice(ctx context.Context, old MAC, d Device) error
	}
)

// ErrUnsupported: the store cannot do this edit.
var ErrUnsupported = errors.New("not supported by this store")

// validateSettings is what an account must hold to provision a phone: a
// SIP server and, when set, a time zone the system knows. AddAccount and
// UpdateAccount check it, so a mistake shows when the account is made,
// not when its first device is added.
func validateSettings(a *Account) error {
	if a.SIPServer == "" {
		return invalidf("account %q: SIP server missing", a.Name)
	}
	if a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil || a.TimeZone == "Local" {
			return invalidf("account %q: unknown time zone %q (want an IANA name such as Europe/Berlin)", a.Name, a.TimeZone)
		}
	}
	return nil
}

// AccountChange is an edit of an account's settings; nil fields stay.
type AccountChange struct {
	SIPServer    *string
	SIPPort      *int
	SIPTransport *Transport
	NTPServer    *string
	TimeZone     *string
	Language     *string
}

func (c AccountChange) apply(a *Account) {
	set(&a.SIPServer, c.SIPServer)
	set(&a.SIPPort, c.SIPPort)
	set(&a.SIPTransport, c.SIPTransport)
	set(&a.NTPServer, c.NTPServer)
	set(&a.TimeZone, c.TimeZone)
	set(&a.Language, c.Language)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// UpdateAccount changes account name's settings, validated as at add
// time and against every device of it (each vendor's limits).
func (s *Service) UpdateAccount(ctx context.Context, name string, c AccountChange) (Account, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cfg, reg := s.config()
	cur, ok := s.accounts[name]
	if !ok {
		return Account{}, notFoundf("account %q", name)
	}
	a := *cur
	c.apply(&a)
	if err := validateAccount(&a); err != nil {
		return Account{}, err
	}
	if err := validateSettings(&a); err != nil {
		return Account{}, err
	}
	for _, d := range s.devices {
		if d.Account != name {
			continue
		}
		if p, ok := reg.Profile(d.Vendor); ok {
			if err := p.Validate(renderData(cfg.BaseURL, d, &a)); err != nil {
				return Account{}, invalidf("account %q: device %s: %v", name, d.MAC, err)
			}
		}
	}
	if err := s.st.UpdateAccount(ctx, a); err != nil {
		return Account{}, fmt.Errorf("storing account %q: %w", name, err)
	}
	s.mu.Lock()
	s.accounts[name], s.acctHash[a.Hash] = &a, &a
	s.mu.Unlock()
	s.log.Info("account changed", "account", name)
	return a, nil
}

// RemoveAccount deletes account name. While devices use it, it is
// refused unless force, which removes them too (their secret URLs die).
// It answers the MACs of the devices removed.
func (s *Service) RemoveAccount(ctx context.Context, name string, force bool) ([]MAC, error) {
	del, ok := s.st.(AccountDeleter)
	if !ok {
		return nil, fmt.Errorf("removing account %q: %w", name, ErrUnsupported)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	a, ok := s.accounts[name]
	if !ok {
		return nil, notFoundf("account %q", name)
	}
	var macs []MAC
	for m, d := range s.devices {
		if d.Account == name {
			macs = append(macs, m)
		}
	}
	slices.SortFunc(macs, func(a, b MAC) int { return slices.Compare(a[:], b[:]) })
	if len(macs) > 0 && !force {
		return nil, invalidf("account %q is used by %d device(s) (first %s): remove or move them, or force", name, len(macs), macs[0])
	}
	if err := del.DeleteAccount(ctx, name); err != nil {
		return nil, fmt.Errorf("removing account %q: %w", name, err)
	}
	s.mu.Lock()
	for _, m := range macs {
		delete(s.devHash, s.devices[m].Hash)
		s.dropDevice(m)
		s.old.dropMAC(m)
	}
	delete(s.accounts, name)
	delete(s.acctHash, a.Hash)
	s.mu.Unlock()
	s.log.Info("account removed", "account", name, "devices", len(macs))
	return macs, nil
}

// DeviceChange is an edit of a device; nil fields stay. Lines, when set,
// replace the device's lines; a line given without a password keeps the
// password of the device's line with the same extension (passwords are
// write-only: an editor never sees them).
type DeviceChange struct {
	Account *string
	Model   *string
	Lines   []Line
	IP      *netip.Addr // the DHCP reservation; the zero Addr removes it
}

// EditDevice applies c to device m, validated against its (new)
// account and vendor. Its hashes and provisioning state stay; a device
// moved to another account gets that account's secret URL, and its old
// one redirects its checked phone there for the rotation grace, as after
// a rekey.
func (s *Service) EditDevice(ctx context.Context, m MAC, c DeviceChange) (Device, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// The change applies to the stored row: its lock, window and last
	// seen time (which another node may have changed a moment ago) stay.
	cur, d, err := s.modifyDevice(ctx, m, func(d *Device) error {
		set(&d.Account, c.Account)
		set(&d.Model, c.Model)
		set(&d.IP, c.IP)
		if c.Lines != nil {
			d.Lines = keepPasswords(slices.Clone(c.Lines), d.Lines)
		}
		return s.checkDevice(d)
	})
	if err != nil {
		return Device{}, err
	}
	if d.Account != cur.Account {
		s.retireMoved(ctx, &cur, &d)
	}
	s.log.Info("device changed", "mac", m.String(), "account", d.Account)
	return d, nil
}

// causeAccountMove names the old path a move to another account retired.
const causeAccountMove = "account move"

// retireMoved keeps the secret path device cur had under its old account
// redirecting for the rotation grace. A failure costs only the redirect
// (the phone then needs an unlock and a reset), so it is logged, not
// returned. The caller holds s.wmu.
func (s *Service) retireMoved(ctx context.Context, cur, d *Device) {
	cfg, _ := s.config()
	old, ok := s.accounts[cur.Account]
	if !ok || cfg.RotationGrace <= 0 {
		return
	}
	now := s.now().UTC()
	p := retire(old.Hash, cur.Hash, cur.MAC, causeAccountMove, now, cfg.RotationGrace)
	if err := s.st.Rekey(ctx, Rekey{Device: d, Retire: []OldPath{p}, Now: now}); err != nil {
		s.log.Error("keeping the old secret URL of a moved device", "mac", cur.MAC.String(), "err", err)
		return
	}
	s.mu.Lock()
	s.publishOld([]OldPath{p}, now)
	s.mu.Unlock()
}

// keepPasswords fills the empty passwords of ls from old by extension.
func keepPasswords(ls, old []Line) []Line {
	for i := range ls {
		if ls[i].Password != "" {
			continue
		}
		for _, o := range old {
			if o.Extension == ls[i].Extension {
				ls[i].Password = o.Password
			}
		}
	}
	return ls
}

// checkDevice validates d against its account and vendor without
// touching its hash or state. The caller holds s.wmu.
func (s *Service) checkDevice(d *Device) error {
	cfg, reg := s.config()
	a, ok := s.accounts[d.Account]
	if !ok {
		return notFoundf("account %q", d.Account)
	}
	p, ok := reg.Profile(d.Vendor)
	if !ok {
		return invalidf("unknown vendor %q (known: %v)", d.Vendor, vendorNames(reg))
	}
	if err := validateLines(d.Lines); err != nil {
		return err
	}
	if d.IP.IsValid() && !d.IP.Is4() {
		return invalidf("ip %q is not an IPv4 address", d.IP)
	}
	if err := plainValue(d.Model); err != nil {
		return invalidf("model %q: %v", d.Model, err)
	}
	if err := p.Validate(renderData(cfg.BaseURL, d, a)); err != nil {
		return invalidf("%v", err)
	}
	return nil
}

// ReplaceDevice moves device old to the MAC of a new phone: same account,
// vendor, model, lines and reservation, new hash, a fresh provisioning
// window. The old MAC's secret URLs die at once.
func (s *Service) ReplaceDevice(ctx context.Context, old, mac MAC) (Device, error) {
	rep, ok := s.st.(DeviceReplacer)
	if !ok {
		return Device{}, fmt.Errorf("replacing device %s: %w", old, ErrUnsupported)
	}
	r, err := s.beginRehash(old)
	if err != nil {
		return Device{}, err
	}
	defer s.wmu.Unlock()
	if mac.IsZero() {
		return Device{}, invalidf("new MAC missing")
	}
	if s.devices[mac] != nil {
		return Device{}, fmt.Errorf("device %s: %w", mac, ErrExists)
	}
	d, now := &r.d, r.now
	d.MAC = mac
	d.Created, d.OpenUntil, d.LockedAt, d.LastSeen = now, now.Add(r.cfg.UnlockWindow), time.Time{}, time.Time{}
	if err := rep.ReplaceDevice(ctx, old, *d); err != nil {
		return Device{}, fmt.Errorf("replacing device %s: %w", old, err)
	}
	s.mu.Lock()
	s.dropDevice(old)
	s.old.dropMAC(old)
	r.publish(s)
	s.mu.Unlock()
	s.pending.drop(mac)
	s.log.Info("device replaced", "mac", mac.String(), "old_mac", old.String())
	return *d, nil
}
