package pgtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Freeze stops (SIGSTOP) the server and every backend it forked, by PID:
// connections stay open and nothing answers, as when a network partition
// cuts a node off without a reset. Thaw resumes them.
func (c *Cluster) Freeze() error { return c.signalAll(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (c *Cluster) Thaw() error { return c.signalAll(syscall.SIGCONT) }

// signalAll signals the postmaster, then its children (found in /proc by
// their parent PID), so no new backend starts unseen.
func (c *Cluster) signalAll(sig syscall.Signal) error {
	pid := c.cmd.Process.Pid
	if err := syscall.Kill(pid, sig); err != nil {
		return err
	}
	for _, child := range children(pid) {
		syscall.Kill(child, sig) // one may have just exited
	}
	return nil
}

// children lists the PIDs whose parent is pid.
func children(pid int) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == pid {
			if p, err := strconv.Atoi(strings.Fields(s)[0]); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}
