package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoreConfig drives [store] through the strict loader: the postgres
// back-end needs exactly one of dsn and dsn_file, refuses a password in
// the TOML and a dsn_file others can read.
func TestStoreConfig(t *testing.T) {
	dir := t.TempDir()
	private := filepath.Join(dir, "private.dsn")
	open := filepath.Join(dir, "open.dsn")
	dsn := "postgres://provbox:s3cret@db.example.net/provbox"
	if err := os.WriteFile(private, []byte(dsn+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(open, []byte(dsn), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, store, want string }{
		{"default sqlite", "", ""},
		{"explicit sqlite", `backend = "sqlite"`, ""},
		{"dsn without password", `backend = "postgres"` + "\n" + `dsn = "host=/run/postgresql dbname=provbox"`, ""},
		{"dsn_file owner-only", `backend = "postgres"` + "\n" + `dsn_file = "` + private + `"`, ""},
		{"unknown backend", `backend = "mysql"`, `store.backend: "mysql": want "sqlite" or "postgres"`},
		{"postgres without dsn", `backend = "postgres"`, `store.backend: postgres needs exactly one of dsn and dsn_file`},
		{"both", `backend = "postgres"` + "\n" + `dsn = "dbname=x"` + "\n" + `dsn_file = "` + private + `"`, `exactly one of dsn and dsn_file`},
		{"password in TOML", `backend = "postgres"` + "\n" + `dsn = "` + dsn + `"`, `store.dsn: holds a password`},
		{"password key in TOML", `backend = "postgres"` + "\n" + `dsn = "dbname=x password=pw"`, `store.dsn: holds a password`},
		{"dsn_file readable by others", `backend = "postgres"` + "\n" + `dsn_file = "` + open + `"`, `store.dsn_file: ` + open + ` has mode 0644`},
		{"dsn for sqlite", `dsn = "dbname=x"`, `store.backend: dsn and dsn_file need backend = "postgres"`},
		{"unknown key", `backend = "postgres"` + "\n" + `url = "x"`, `unknown key "store.url"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(validBase, "[server]", "[store]\n"+tc.store+"\n[server]", 1)
			_, _, err := loadConfig(writeConfig(t, text), noEnv)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), "s3cret"):
				t.Fatalf("error repeats the password: %v", err)
			}
		})
	}
}
