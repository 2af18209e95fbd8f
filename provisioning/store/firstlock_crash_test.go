package store_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/store"
)

const (
	lockCrashDirEnv = "PROVBOX_LOCK_CRASH_DIR"
	lockCrashPhones = 2048
	lockCrashAcks   = 300 // served configs to read before the kill
)

// TestKill9ServedConfigsStayLocked: a core serves first full configs to
// bursts of concurrent phones, its batched locks in flight, and is killed
// with SIGKILL; every config it had answered (each printed after Fetch
// returned, as the HTTP server writes the body) left its device locked in
// the reopened database.
func TestKill9ServedConfigsStayLocked(t *testing.T) {
	if store.PGCluster() != nil {
		t.Skip("kills a process holding a SQLite file; the PostgreSQL run skips it")
	}
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockCrashDirEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	served := map[string]bool{}
	killed := false
	for sc := bufio.NewScanner(out); sc.Scan(); {
		m, ok := strings.CutPrefix(sc.Text(), "served ")
		if !ok {
			continue
		}
		served[m] = true
		if len(served) == lockCrashAcks && !killed {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true // lines already written still count
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("child ended after %d served configs; stderr:\n%s", len(served), stderr.String())
	}
	s, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("reopening after kill -9: %v", err)
	}
	defer s.Close()
	ds, err := s.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	locked := 0
	for _, d := range ds {
		isLocked := !d.LockedAt.IsZero() && d.OpenUntil.IsZero()
		if isLocked {
			locked++
		}
		if served[d.MAC.String()] && !isLocked {
			t.Errorf("device %s got its full config but is not locked after kill -9", d.MAC)
		}
	}
	t.Logf("%d configs answered before the kill, %d devices locked", len(served), locked)
}

// TestLockCrashChild is the core TestKill9ServedConfigsStayLocked kills;
// on its own it skips.
func TestLockCrashChild(t *testing.T) {
	dir := os.Getenv(lockCrashDirEnv)
	if dir == "" {
		t.Skip("helper process of TestKill9ServedConfigsStayLocked")
	}
	s, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := stormCore(t, s)
	rs := importPhones(t, svc, 0, lockCrashPhones)
	var mu sync.Mutex // one write(2) per line
	for burst := 0; burst*64 < len(rs); burst++ {
		var wg sync.WaitGroup
		for _, r := range rs[burst*64 : min(len(rs), (burst+1)*64)] {
			wg.Go(func() {
				if got := svc.Fetch(context.Background(), r); got.Found && strings.Contains(string(got.Body), lockPwd) {
					m := r.UserAgent[strings.LastIndexByte(r.UserAgent, ' ')+1:]
					mu.Lock()
					os.Stdout.WriteString("served " + m + "\n")
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	t.Fatal("not killed in time")
}
