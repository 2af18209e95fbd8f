package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func oldPath(m provisioning.MAC, path string, since time.Time) provisioning.OldPath {
	return provisioning.OldPath{Digest: sha256.Sum256([]byte(path)), MAC: m, Shown: "/abcd…/wxyz…/",
		Cause: "device rekey", Since: utc(since), Until: utc(since.Add(7 * 24 * time.Hour))}
}

// TestMigrationFromV1 upgrades a database that only ran 0001 (a release
// without rekey grace): its devices stay, and old paths can be stored.
func TestMigrationFromV1(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	dir := t.TempDir()
	path, err := prepareFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := openPool(path+writerParams, 1)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY,
		name TEXT NOT NULL, applied BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if err := apply(ctx, db, ms[0]); err != nil {
		t.Fatal(err)
	}
	m := macN(1)
	if _, err := db.Exec(`INSERT INTO accounts (name, hash) VALUES ('acme', 'h1');
		INSERT INTO devices (mac, account, vendor, hash) VALUES ($1, 'acme', 'yealink', 'h2')`, macText(m)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatalf("upgrading a version 1 database: %v", err)
	}
	defer s.Close()
	if v, err := schemaVersion(ctx, s.r); err != nil || v != len(ms) {
		t.Fatalf("schema version %d, %v; want %d", v, err, len(ms))
	}
	d := provisioning.Device{MAC: m, Hash: mustHash(t)}
	p := oldPath(m, "/h1/h2/", t0)
	if err := s.Rekey(ctx, provisioning.Rekey{Device: &d, Retire: []provisioning.OldPath{p}, Now: t0}); err != nil {
		t.Fatal(err)
	}
	ps, err := s.OldPaths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "old paths", ps, []provisioning.OldPath{p})
	if got := deviceMap(t, s)[m].Hash; got != d.Hash {
		t.Errorf("device hash %q after the rekey, want %q", got, d.Hash)
	}
}

// TestRekeyStoresAtomically: the new hash and the old paths land
// together; an unknown owner stores nothing; expired paths go at the next
// rekey; a device's paths go with it.
func TestRekeyStoresAtomically(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := account(t, "acme")
	mustCreateAccount(t, s, a)
	d1, d2 := device(t, macN(1), "acme"), device(t, macN(2), "acme")
	if err := s.CreateDevices(ctx, []provisioning.Device{d1, d2}); err != nil {
		t.Fatal(err)
	}
	ghost := device(t, macN(9), "acme")
	err := s.Rekey(ctx, provisioning.Rekey{Device: &ghost, Retire: []provisioning.OldPath{oldPath(macN(1), "/x/", t0)}, Now: t0})
	if !errors.Is(err, provisioning.ErrNotFound) || count(t, s, "old_paths") != 0 {
		t.Fatalf("rekey of an unknown device: %v, %d old paths; want ErrNotFound and none", err, count(t, s, "old_paths"))
	}
	a.Hash = mustHash(t)
	retire := []provisioning.OldPath{oldPath(d1.MAC, "/a/1/", t0), oldPath(d2.MAC, "/a/2/", t0)}
	if err := s.Rekey(ctx, provisioning.Rekey{Account: &a, Retire: retire, Now: t0}); err != nil {
		t.Fatal(err)
	}
	as, _ := s.Accounts(ctx)
	if len(as) != 1 || as[0].Hash != a.Hash || count(t, s, "old_paths") != 2 {
		t.Fatalf("after the account rekey: %+v, %d old paths", as, count(t, s, "old_paths"))
	}
	later := t0.Add(8 * 24 * time.Hour)
	d1.Hash = mustHash(t)
	if err := s.Rekey(ctx, provisioning.Rekey{Device: &d1, Retire: []provisioning.OldPath{oldPath(d1.MAC, "/b/1/", later)}, Now: later}); err != nil {
		t.Fatal(err)
	}
	ps, _ := s.OldPaths(ctx)
	checkEqual(t, "old paths after the grace of the first rekey", ps, []provisioning.OldPath{oldPath(d1.MAC, "/b/1/", later)})
	if err := s.DeleteDevice(ctx, d1.MAC); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "old_paths"); n != 0 {
		t.Fatalf("%d old paths outlived their device", n)
	}
	if err := s.Rekey(ctx, provisioning.Rekey{Device: &d2, Retire: []provisioning.OldPath{oldPath(d2.MAC, "/c/2/", later)}, Now: later}); err != nil {
		t.Fatal(err)
	}
	end := utc(later.Add(10 * time.Minute))
	if err := s.EndOldPaths(ctx, d2.MAC, end); err != nil {
		t.Fatal(err)
	}
	want := oldPath(d2.MAC, "/c/2/", later)
	want.Until = end
	ps, _ = s.OldPaths(ctx)
	checkEqual(t, "old paths after EndOldPaths", ps, []provisioning.OldPath{want})
	if err := s.EndOldPaths(ctx, d2.MAC, end.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ps, _ = s.OldPaths(ctx)
	checkEqual(t, "old paths after a later EndOldPaths", ps, []provisioning.OldPath{want})
}

// TestRekeyDropPending: a rekey without grace deletes the old paths of the
// rekeyed device, or of every device of the rekeyed account, and no other.
func TestRekeyDropPending(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a, b := account(t, "acme"), account(t, "other")
	mustCreateAccount(t, s, a)
	mustCreateAccount(t, s, b)
	d1, d2, d3 := device(t, macN(1), "acme"), device(t, macN(2), "acme"), device(t, macN(3), "other")
	if err := s.CreateDevices(ctx, []provisioning.Device{d1, d2, d3}); err != nil {
		t.Fatal(err)
	}
	a.Hash = mustHash(t)
	b.Hash = mustHash(t)
	pending := []provisioning.OldPath{oldPath(d1.MAC, "/1/", t0), oldPath(d2.MAC, "/2/", t0)}
	if err := s.Rekey(ctx, provisioning.Rekey{Account: &a, Retire: pending, Now: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.Rekey(ctx, provisioning.Rekey{Account: &b, Retire: []provisioning.OldPath{oldPath(d3.MAC, "/3/", t0)}, Now: t0}); err != nil {
		t.Fatal(err)
	}
	d1.Hash = mustHash(t)
	if err := s.Rekey(ctx, provisioning.Rekey{Device: &d1, DropPending: true, Now: t0}); err != nil {
		t.Fatal(err)
	}
	ps, _ := s.OldPaths(ctx)
	checkEqual(t, "after a device rekey without grace", ps, []provisioning.OldPath{oldPath(d2.MAC, "/2/", t0), oldPath(d3.MAC, "/3/", t0)})
	a.Hash = mustHash(t)
	if err := s.Rekey(ctx, provisioning.Rekey{Account: &a, DropPending: true, Now: t0}); err != nil {
		t.Fatal(err)
	}
	ps, _ = s.OldPaths(ctx)
	checkEqual(t, "after an account rekey without grace", ps, []provisioning.OldPath{oldPath(d3.MAC, "/3/", t0)})
}
