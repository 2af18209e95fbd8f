package provisioning

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning/ban"
)

// Strike is one refusal reported against a source address.
type Strike struct {
	Reason string // e.g. unknown-mac, locked, bad-hash, fingerprint, no-lease, bad-path
	Weight int    // 1 for an ordinary refusal; more for traversal or a non-phone UA on a secret path
	MAC    MAC    // the MAC asked for, zero if none (scan detection counts distinct MACs)
	UAMAC  MAC    // the MAC the User-Agent carried, zero if none (counted too)
	// Forgeable: the source address may be forged (UDP).
	Forgeable bool
	// Holder: the source holds a known device (see holdsKnownDevice).
	Holder bool
}

// ErrNotBannable is returned by AddBan for the box's own addresses and
// ignored networks.
var ErrNotBannable = errors.New("never banned: the box's own address or an ignored network")

// banEngine is the ban engine the core consults; banGlue (below) is the one
// implementation, over provisioning/ban.
type banEngine interface {
	banned(ip netip.Addr, now time.Time, dry bool) bool
	strike(ip netip.Addr, st Strike, now time.Time)
	reconfigure(cfg BanConfig)
	active(now time.Time) []Ban
	sweep(ctx context.Context, now time.Time) error
	add(ctx context.Context, ip netip.Addr, d time.Duration, reason string, now time.Time) (Ban, error)
	remove(ctx context.Context, ip netip.Addr, now time.Time) error
	reload(ctx context.Context, now time.Time) error
}

// banWriteTimeout bounds a ban's store write on a path with no context
// (a strike, a reload).
const banWriteTimeout = 5 * time.Second

// banGlue ties the engine to the Service: its store, audit trail and log.
type banGlue struct {
	s *Service
	e *ban.Engine
}

// newBanEngine restores the store's ban table (bans still running, and
// history for escalation) and deletes the records too old to matter.
func newBanEngine(ctx context.Context, s *Service) (banEngine, error) {
	recs, err := storedBans(ctx, s.st)
	if err != nil {
		return nil, err
	}
	b := &banGlue{s: s}
	now := s.cfg.Now()
	e, dropped := ban.New(s.cfg.Bans, ban.Options{Store: banStore{s.st}, Notify: b.notify}, recs, now)
	b.e = e
	for _, p := range dropped {
		if err := s.st.DeleteBan(ctx, p); err != nil && !errors.Is(err, ErrNotFound) {
			s.log.Warn("forgetting an old ban", "ip", sourceText(p), "err", err)
		}
	}
	if err := e.Sweep(ctx, now); err != nil {
		s.log.Warn("forgetting old bans in the state database", "err", err)
	}
	if active := e.Active(now); len(active) > 0 {
		s.log.Info("bans restored", "active", len(active), "history", e.Records()-len(active))
	}
	return b, nil
}

// storedBans reads the store's ban table as the engine's records.
func storedBans(ctx context.Context, st Store) ([]ban.Record, error) {
	stored, err := st.Bans(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading bans: %w", err)
	}
	recs := make([]ban.Record, len(stored))
	for i, b := range stored {
		recs[i] = ban.Record(b)
	}
	return recs, nil
}

// reload makes the engine enforce the bans other nodes sharing the store
// issued, and drop those they lifted; strikes stay this node's own.
func (b *banGlue) reload(ctx context.Context, now time.Time) error {
	return b.e.Reload(ctx, func(ctx context.Context) ([]ban.Record, error) { return storedBans(ctx, b.s.st) }, now)
}

// banned enforces a ban, unless forged datagrams may have earned it and
// the address now holds a known device: then the phone was framed, and
// the ban is lifted (see forgery.go).
func (b *banGlue) banned(ip netip.Addr, now time.Time, dry bool) bool {
	live, recheck := b.e.Lookup(ip, now)
	if !live || !recheck || !b.s.holdsKnownDevice(ip, now) {
		return live
	}
	if dry {
		return false // would be lifted: the address holds a known device
	}
	ctx, cancel := context.WithTimeout(context.Background(), banWriteTimeout)
	defer cancel()
	err := b.e.LiftForgeable(ctx, ip, reasonFramed, now)
	if err != nil && !errors.Is(err, ban.ErrNotBanned) {
		b.s.log.Error("lifting a ban of a known device's address (lifted until restart)", "ip", ip.String(), "err", err)
	}
	return false
}

func (b *banGlue) strike(ip netip.Addr, st Strike, now time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), banWriteTimeout)
	defer cancel()
	_, err := b.e.Strike(ctx, ip, ban.Strike{Reason: st.Reason, Weight: st.Weight, MAC: st.MAC, UAMAC: st.UAMAC,
		Forgeable: st.Forgeable, Holder: st.Holder}, now)
	if err != nil {
		b.s.log.Error("storing a ban (enforced until restart)", "ip", ip.String(), "err", err)
	}
}

func (b *banGlue) reconfigure(cfg BanConfig) {
	ctx, cancel := context.WithTimeout(context.Background(), banWriteTimeout)
	defer cancel()
	if err := b.e.Reconfigure(ctx, cfg, b.s.now()); err != nil {
		b.s.log.Error("removing bans of newly ignored sources from the state database", "err", err)
	}
}

func (b *banGlue) active(now time.Time) []Ban {
	rs := b.e.Active(now)
	out := make([]Ban, len(rs))
	for i, r := range rs {
		out[i] = banOf(r)
	}
	return out
}

func (b *banGlue) sweep(ctx context.Context, now time.Time) error { return b.e.Sweep(ctx, now) }

func (b *banGlue) add(ctx context.Context, ip netip.Addr, d time.Duration, reason string, now time.Time) (Ban, error) {
	r, err := b.e.Add(ctx, ip, d, reason, now)
	if errors.Is(err, ban.ErrExempt) {
		return Ban{}, fmt.Errorf("banning %s: %w", ip, ErrNotBannable)
	}
	if err != nil {
		return banOf(r), fmt.Errorf("%s is banned until restart: storing the ban failed: %w", ip, err)
	}
	return banOf(r), nil
}

func (b *banGlue) remove(ctx context.Context, ip netip.Addr, now time.Time) error {
	err := b.e.Remove(ctx, ip, now)
	if errors.Is(err, ban.ErrNotBanned) {
		return fmt.Errorf("%s is not banned: %w", ip, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s is unbanned until restart: removing the ban from the state database failed: %w", ip, err)
	}
	return nil
}

// notify puts a ban or unban in the audit trail and the log. Another
// node's ban or unban is only logged: that node audited and counted it.
// The end of a ban is audited by every node that holds it, the issuer's
// or another's, under one key (expiryKey), so the trail gets one line
// from whichever node writes first, even when the node that issued the
// ban is gone.
func (b *banGlue) notify(c ban.Change) {
	if c.Remote && !c.Banned && c.Reason == ban.ReasonExpired {
		b.s.audit(expiryEvent(c))
		b.s.log.Info("another node's ban ended", "ip", sourceText(c.Record.Prefix), "reason", c.Reason, "until", c.Record.Until.UTC())
		return
	}
	if c.Remote {
		msg := "another node's ban ended"
		if c.Banned {
			msg = "another node's ban enforced"
		}
		b.s.log.Info(msg, "ip", sourceText(c.Record.Prefix), "reason", c.Reason, "until", c.Record.Until.UTC())
		return
	}
	outcome, msg, reason := "unbanned", "source unbanned", c.Reason
	if c.Banned {
		r := c.Record
		outcome, msg = "banned", "source banned"
		reason = fmt.Sprintf("%s: %d strikes, ban %d for %s", c.Reason, r.Strikes, r.Count, r.Until.Sub(r.Since).Round(time.Second))
	}
	b.s.obs.get().BanChanged(c.Banned)
	e := Event{Time: c.At.UTC(), Proto: "ban", IP: c.Record.Prefix.Addr(), Outcome: outcome, Reason: reason}
	if !c.Banned && c.Reason == ban.ReasonExpired {
		e = expiryEvent(c)
	}
	b.s.audit(e)
	b.s.log.Warn(msg, "ip", sourceText(c.Record.Prefix), "reason", reason, "until", c.Record.Until.UTC())
}

// expiryEvent is the audit line of the end of a ban, the same on every
// node: its time is the ban's end, and its Once key names the source and
// that end, so the store keeps the first node's line only.
func expiryEvent(c ban.Change) Event {
	return Event{Time: c.At.UTC(), Proto: "ban", IP: c.Record.Prefix.Addr(), Outcome: "unbanned", Reason: c.Reason,
		Once: fmt.Sprintf("ban-expired %s %d", c.Record.Prefix, c.Record.Until.UnixNano())}
}

// sourceText shows an IPv4 source as its address, an IPv6 one as its /64.
func sourceText(p netip.Prefix) string {
	if p.Addr().Is4() && p.Bits() == 32 {
		return p.Addr().String()
	}
	return p.String()
}

func banOf(r ban.Record) Ban {
	b := Ban(r)
	b.Since, b.Until = b.Since.UTC(), b.Until.UTC()
	return b
}

// banStore is the Store as the engine's persister.
type banStore struct{ st Store }

func (a banStore) PutBan(ctx context.Context, r ban.Record) error { return a.st.PutBan(ctx, Ban(r)) }

func (a banStore) DeleteBan(ctx context.Context, p netip.Prefix) error {
	if err := a.st.DeleteBan(ctx, p); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// Banned reports whether ip is banned now; servers call it before parsing
// anything. It reads the clock without a lock and allocates nothing.
func (s *Service) Banned(ip netip.Addr) bool { return s.bans.banned(ip, s.now(), false) }

// Bans returns the bans running now, ordered by address; it changes
// nothing.
func (s *Service) Bans() []Ban { return s.bans.active(s.now()) }

// SweepBans announces (audit trail, log) the bans that have run out and
// deletes the records too old to matter, in memory and in the state
// database. The core runs it every banSweepEvery; strikes sweep too.
func (s *Service) SweepBans(ctx context.Context) error { return s.bans.sweep(ctx, s.now()) }

// banSweepEvery is how often the core sweeps the ban table by itself, so
// an expiry is announced even when no strike or listing comes.
const banSweepEvery = time.Minute

// sweepBansUntil runs SweepBans every banSweepEvery until quit closes.
func (s *Service) sweepBansUntil(quit <-chan struct{}) {
	t := time.NewTicker(banSweepEvery)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), banWriteTimeout)
		if err := s.SweepBans(ctx); err != nil {
			s.log.Error("forgetting old bans in the state database", "err", err)
		}
		cancel()
	}
}

// Unban lifts the ban on ip's source (its /64 for IPv6) at once and
// pardons it: its strikes and ban history are forgotten, so a later ban
// starts again at ban_time. ErrNotFound if it is not banned.
func (s *Service) Unban(ctx context.Context, ip netip.Addr) error {
	return s.bans.remove(ctx, ip, s.now())
}

// AddBan bans ip's source from now for d, or, if d is zero, for the
// escalated length of its next ban; reason defaults to "admin".
// ErrNotBannable for the box's own addresses and ignored networks.
func (s *Service) AddBan(ctx context.Context, ip netip.Addr, d time.Duration, reason string) (Ban, error) {
	if !ip.IsValid() {
		return Ban{}, errors.New("banning: no address given")
	}
	if d < 0 {
		return Ban{}, fmt.Errorf("banning %s: negative length %s", ip, d)
	}
	return s.bans.add(ctx, ip, d, reason, s.now())
}
