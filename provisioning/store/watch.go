package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangeChannel is the NOTIFY channel of migrations/postgres/0005.
const ChangeChannel = "provbox_changes"

// watchRetry is the pause before reconnecting a lost listener.
const watchRetry = 500 * time.Millisecond

// WatchChanges calls changed after each change another node (or this
// one) commits to the inventory, the leases or the bans, with the table
// changed ("bans", "devices", ...), and once with "" after every
// (re)connection of its listener, since changes made while it was
// disconnected sent no notification it could receive: the caller then
// resyncs in full. It returns at once and runs until ctx ends. On SQLite,
// whose database one process writes, it does nothing.
func (s *Store) WatchChanges(ctx context.Context, changed func(table string)) {
	if s.dialect != dialectPostgres {
		return
	}
	go s.watch(ctx, changed)
}

func (s *Store) watch(ctx context.Context, changed func(string)) {
	for ctx.Err() == nil {
		if err := s.listen(ctx, changed); err != nil && ctx.Err() == nil {
			s.watchErrs.Add(1)
		}
		select {
		case <-ctx.Done():
		case <-time.After(watchRetry):
		}
	}
}

// listen holds one LISTEN connection until it fails or ctx ends.
func (s *Store) listen(ctx context.Context, changed func(string)) error {
	cfg, err := pgx.ParseConfig(s.dsn)
	if err != nil {
		return err
	}
	cfg.RuntimeParams["application_name"] = "provbox-listen"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+ChangeChannel); err != nil {
		return err
	}
	changed("") // a full resync covers whatever happened while disconnected
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		changed(n.Payload)
	}
}

// WatchErrors counts lost or failed listener connections (for status).
func (s *Store) WatchErrors() int64 { return s.watchErrs.Load() }
