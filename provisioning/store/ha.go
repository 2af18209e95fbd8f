package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// DHCP failover (migrations/postgres/0006_ha.sql). Of the nodes sharing
// one PostgreSQL database, one answers DHCP: the holder of the leader row,
// a lease with an expiry on the database's clock and a fencing token that
// grows at each change of holder. A leader row rather than an advisory
// lock: a session lock outlives a node cut off from the database for as
// long as the server takes to notice the dead connection (TCP keepalive,
// by default hours), and nothing tells the cut-off node when it lost the
// lock; a lease ends at a time both sides know, and its token lets the
// database refuse a deposed leader's lease writes (Fence).

// ErrFenced is a lease write refused because this node does not hold the
// DHCP leadership under the token it was fenced with.
var ErrFenced = errors.New("this node does not hold the DHCP leadership")

// fence is the leadership lease writes must prove.
type fence struct {
	node  string
	token int64
}

// Fence makes every later lease write check, inside its own transaction,
// that node (an HA's ID) still holds an unexpired leadership under token (0: hold
// none, so every lease write is refused). The check takes a share lock
// on the leader row, so a takeover waits for lease writes in flight to
// commit: the new leader, which reads the leases after taking over, sees
// every lease the old one recorded, and the old one records none after.
// Without a call, lease writes are not fenced (a single node).
func (s *Store) Fence(node string, token int64) { s.fences.Store(&fence{node, token}) }

// fenceSQL also bounds how long the transaction may then wait for this
// node: the share lock must not outlive a node cut off mid-write (the
// server would hold it until it noticed the dead connection, and the
// takeover would wait as long), so the server ends the session after
// 2 s idle inside the transaction.
const fenceSQL = `SELECT token, set_config('idle_in_transaction_session_timeout', '2000', true)
	FROM ha_leader WHERE id = 1 AND node = $1 AND token = $2 AND expires > now() FOR SHARE`

// checkFence runs fenceSQL in tx when lease writes are fenced.
func (s *Store) checkFence(ctx context.Context, tx *sql.Tx) error {
	f := s.fences.Load()
	if f == nil {
		return nil
	}
	var tok int64
	var idle string
	err := tx.QueryRowContext(ctx, fenceSQL, f.node, f.token).Scan(&tok, &idle)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w (node %q, token %d)", ErrFenced, f.node, f.token)
	}
	return err
}

// HA is one node's side of the failover: its own small connection pool,
// so leadership renewals never queue behind a burst of lease writes.
type HA struct {
	db   *sql.DB
	node string
	// id is what the leader row and the fence hold: the node's name and
	// a random suffix for this process, so two processes are never taken
	// for one (two boxes both named after a cloned host name), and a
	// process that finds its own id under a token it never learned (the
	// answer to a claim lost with its connection) knows it is its own.
	id  string
	ttl time.Duration
}

// OpenHA returns node's handle on the leader row; a leadership it claims
// lasts ttl past each claim. PostgreSQL only.
func (s *Store) OpenHA(node string, ttl time.Duration) (*HA, error) {
	if s.dialect != dialectPostgres {
		return nil, errors.New("DHCP failover needs the PostgreSQL back-end")
	}
	if node == "" || ttl <= 0 {
		return nil, errors.New("DHCP failover: a node name and a positive lease time are needed")
	}
	db, err := openPG(s.dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(2)
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		db.Close()
		return nil, err
	}
	return &HA{db: db, node: node, id: node + idSep + hex.EncodeToString(r[:]), ttl: ttl}, nil
}

// idSep separates the node's name from the process's suffix in an id.
const idSep = "#"

// Node is this node's name.
func (h *HA) Node() string { return h.node }

// ID is this process's identity in the leader row: what Fence takes.
func (h *HA) ID() string { return h.id }

// Close closes the pool.
func (h *HA) Close() error { return h.db.Close() }

// claimSQL renews the leadership of $1 under token $2, or takes it over
// with a new token when it has expired (whoever held it) or when $1 holds
// it under another token (its own claim whose answer it never got).
const claimSQL = `UPDATE ha_leader SET
	token = CASE WHEN node = $1 AND token = $2 AND expires > now() THEN token ELSE token + 1 END,
	node = $1,
	expires = now() + $3::double precision * interval '1 millisecond'
	WHERE id = 1 AND (node = $1 OR expires <= now())
	RETURNING token`

// Claim renews this node's leadership held under token (0: none held), or
// takes over an expired one. It returns the token now held: token itself
// on a renewal, a new one on a takeover (a new term: the caller must
// reload what the previous leader wrote), 0 when another node holds an
// unexpired leadership. A leadership returned lasts ttl from some moment
// after the call began, so the caller may count ttl from then.
func (h *HA) Claim(ctx context.Context, token int64) (int64, error) {
	var got int64
	err := h.db.QueryRowContext(ctx, claimSQL, h.id, token, h.ttl.Milliseconds()).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("claiming the DHCP leadership: %w", err)
	}
	return got, nil
}

// Resign ends this node's leadership under token now (a clean stop), so a
// standby takes over at its next attempt instead of after the lease time.
func (h *HA) Resign(ctx context.Context, token int64) error {
	_, err := h.db.ExecContext(ctx, `UPDATE ha_leader SET expires = now()
		WHERE id = 1 AND node = $1 AND token = $2 AND expires > now()`, h.id, token)
	return err
}

// Heartbeat records that this node is alive in role.
func (h *HA) Heartbeat(ctx context.Context, role string) error {
	_, err := h.db.ExecContext(ctx, `INSERT INTO ha_nodes (node, role, heartbeat) VALUES ($1, $2, now())
		ON CONFLICT (node) DO UPDATE SET role = excluded.role, heartbeat = excluded.heartbeat`, h.node, role)
	return err
}

// NodeBeat is a node's last heartbeat. Age is measured on the database's
// clock, so the nodes' clocks do not matter.
type NodeBeat struct {
	Node, Role string
	Heartbeat  time.Time
	Age        time.Duration
}

// Nodes returns every node's last heartbeat, by name.
func (h *HA) Nodes(ctx context.Context) ([]NodeBeat, error) {
	rows, err := h.db.QueryContext(ctx, `SELECT node, role, heartbeat,
		EXTRACT(EPOCH FROM now() - heartbeat)::double precision FROM ha_nodes ORDER BY node`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NodeBeat
	for rows.Next() {
		var b NodeBeat
		var age float64
		if err := rows.Scan(&b.Node, &b.Role, &b.Heartbeat, &age); err != nil {
			return nil, err
		}
		b.Age = time.Duration(age * float64(time.Second))
		out = append(out, b)
	}
	return out, rows.Err()
}

// Leader is the leader row: who holds the DHCP leadership (Node "" or
// Remaining <= 0: nobody), under which token.
type Leader struct {
	Node      string
	Token     int64
	Remaining time.Duration // until it expires, on the database's clock
}

// Leader reads the leader row.
func (h *HA) Leader(ctx context.Context) (Leader, error) {
	var l Leader
	var rem float64
	err := h.db.QueryRowContext(ctx, `SELECT node, token,
		CASE WHEN expires = '-infinity' THEN 0 ELSE EXTRACT(EPOCH FROM expires - now())::double precision END
		FROM ha_leader WHERE id = 1`).Scan(&l.Node, &l.Token, &rem)
	l.Node, _, _ = strings.Cut(l.Node, idSep)
	l.Remaining = time.Duration(rem * float64(time.Second))
	return l, err
}

// Ping checks the database answers, and how fast.
func (h *HA) Ping(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	var one int
	err := h.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
	return time.Since(start), err
}

// Ping checks the database answers (a read connection: a long write
// holding SQLite's one writer does not make it look down).
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }
