// Package pgtest runs a throw-away PostgreSQL server for tests: Debian's
// postgresql binaries (/usr/lib/postgresql/<version>/bin), a cluster made
// by initdb under a fresh temporary directory, listening only on a Unix
// socket in that directory, stopped by its PID and removed by Stop. Run as
// root (as CI does), the server runs as the unprivileged user nobody,
// since PostgreSQL refuses to run as root.
package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrNoPostgres reports that the PostgreSQL server binaries are missing;
// tests skip with its message.
var ErrNoPostgres = errors.New("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)")

// nobody is the unprivileged account the server runs as when we are root.
const nobody = 65534

// Cluster is a running throw-away PostgreSQL server.
type Cluster struct {
	bin, dir, sock string
	cmd            *exec.Cmd
	exited         chan struct{}
	dbs            atomic.Int64
}

// Bin returns the newest installed PostgreSQL server bin directory.
func Bin() (string, error) {
	if b := os.Getenv("PROVBOX_PG_BIN"); b != "" {
		return b, nil
	}
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(m) == 0 {
		return "", ErrNoPostgres
	}
	slices.SortFunc(m, func(a, b string) int { return version(a) - version(b) })
	return filepath.Dir(m[len(m)-1]), nil
}

func version(p string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(p))))
	return v
}

// Start makes and starts a cluster. The caller must Stop it.
func Start() (*Cluster, error) {
	bin, err := Bin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "provbox-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir, sock: filepath.Join(dir, "run"), exited: make(chan struct{})}
	if err := c.start(); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start() error {
	data := filepath.Join(c.dir, "data")
	for _, d := range []string{data, c.sock} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return err
		}
		if os.Geteuid() == 0 {
			if err := os.Chown(d, nobody, nobody); err != nil {
				return err
			}
		}
	}
	if err := os.Chmod(c.dir, 0o755); err != nil { // nobody must reach data/
		return err
	}
	initdb := c.command("initdb", "-D", data, "-U", "provbox", "--auth=trust",
		"--no-locale", "-E", "UTF8", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	log, err := os.Create(filepath.Join(c.dir, "postgres.log"))
	if err != nil {
		return err
	}
	defer log.Close()
	// No TCP listener: the socket directory is private to this cluster.
	c.cmd = c.command("postgres", "-D", data, "-k", c.sock, "-c", "listen_addresses=",
		"-c", "max_connections=400", "-c", "shared_buffers=32MB")
	c.cmd.Stdout, c.cmd.Stderr = log, log
	c.cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL // never outlive the test binary
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	go func() { c.cmd.Wait(); close(c.exited) }()
	return c.waitReady()
}

// command runs a server binary, as nobody when we are root.
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if os.Geteuid() == 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: nobody, Gid: nobody}
	}
	return cmd
}

// waitReady polls pg_isready for up to 30 s.
func (c *Cluster) waitReady() error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-c.exited:
			return fmt.Errorf("postgres exited at startup:\n%s", c.Log())
		default:
		}
		if exec.Command(filepath.Join(c.bin, "pg_isready"), "-q", "-h", c.sock).Run() == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("postgres not ready after 30 s:\n%s", c.Log())
}

// Log returns the server's log so far.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	return string(b)
}

// Socket is the directory holding the server's Unix socket.
func (c *Cluster) Socket() string { return c.sock }

// DSN is the key=value DSN of database db.
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("host=%s user=provbox dbname=%s sslmode=disable", c.sock, db)
}

// NewDatabase creates an empty database and returns its DSN.
func (c *Cluster) NewDatabase() (string, error) {
	name := fmt.Sprintf("t%d", c.dbs.Add(1))
	out, err := exec.Command(filepath.Join(c.bin, "createdb"),
		"-h", c.sock, "-U", "provbox", name).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("createdb %s: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	return c.DSN(name), nil
}

// Stop shuts the server down (SIGINT, PostgreSQL's fast shutdown, then
// SIGKILL after 10 s) by its PID and removes the cluster's directory.
func (c *Cluster) Stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		c.Thaw() // a frozen server must run to stop
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
			<-c.exited
		}
	}
	os.RemoveAll(c.dir)
}
