package admin

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

	"github.com/provbox/provbox/httpd/internal/serve"
)

// SocketMode lets the daemon's group use the CLI.
const SocketMode = 0o660

// Listen binds the admin socket at path: it creates the directory,
// removes a stale socket left by a crash, and refuses to start when
// another daemon answers on it.
func Listen(path string) (net.Listener, error) {
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
	if err := os.Chmod(path, SocketMode); err != nil {
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

// Serve answers the admin API on ln until ctx ends, then lets requests
// in flight finish (up to 10s). It closes ln.
func (h *Handler) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ConnContext: peerContext,
		ErrorLog: slog.NewLogLogger(h.log.Handler(), slog.LevelWarn)}
	return serve.Run(ctx, "admin", srv, ln, 10*time.Second)
}
