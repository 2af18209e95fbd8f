package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/ban"
	"github.com/provbox/provbox/provisioning/store"
)

// A full ban table, as a flood of forged-source bans leaves it: the
// daemon restarts on a state database holding the cap's worth of
// forgeable bans plus an admin's ban and a proven one (the attacker's own,
// ending soonest of all). Neither is dropped on restore nor evicted when
// new bans arrive; forgeable bans ending soonest go first.
func TestDaemonFullBanTableKeepsLiveBans(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 65,536 bans")
	}
	cfg := banConfig(t, 1, 8)
	stateDir := filepath.Join(filepath.Dir(cfg), "state")
	now := time.Now()
	seedBans(t, stateDir, now)

	td := startDaemon(t, cfg)
	for i := range 3 {
		lbTFTP(t, td.d.ports.tftp, fmt.Sprintf("127.0.0.%d", 31+i), "805ec0999999.cfg")
	}
	bans := bannedPrefixes(t, cfg)
	for ip, what := range map[string]string{"192.0.2.1": "the admin's ban", "192.0.2.2": "the attacker's proven ban",
		"127.0.0.33": "the newest ban", "10.0.255.255": "the forgeable ban ending last"} {
		if _, ok := isBanned(bans, ip); !ok {
			t.Errorf("%s (%s) was evicted", what, ip)
		}
	}
	if _, ok := isBanned(bans, "10.0.0.0"); ok {
		t.Error("the forgeable ban ending soonest was kept")
	}
	if len(bans) > ban.DefaultMaxRecords {
		t.Errorf("%d bans listed, cap %d", len(bans), ban.DefaultMaxRecords)
	}
}

// seedBans writes, in one transaction, ban.DefaultMaxRecords forgeable
// bans of 10.0.0.0/16 (the first ending soonest), an admin's ban of
// 192.0.2.1 and a proven ban of 192.0.2.2 ending before all of them.
func seedBans(t *testing.T, dir string, now time.Time) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO bans (prefix, reason, strikes, count, since, until, forgeable) VALUES (?, ?, ?, 1, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	since := now.Add(-time.Minute).UnixNano()
	put := func(prefix string, strikes int, until time.Duration, forgeable bool) {
		if _, err := ins.Exec(prefix, "bad-hash", strikes, since, now.Add(until).UnixNano(), forgeable); err != nil {
			t.Fatal(err)
		}
	}
	for i := range ban.DefaultMaxRecords {
		put(fmt.Sprintf("10.0.%d.%d/32", i>>8, i&0xff), 5, time.Hour+time.Duration(i)*time.Second, true)
	}
	put("192.0.2.1/32", 0, 10*time.Minute, false)
	put("192.0.2.2/32", 5, 5*time.Minute, false)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
