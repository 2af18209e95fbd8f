package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/provbox/provbox/provisioning/store"
)

// ensureStateDir creates the state directory for serve (0750, as the
// package's tmpfiles/unit would) and reports whether the database file
// already existed, so a start that fails can remove the one it created.
func ensureStateDir(cfg *fileConfig) (dbExisted bool, err error) {
	dir := cfg.stateDirPath()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		k := &checker{c: cfg}
		k.failf("state_dir", "cannot create %q: %v", dir, errors.Unwrap(err))
		return false, k.errs[0]
	}
	_, err = os.Lstat(filepath.Join(dir, store.FileName))
	return err == nil, nil
}

// removeNewDatabase deletes a database serve created in a start that
// failed: a failed start leaves the machine as it found it.
func removeNewDatabase(cfg *fileConfig) {
	db := filepath.Join(cfg.stateDirPath(), store.FileName)
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(db + suffix)
	}
}

// stateDirNotes is what provbox check can tell about the state directory
// without touching it: it creates nothing (not the directory, not a probe
// file) and names what it could not verify with the caller's rights.
func stateDirNotes(cfg *fileConfig) []string {
	dir := cfg.stateDirPath()
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		parent := existingParent(dir)
		if unix.Access(parent, unix.W_OK|unix.X_OK) != nil {
			return []string{fmt.Sprintf("state_dir: %q does not exist and %q is not writable by you: "+
				"not verified that serve can create it (it runs as root or the provbox user)", dir, parent)}
		}
		return nil // serve creates it
	case errors.Is(err, fs.ErrPermission):
		return []string{fmt.Sprintf("state_dir: %q: not verified, you may not look into its parent", dir)}
	case err != nil:
		return []string{fmt.Sprintf("state_dir: %q: %v: serve cannot create it", dir, errors.Unwrap(err))}
	case !fi.IsDir():
		return []string{fmt.Sprintf("state_dir: %q is not a directory: serve cannot start", dir)}
	}
	if unix.Access(dir, unix.W_OK|unix.X_OK) != nil {
		return []string{fmt.Sprintf("state_dir: %q is not writable by you: not verified that the daemon's user can write it", dir)}
	}
	return nil
}

// existingParent is the nearest ancestor of dir that exists.
func existingParent(dir string) string {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil || p == filepath.Dir(p) {
			return p
		}
	}
}
