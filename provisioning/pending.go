package provisioning

import (
	"container/list"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Pending is an unknown phone that asked: a DHCP client whose option 60
// or OUI names a vendor, or a bootstrap request with a vendor's
// User-Agent for a MAC provbox does not know. It is served nothing (the
// refusal is the same as for anyone); an admin adopts it in one step.
type Pending struct {
	MAC         MAC
	Vendor      string     // the vendor profile it matched
	Model       string     // guessed from option 60 or the User-Agent; "" when neither tells
	VendorClass string     // option 60, printable characters only
	UA          string     // the last vendor User-Agent, bounded
	OUI         string     // the MAC's first three octets, "80:5e:c0"
	IP          netip.Addr // the last requester address (bootstrap); DHCP clients have none yet
	Source      string     // how it was last seen: dhcp, http, https
	FirstSeen   time.Time
	LastSeen    time.Time
	Requests    int
}

// Bounds of the pending list: a scanner with a vendor UA cannot grow it
// past maxPending, and a phone that stopped asking leaves it.
const (
	maxPending = 10000
	pendingTTL = 7 * 24 * time.Hour
)

// pendingTable is the bounded list, least recently seen at the back. The
// zero value is ready; it is kept in memory only (a restart forgets it:
// a phone still asking reappears at its next request).
type pendingTable struct {
	mu    sync.Mutex
	byMAC map[MAC]*list.Element
	order list.List // of *Pending, most recently seen first
	max   int       // 0: maxPending (tests set less)
}

// seen records a sighting of m at now; fill updates the entry.
func (t *pendingTable) seen(m MAC, now time.Time, fill func(p *Pending)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byMAC == nil {
		t.byMAC = map[MAC]*list.Element{}
	}
	t.expire(now)
	el, ok := t.byMAC[m]
	if !ok {
		if t.order.Len() >= t.limit() {
			t.remove(t.order.Back())
		}
		el = t.order.PushFront(&Pending{MAC: m, OUI: ouiText(m), FirstSeen: now})
		t.byMAC[m] = el
	}
	t.order.MoveToFront(el)
	p := el.Value.(*Pending)
	p.LastSeen = now
	p.Requests++
	fill(p)
}

func (t *pendingTable) limit() int {
	if t.max > 0 {
		return t.max
	}
	return maxPending
}

// expire drops the entries not seen for pendingTTL. The caller holds t.mu.
func (t *pendingTable) expire(now time.Time) {
	for el := t.order.Back(); el != nil && now.Sub(el.Value.(*Pending).LastSeen) > pendingTTL; el = t.order.Back() {
		t.remove(el)
	}
}

func (t *pendingTable) remove(el *list.Element) {
	delete(t.byMAC, el.Value.(*Pending).MAC)
	t.order.Remove(el)
}

// list copies the live entries, most recently seen first.
func (t *pendingTable) list(now time.Time) []Pending {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expire(now)
	out := make([]Pending, 0, t.order.Len())
	for el := t.order.Front(); el != nil; el = el.Next() {
		out = append(out, *el.Value.(*Pending))
	}
	return out
}

func (t *pendingTable) get(m MAC, now time.Time) (Pending, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expire(now)
	if el, ok := t.byMAC[m]; ok {
		return *el.Value.(*Pending), true
	}
	return Pending{}, false
}

func (t *pendingTable) drop(m MAC) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if el, ok := t.byMAC[m]; ok {
		t.remove(el)
	}
}

func ouiText(m MAC) string { return m.String()[:8] }

// PendingPhones lists the unknown phones that asked within the last 7
// days, most recently seen first. A MAC added as a device since is left
// out (it is no longer pending).
func (s *Service) PendingPhones() []Pending {
	all := s.pending.list(s.pendingNow())
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.DeleteFunc(all, func(p Pending) bool { return s.devices[p.MAC] != nil })
}

// PendingPhone is the sighting of m; ErrNotFound when m is not pending.
func (s *Service) PendingPhone(m MAC) (Pending, error) {
	p, ok := s.pending.get(m, s.pendingNow())
	if !ok {
		return Pending{}, notFoundf("pending phone %s", m)
	}
	return p, nil
}

// DropPending forgets m's sighting (it was adopted or added).
func (s *Service) DropPending(m MAC) { s.pending.drop(m) }

// known reports whether m is a device.
func (s *Service) known(m MAC) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.devices[m] != nil
}

// noteBoot records a DHCP client whose option 60 or OUI matched vendor,
// unless it is a device. It changes nothing in the DHCP answer.
func (s *Service) noteBoot(r BootRequest, vendor string) {
	if vendor == "" || r.MAC.IsZero() || s.known(r.MAC) {
		return
	}
	vc := printableN(string(r.VendorClass), 128)
	s.pending.seen(r.MAC, s.pendingNow(), func(p *Pending) {
		p.Vendor, p.Source = vendor, "dhcp"
		if vc != "" {
			p.VendorClass = vc
		}
		if m := modelFromClass(vc, vendor); m != "" && p.Model == "" {
			p.Model = m
		}
	})
}

// notePending records a bootstrap request for the unknown MAC asked,
// when its User-Agent is one of the vendors its file name matched, and
// returns why it was not recorded when the network contradicts it ("" if
// it was, or no vendor's UA matched). The request is refused exactly as
// before. A dry run records nothing.
func (s *Service) notePending(fc *fetchState, cands []candidate, asked MAC) string {
	if asked.IsZero() || fc.r.UserAgent == "" {
		return ""
	}
	for _, c := range cands {
		ua, ok := c.p.ParseUA(fc.r.UserAgent)
		if !ok {
			continue
		}
		if why := s.sightingContradicted(fc, asked, ua); why != "" {
			fc.note("pending", false, "not a sighting of %s: %s", asked, why)
			return why
		}
		if fc.dry() {
			fc.note("pending", true, "a sighting of %s", asked)
			return ""
		}
		s.pending.seen(asked, fc.now.UTC(), func(p *Pending) {
			p.Vendor, p.Source, p.IP = c.p.Name, string(fc.r.Proto), fc.r.RemoteIP
			p.UA = printableN(fc.r.UserAgent, maxAuditUA)
			if m := printableN(ua.Model, 64); m != "" {
				p.Model = m
			}
		})
		return ""
	}
	return ""
}

// printableN keeps the printable ASCII of s, trimmed, at most n bytes
// (Poly's option 60 is binary).
func printableN(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if r >= ' ' && r < 0x7f && b.Len() < n {
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// modelFromClass guesses a model from option 60: the first word with a
// digit that is not the vendor's name ("yealink SIP-T46U" -> SIP-T46U).
func modelFromClass(vc, vendor string) string {
	for _, w := range strings.FieldsFunc(vc, func(r rune) bool { return r == ' ' || r == '/' || r == ',' || r == ';' }) {
		if strings.EqualFold(w, vendor) || !strings.ContainsFunc(w, unicode.IsDigit) {
			continue
		}
		return w
	}
	return ""
}

func notFoundf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotFound)
}

// pendingNow is the clock; a Service built by hand in a test may have
// none.
func (s *Service) pendingNow() time.Time {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.cfg.Now == nil {
		return time.Now().UTC()
	}
	return s.cfg.Now().UTC()
}

// PendingCount is how many phones are pending (the metrics' gauge).
func (s *Service) PendingCount() int { return len(s.PendingPhones()) }
