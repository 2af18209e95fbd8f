package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests in this file run the real binary, built once per test run.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildBinary builds provbox from this package.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH; cannot build the binary")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "provbox-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "provbox")
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// notifySocket listens where systemd would, and returns its path and the
// datagrams received.
func notifySocket(t *testing.T) (string, <-chan string) {
	t.Helper()
	path, conn := notifyConn(t)
	msgs := make(chan string, 1024)
	go func() {
		defer close(msgs)
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			msgs <- string(buf[:n])
		}
	}()
	return path, msgs
}

// notifyConn listens on a fresh NOTIFY_SOCKET path, closed at the end
// of the test.
func notifyConn(t *testing.T) (string, *net.UnixConn) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return path, conn
}

// process is a provbox daemon running as a child process.
type process struct {
	cmd    *exec.Cmd
	stderr *logFile
	msgs   <-chan string
	done   chan error
}

// logFile is the child's stderr as a file it writes directly (no copying
// goroutine), so whatever it logged before a notification is readable
// once the notification arrives.
type logFile struct{ f *os.File }

func newLogFile(t *testing.T) *logFile {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &logFile{f}
}

func (l *logFile) String() string {
	b, _ := os.ReadFile(l.f.Name())
	return string(b)
}

// startBinary runs `provbox serve -c cfg` with NOTIFY_SOCKET set and
// returns after READY=1. extraEnv is added to the environment.
func startBinary(t *testing.T, bin, cfg string, extraEnv ...string) *process {
	t.Helper()
	return startCommand(t, []string{bin, "serve", "-c", cfg}, extraEnv...)
}

// startCommand runs argv (a provbox serve, possibly behind a wrapper such
// as `ip netns exec`) the way startBinary does.
func startCommand(t *testing.T, argv []string, extraEnv ...string) *process {
	t.Helper()
	p := launch(t, argv, extraEnv...)
	p.waitFor(t, "READY=1")
	return p
}

// launch runs argv with NOTIFY_SOCKET set, and kills it at the end of the
// test if it is still running.
func launch(t *testing.T, argv []string, extraEnv ...string) *process {
	t.Helper()
	sock, msgs := notifySocket(t)
	p := &process{cmd: exec.Command(argv[0], argv[1:]...), stderr: newLogFile(t), msgs: msgs, done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), append([]string{"NOTIFY_SOCKET=" + sock}, extraEnv...)...)
	p.cmd.Stderr = p.stderr.f
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitFor returns the first notification containing want, failing after
// 30s or if the process exits.
func (p *process) waitFor(t *testing.T, want string) string {
	t.Helper()
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	for {
		select {
		case m, ok := <-p.msgs:
			if !ok {
				t.Fatalf("notify socket closed waiting for %q", want)
			}
			if strings.Contains(m, want) {
				return m
			}
		case err := <-p.done:
			p.done <- err
			t.Fatalf("provbox exited (%v) before %q; stderr:\n%s", err, want, p.stderr)
		case <-timeout.C:
			t.Fatalf("no %q within 30s; stderr:\n%s", want, p.stderr)
		}
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *process) wait(t *testing.T, ctx context.Context) int {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-ctx.Done():
		t.Fatalf("provbox did not exit; stderr:\n%s", p.stderr)
		return -1
	}
}
