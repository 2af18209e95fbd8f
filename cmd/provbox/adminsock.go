package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// adminSocketMode lets the daemon's group use the CLI.
const adminSocketMode = 0o660

// listenAdmin binds the admin socket at path: it creates the directory,
// removes a stale socket left by a crash, and refuses to start when
// another daemon answers on it.
func listenAdmin(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("admin.socket: creating its directory: %w", err)
	}
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin.socket: listening on %s: %w", path, err)
	}
	if err := os.Chmod(path, adminSocketMode); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin.socket: %w", err)
	}
	return ln, nil
}

func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("admin.socket: %w", err)
	}
	if fi.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("admin.socket: %s exists and is not a socket; not touching it", path)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("admin.socket: another provbox daemon is running (it answers on %s)", path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("admin.socket: removing stale socket: %w", err)
	}
	return nil
}

// serveAdmin serves the admin API on ln until ctx ends, then lets
// requests in flight finish (up to 10s).
func serveAdmin(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	return err
}
