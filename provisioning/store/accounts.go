package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/provbox/provbox/provisioning"
)

// Accounts returns every account, ordered by name.
func (s *Store) Accounts(ctx context.Context) ([]provisioning.Account, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, hash, sip_server, sip_port, sip_transport,
		ntp_server, timezone, language, created FROM accounts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("reading accounts: %w", err)
	}
	defer rows.Close()
	var out []provisioning.Account
	for rows.Next() {
		var a provisioning.Account
		var created sql.NullInt64
		if err := rows.Scan(&a.Name, &a.Hash, &a.SIPServer, &a.SIPPort, &a.SIPTransport,
			&a.NTPServer, &a.TimeZone, &a.Language, &created); err != nil {
			return nil, fmt.Errorf("reading accounts: %w", err)
		}
		a.Created = fromNanos(created)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading accounts: %w", err)
	}
	return out, nil
}

// CreateAccount stores a new account; a duplicate name or hash is
// ErrExists.
func (s *Store) CreateAccount(ctx context.Context, a provisioning.Account) error {
	if err := checkTime("created", a.Created); err != nil {
		return fmt.Errorf("account %q: %w", a.Name, err)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO accounts (name, hash, sip_server, sip_port,
		sip_transport, ntp_server, timezone, language, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.Name, string(a.Hash), a.SIPServer, a.SIPPort, string(a.SIPTransport),
		a.NTPServer, a.TimeZone, a.Language, nanos(a.Created))
	return accountErr("creating", a.Name, err)
}

// UpdateAccount replaces the account named a.Name; ErrNotFound if there
// is none, ErrExists if a.Hash belongs to another account.
func (s *Store) UpdateAccount(ctx context.Context, a provisioning.Account) error {
	if err := checkTime("created", a.Created); err != nil {
		return fmt.Errorf("account %q: %w", a.Name, err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE accounts SET hash = $2, sip_server = $3,
		sip_port = $4, sip_transport = $5, ntp_server = $6, timezone = $7, language = $8,
		created = $9 WHERE name = $1`,
		a.Name, string(a.Hash), a.SIPServer, a.SIPPort, string(a.SIPTransport),
		a.NTPServer, a.TimeZone, a.Language, nanos(a.Created))
	if err == nil {
		err = rowsAffected(res)
	}
	return accountErr("updating", a.Name, err)
}

func accountErr(verb, name string, err error) error {
	if err == nil {
		return nil
	}
	if kind, detail := constraint(err); kind != nil {
		return fmt.Errorf("account %q: %w (%s)", name, kind, detail)
	}
	if errors.Is(err, provisioning.ErrNotFound) {
		return fmt.Errorf("account %q: %w", name, err)
	}
	return fmt.Errorf("%s account %q: %w", verb, name, err)
}
