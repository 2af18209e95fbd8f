package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// fillForCopy writes a little of everything into s.
func fillForCopy(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	mustCreateAccount(t, s, account(t, "acme"))
	d1, d2 := device(t, macN(1), "acme"), device(t, macN(2), "acme")
	d2.IP, d2.LockedAt, d2.OpenUntil = ipN(9), t0, time.Time{}
	if err := s.CreateDevices(ctx, []provisioning.Device{d1, d2}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`INSERT INTO old_paths (digest, mac, shown, cause, since, until)
		VALUES ('abababababababababababababababababababababababababababababababab', $1, '/ab…/cd…/', 'device rekey', 1, 2)`, macText(d1.MAC)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutLeases(ctx, []provisioning.Lease{{IP: ipN(1), MAC: macN(1), Expires: t0, Hostname: "p1"}}); err != nil {
		t.Fatal(err)
	}
	for i, f := range []bool{true, false} {
		b := provisioning.Ban{Prefix: netipPrefix(100 + i), Reason: "scan", Strikes: 15, Count: 1, Since: t0, Until: t0.Add(time.Hour), Forgeable: f}
		if err := s.PutBan(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	es := []provisioning.Event{{Time: t0, Proto: "http", IP: ipN(1), MAC: macN(1), Outcome: "config",
		Count: 3, Last: t0.Add(2 * time.Second)}, // a line of repeats keeps its count
		{Time: t0.Add(time.Second), Proto: "tftp", IP: ipN(2), Outcome: "refused", Reason: "bad-hash"},
		{Time: t0.Add(time.Second), Proto: "admin", MAC: macN(1), Outcome: "locked", Actor: "cli:alice"}}
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
}

// snapshot is everything a store hands back, for comparing two stores.
func snapshot(t *testing.T, s *Store) []any {
	t.Helper()
	ctx := context.Background()
	as, err1 := s.Accounts(ctx)
	ds, err2 := s.Devices(ctx)
	ls, err3 := s.Leases(ctx)
	bs, err4 := s.Bans(ctx)
	es, err5 := s.Events(ctx, provisioning.EventFilter{})
	ps, err6 := s.OldPaths(ctx)
	for _, err := range []error{err1, err2, err3, err4, err5, err6} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return []any{as, ds, ls, bs, es, ps}
}

// TestCopySQLiteToPostgresAndBack: an SQLite state database copied into
// an empty PostgreSQL one and from there into a new SQLite file holds the
// same state at every step, audit ids included; a non-empty destination
// is refused; new audit lines continue after the copied ids.
func TestCopySQLiteToPostgresAndBack(t *testing.T) {
	pgOnly(t)
	ctx := context.Background()
	lite, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	fillForCopy(t, lite)
	pgs, err := OpenPostgres(ctx, NewTestLocation(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pgs.Close()
	counts, err := lite.CopyTo(ctx, pgs)
	if err != nil {
		t.Fatal(err)
	}
	if counts["devices"] != 2 || counts["lines"] != 4 || counts["events"] != 3 || counts["bans"] != 2 {
		t.Errorf("counts %v", counts)
	}
	want := snapshot(t, lite)
	checkEqual(t, "postgres copy", snapshot(t, pgs), want)
	if _, err := lite.CopyTo(ctx, pgs); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("copy into a non-empty database: %v, want a refusal", err)
	}
	if err := pgs.AddEvents(ctx, []provisioning.Event{{Time: t0, Proto: "admin"}}); err != nil {
		t.Fatalf("audit line after the copy: %v", err)
	}
	back, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if _, err := pgs.CopyTo(ctx, back); err != nil {
		t.Fatal(err)
	}
	want = snapshot(t, pgs)
	checkEqual(t, "sqlite copy back", snapshot(t, back), want)
}
