package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provbox/provbox/httpd/admin"
)

func TestAdminSocketMode(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	fi, err := os.Stat(filepath.Join(filepath.Dir(cfg), "admin.sock"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != admin.SocketMode {
		t.Errorf("admin socket mode %v, want a socket with %o", fi.Mode(), admin.SocketMode)
	}
}

// TestSecondDaemonRefused: a daemon answering on the socket keeps a
// second one from starting, before it opens the database.
func TestSecondDaemonRefused(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	c, reg, err := loadConfig(cfg, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	_, err = openDaemon(t.Context(), c, reg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "another provbox daemon is running") {
		t.Fatalf("second daemon: %v", err)
	}
	mustCLI(t, cfg, "status") // the first one still answers
}

// TestStaleSocketRemoved: a socket file left by a crash (nothing listens)
// does not stop the next start; a file that is not a socket does.
func TestStaleSocketRemoved(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	path := filepath.Join(filepath.Dir(cfg), "admin.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("stale socket not left behind: %v", err)
	}
	startDaemon(t, cfg)
	mustCLI(t, cfg, "status")
}

// TestBindFailureClosesEverything: when a port is taken, start fails
// naming it, and what was already opened (admin socket, database) is
// released so the next start works.
func TestBindFailureClosesEverything(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfgText := strings.Replace(loopbackConfig, "[http]\n"+`listen = "127.0.0.1:0"`, "[http]\n"+`listen = "`+busy.Addr().String()+`"`, 1)
	cfg := newConfig(t, cfgText)
	c, reg, err := loadConfig(cfg, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	_, err = openDaemon(context.Background(), c, reg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), busy.Addr().String()) {
		t.Fatalf("got %v, want an error naming %s", err, busy.Addr())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "admin.sock")); !os.IsNotExist(err) {
		t.Errorf("admin socket left behind: %v", err)
	}
	busy.Close()
	startDaemon(t, cfg)
}
