package provisioning

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// AddAccount validates a and stores it with a fresh hash.
func (s *Service) AddAccount(ctx context.Context, a Account) (Account, error) {
	if err := validateAccount(&a); err != nil {
		return Account{}, err
	}
	if err := validateSettings(&a); err != nil {
		return Account{}, err
	}
	h, err := NewHash()
	if err != nil {
		return Account{}, err
	}
	a.Hash, a.Created = h, s.now().UTC()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, ok := s.accounts[a.Name]; ok {
		return Account{}, fmt.Errorf("account %q: %w", a.Name, ErrExists)
	}
	if err := s.st.CreateAccount(ctx, a); err != nil {
		return Account{}, fmt.Errorf("storing account %q: %w", a.Name, err)
	}
	s.mu.Lock()
	s.accounts[a.Name], s.acctHash[a.Hash] = &a, &a
	s.mu.Unlock()
	s.log.Info("account added", "account", a.Name)
	return a, nil
}

// Accounts lists every account, sorted by name.
func (s *Service) Accounts() []Account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Account returns one account by name.
func (s *Service) Account(name string) (Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.accounts[name]
	if !ok {
		return Account{}, fmt.Errorf("account %q: %w", name, ErrNotFound)
	}
	return *a, nil
}

// ErrInvalid marks input the core refuses; the message names the field.
var ErrInvalid = errors.New("invalid")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func validateAccount(a *Account) error {
	if a.Name == "" || strings.ContainsFunc(a.Name, func(r rune) bool { return r <= ' ' || r == '/' || r == 0x7f }) {
		return invalidf("account name %q: must be non-empty, without spaces, control characters or '/'", a.Name)
	}
	if a.SIPTransport == "" {
		a.SIPTransport = UDP
	}
	switch a.SIPTransport {
	case UDP, TCP, TLS:
	default:
		return invalidf("account %q: SIP transport %q: want udp, tcp or tls", a.Name, a.SIPTransport)
	}
	if a.SIPPort < 0 || a.SIPPort > 65535 {
		return invalidf("account %q: SIP port %d out of range", a.Name, a.SIPPort)
	}
	for field, v := range map[string]string{"SIP server": a.SIPServer, "NTP server": a.NTPServer, "time zone": a.TimeZone, "language": a.Language} {
		if err := plainValue(v); err != nil {
			return invalidf("account %q: %s %q: %v", a.Name, field, v, err)
		}
	}
	return nil
}

// plainValue refuses what no phone config format can carry.
func plainValue(v string) error {
	for _, r := range v {
		if r < ' ' || r == 0x7f {
			return fmt.Errorf("contains a control character (%U)", r)
		}
	}
	return nil
}
