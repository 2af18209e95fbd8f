package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// daemon is `provbox serve` running in the server namespace.
type daemon struct {
	bin    string // the provbox binary
	config string
	cmd    *exec.Cmd
	log    string // its stdout and stderr
	exited chan error
}

// startDaemon runs provbox serve inside host and waits until it says it
// is ready (sd_notify READY=1 on a socket of ours) or answers the admin
// API, whichever comes first. env is added to its environment.
func startDaemon(ctx context.Context, h *Host, bin, config, dir string, timeout time.Duration, env ...string) (*daemon, error) {
	d := &daemon{bin: bin, config: config, log: filepath.Join(dir, "provbox.log"), exited: make(chan error, 1)}
	if out, err := exec.CommandContext(ctx, bin, "check", "-c", config).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("provbox check refused the lab config: %v: %s", err, bytes.TrimSpace(out))
	}
	notify, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, "notify.sock"), Net: "unixgram"})
	if err != nil {
		return nil, err
	}
	defer notify.Close()
	logf, err := os.Create(d.log)
	if err != nil {
		return nil, err
	}
	d.cmd = h.Command(context.WithoutCancel(ctx), bin, "serve", "-c", config)
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	d.cmd.Env = append(append(os.Environ(), env...), "NOTIFY_SOCKET="+notify.LocalAddr().String())
	if err := d.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting provbox serve: %w", err)
	}
	go func() { d.exited <- d.cmd.Wait(); logf.Close() }()
	if err := d.waitReady(ctx, notify, timeout); err != nil {
		d.stop()
		return nil, fmt.Errorf("%w\n%s", err, d.tail())
	}
	return d, nil
}

func (d *daemon) waitReady(ctx context.Context, notify *net.UnixConn, timeout time.Duration) error {
	ready := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := notify.Read(buf)
			if err != nil {
				return
			}
			if bytes.Contains(buf[:n], []byte("READY=1")) {
				close(ready)
				return
			}
		}
	}()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	// A daemon without sd_notify is detected by polling its admin API.
	poll := time.NewTicker(250 * time.Millisecond)
	defer poll.Stop()
	for {
		select {
		case <-ready:
			return nil
		case err := <-d.exited:
			d.exited <- err
			return fmt.Errorf("provbox serve exited before it was ready: %v", err)
		case <-poll.C:
			if _, err := d.cli(ctx, "status"); err == nil {
				return nil
			}
		case <-deadline.C:
			return fmt.Errorf("provbox serve not ready after %s", timeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// stop sends SIGTERM and waits for the daemon (SIGKILL after 10 s).
func (d *daemon) stop() error {
	if d.cmd.Process == nil {
		return nil
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case err := <-d.exited:
		d.exited <- err
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.Exited() {
			return fmt.Errorf("provbox serve exited with %d", ee.ExitCode())
		}
		return nil
	case <-t.C:
		d.cmd.Process.Kill()
		return errors.New("provbox serve ignored SIGTERM for 10s; killed")
	}
}

// tail is the end of the daemon's log, for error messages.
func (d *daemon) tail() string {
	b, _ := os.ReadFile(d.log)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return "provbox log (last lines):\n  " + strings.Join(lines, "\n  ")
}

// cli runs the provbox CLI against the daemon, as an admin would.
func (d *daemon) cli(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, d.bin, append([]string{"-c", d.config}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("provbox %s: %v: %s", strings.Join(redactArgs(args), " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}

// cliJSON runs the CLI with --json and decodes its output into v.
func (d *daemon) cliJSON(ctx context.Context, v any, args ...string) error {
	out, err := d.cli(ctx, append(args, "--json")...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("provbox %s --json: %w", strings.Join(args, " "), err)
	}
	return nil
}

// redactArgs hides line passwords (--line EXT:PASSWORD) in error messages.
func redactArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i := 1; i < len(out); i++ {
		if out[i-1] == "--line" {
			ext, _, _ := strings.Cut(out[i], ":")
			out[i] = ext + ":…"
		}
	}
	return out
}

// reloadWith replaces old by new in the daemon's config file and runs
// `provbox reload`, as `systemctl reload provbox` does: it returns once
// the new file serves.
func (d *daemon) reloadWith(ctx context.Context, old, new string) error {
	b, err := os.ReadFile(d.config)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(old)) {
		return fmt.Errorf("lab config has no %q to change", old)
	}
	if err := os.WriteFile(d.config, bytes.Replace(b, []byte(old), []byte(new), 1), 0o600); err != nil {
		return err
	}
	_, err = d.cli(ctx, "reload")
	return err
}
