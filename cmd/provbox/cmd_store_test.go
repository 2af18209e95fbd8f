package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/store"
	"github.com/provbox/provbox/provisioning/store/pgtest"
)

// TestStoreCopyCLI: `provbox store copy --dsn-file` moves an SQLite state
// into an empty PostgreSQL database (verifying counts), refuses a second
// copy into it, and `--from-dsn-file` brings it back into a new SQLite
// state directory.
func TestStoreCopyCLI(t *testing.T) {
	c, err := pgtest.Start()
	if errors.Is(err, pgtest.ErrNoPostgres) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	dsn, err := c.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	dsnFile := filepath.Join(dir, "pg.dsn")
	if err := os.WriteFile(dsnFile, []byte(dsn), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgA := filepath.Join(dir, "a.toml")
	cfgB := filepath.Join(dir, "b.toml")
	for p, state := range map[string]string{cfgA: "state-a", cfgB: "state-b"} {
		os.MkdirAll(filepath.Join(dir, state), 0o700)
		if err := os.WriteFile(p, []byte("state_dir = \""+state+"\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(ctx, filepath.Join(dir, "state-a"))
	if err != nil {
		t.Fatal(err)
	}
	h, _ := provisioning.NewHash()
	if err := st.CreateAccount(ctx, provisioning.Account{Name: "acme", Hash: h}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	cliRun := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"store", "copy"}, args...), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	if out, err := cliRun("-c", cfgA, "--dsn-file", dsnFile); err != nil || !strings.Contains(out, "rows verified: accounts 1, devices 0") {
		t.Fatalf("copy to PostgreSQL: %q, %v", out, err)
	}
	if _, err := cliRun("-c", cfgA, "--dsn-file", dsnFile); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second copy: %v, want a refusal", err)
	}
	if out, err := cliRun("-c", cfgB, "--from-dsn-file", dsnFile); err != nil || !strings.Contains(out, "accounts 1") {
		t.Fatalf("copy back: %q, %v", out, err)
	}
	back, err := store.Open(ctx, filepath.Join(dir, "state-b"))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if as, err := back.Accounts(ctx); err != nil || len(as) != 1 || as[0].Hash != h {
		t.Fatalf("accounts after the round trip: %v, %v", as, err)
	}
	if _, err := cliRun("-c", cfgA, "--to", dsn, "--dsn-file", dsnFile); err == nil {
		t.Fatal("two targets accepted")
	}
}
