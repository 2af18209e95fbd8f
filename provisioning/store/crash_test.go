package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// The kill -9 test re-executes this test binary as a writer (the helper
// process pattern): the child prints one line per acknowledged write, the
// parent kills it mid-stream and checks every acknowledged write survived.
const (
	crashDirEnv   = "PROVBOX_STORE_CRASH_DIR"
	crashRoundEnv = "PROVBOX_STORE_CRASH_ROUND"
	crashAcks     = 300 // acknowledgements to read before the kill
	crashRounds   = 3   // kill, reopen and write again, on the same database
)

func TestKill9Durability(t *testing.T) {
	sqliteOnly(t)
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	dir := t.TempDir()
	acked := map[string]bool{}
	for round := range crashRounds {
		n := runCrashChild(t, dir, round, acked)
		t.Logf("round %d: %d writes acknowledged before kill -9", round, n)
		checkAcked(t, dir, acked)
	}
}

// runCrashChild starts a writer, kills it after crashAcks acknowledgements
// and records every acknowledgement it printed before dying.
func runCrashChild(t *testing.T, dir string, round int, acked map[string]bool) int {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashRoundEnv+"="+strconv.Itoa(round))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Bound the round in time even if the child stalls.
	timer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	sc := bufio.NewScanner(out)
	n, killed := 0, false
	for sc.Scan() {
		if kind, _, ok := strings.Cut(sc.Text(), " "); !ok || !strings.HasPrefix(kind, "ack-") {
			continue // test framework chatter
		}
		acked[sc.Text()] = true
		if n++; n == crashAcks {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			killed = true // keep reading: lines already written are acks too
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("round %d: child ended after %d acks (%v); stderr:\n%s", round, n, err, stderr.String())
	}
	return n
}

// checkAcked reopens the database and checks it is sound and holds every
// acknowledged write.
func checkAcked(t *testing.T, dir string, acked map[string]bool) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopening after kill -9: %v", err)
	}
	defer s.Close()
	var integrity string
	if err := s.r.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q, %v", integrity, err)
	}
	have := present(t, s)
	missing := 0
	for a := range acked {
		if !have[a] {
			missing++
			t.Errorf("acknowledged write lost: %s", a)
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes lost", missing, len(acked))
	}
}

// present lists what the store holds, in the children's ack format.
func present(t *testing.T, s *Store) map[string]bool {
	ctx := context.Background()
	have := map[string]bool{}
	as, err1 := s.Accounts(ctx)
	ds, err2 := s.Devices(ctx)
	ls, err3 := s.Leases(ctx)
	bs, err4 := s.Bans(ctx)
	ops, err5 := s.OldPaths(ctx)
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range as {
		have["ack-account "+a.Name] = true
	}
	for _, d := range ds {
		have["ack-device "+d.MAC.Hex()] = len(d.Lines) == 1
		if !d.LockedAt.IsZero() && d.OpenUntil.IsZero() {
			have["ack-lock "+d.MAC.Hex()] = true
		}
	}
	retired := map[provisioning.MAC]bool{}
	for _, p := range ops {
		retired[p.MAC] = true
	}
	for _, d := range ds {
		// A rekey is acknowledged only with its old path.
		have[fmt.Sprintf("ack-rekey %s %s", d.MAC.Hex(), d.Hash)] = retired[d.MAC]
	}
	for _, l := range ls {
		have[fmt.Sprintf("ack-lease %s %s", l.IP, l.MAC.Hex())] = true
	}
	for _, b := range bs {
		have[fmt.Sprintf("ack-ban %s %d", b.Prefix, b.Count)] = true
	}
	return have
}

// TestCrashChild is the writer TestKill9Durability runs and kills; on its
// own it skips.
func TestCrashChild(t *testing.T) {
	sqliteOnly(t)
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("helper process of TestKill9Durability")
	}
	round, err := strconv.Atoi(os.Getenv(crashRoundEnv))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if round == 0 {
		mustCreateAccount(t, s, provisioning.Account{Name: "acme", Hash: mustHash(t)})
		ack("account acme")
	}
	deadline := time.Now().Add(time.Minute)
	for i := 0; i < 100000 && time.Now().Before(deadline); i++ {
		crashWrite(t, s, round*1_000_000+i)
	}
	t.Fatal("not killed in time")
}

// crashWrite makes write number n, of one of six kinds, and acks it.
func crashWrite(t *testing.T, s *Store, n int) {
	ctx := context.Background()
	var err error
	switch n % 6 {
	case 0, 1: // one lease, as a lightly loaded DHCP server commits them
		l := provisioning.Lease{IP: ipN(n), MAC: macN(n), Expires: time.Now().Add(time.Hour)}
		if err = s.PutLeases(ctx, []provisioning.Lease{l}); err == nil {
			ack(fmt.Sprintf("lease %s %s", l.IP, l.MAC.Hex()))
		}
	case 2: // a group commit of eight
		ls := make([]provisioning.Lease, 8)
		for j := range ls {
			ls[j] = provisioning.Lease{IP: ipN(n*8 + j + 1<<23), MAC: macN(n*8 + j), Expires: time.Now()}
		}
		if err = s.PutLeases(ctx, ls); err == nil {
			for _, l := range ls {
				ack(fmt.Sprintf("lease %s %s", l.IP, l.MAC.Hex()))
			}
		}
	case 3: // device add, then a lock taken on it
		d := provisioning.Device{MAC: macN(n), Account: "acme", Vendor: "yealink", Hash: mustHash(t),
			Lines: []provisioning.Line{{Extension: "1", Password: "pw"}}, OpenUntil: time.Now().Add(time.Hour)}
		if err = s.CreateDevices(ctx, []provisioning.Device{d}); err == nil {
			ack("device " + d.MAC.Hex())
			d.OpenUntil, d.LockedAt = time.Time{}, time.Now()
			if err = s.UpdateDevice(ctx, d); err == nil {
				ack("lock " + d.MAC.Hex())
			}
		}
	case 5: // device add, then a rekey retiring its old path
		d := provisioning.Device{MAC: macN(n), Account: "acme", Vendor: "yealink", Hash: mustHash(t),
			Lines: []provisioning.Line{{Extension: "1", Password: "pw"}}}
		if err = s.CreateDevices(ctx, []provisioning.Device{d}); err == nil {
			ack("device " + d.MAC.Hex())
			old := provisioning.OldPath{Digest: sha256.Sum256([]byte(d.Hash)), MAC: d.MAC, Since: time.Now(), Until: time.Now().Add(time.Hour)}
			d.Hash = mustHash(t)
			if err = s.Rekey(ctx, provisioning.Rekey{Device: &d, Retire: []provisioning.OldPath{old}, Now: time.Now()}); err == nil {
				ack(fmt.Sprintf("rekey %s %s", d.MAC.Hex(), d.Hash))
			}
		}
	case 4:
		p := netip.PrefixFrom(ipN(n), 32)
		if err = s.PutBan(ctx, provisioning.Ban{Prefix: p, Count: n, Since: time.Now()}); err == nil {
			ack(fmt.Sprintf("ban %s %d", p, n))
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}

// ack reports one durable write with a single write(2), so a kill never
// leaves half a line.
func ack(what string) {
	os.Stdout.WriteString("ack-" + what + "\n")
}
