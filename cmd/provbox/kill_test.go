package main

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/provbox/provbox/httpd/admin"
)

// TestKill9DuringAdds fires 1,000 concurrent `device add` calls at the
// real binary, kills it with SIGKILL partway, restarts it, and checks that
// the database opens and holds every device whose add was acknowledged.
func TestKill9DuringAdds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildBinary(t)
	cfg := newConfig(t, loopbackConfig)
	socket := filepath.Join(filepath.Dir(cfg), "admin.sock")
	p := startBinary(t, bin, cfg)
	cl := admin.Dial(socket)
	defer cl.Close()
	if _, err := cl.AddAccount(t.Context(), admin.AccountInput{Name: "office", SIPServer: "pbx.example"}); err != nil {
		t.Fatal(err)
	}

	const total, killAfter, workers = 1000, 300, 16
	var (
		mu    sync.Mutex
		acked []string
		kill  sync.Once
		wg    sync.WaitGroup
	)
	jobs := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				mac := fmt.Sprintf("02:00:00:00:%02x:%02x", i>>8, i&0xff)
				in := admin.DeviceInput{MAC: mac, Account: "office", Vendor: "yealink",
					Lines: []admin.LineInput{{Extension: fmt.Sprint(1000 + i), Password: "pw"}}}
				if _, err := cl.AddDevice(t.Context(), in); err != nil {
					continue // after the kill: refused or cut off
				}
				mu.Lock()
				acked = append(acked, mac)
				n := len(acked)
				mu.Unlock()
				if n == killAfter {
					kill.Do(func() { p.cmd.Process.Kill() })
				}
			}
		})
	}
	for i := range total {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	p.wait(t, t.Context())
	if len(acked) < killAfter || len(acked) == total {
		t.Fatalf("%d adds acknowledged; the kill should have landed after %d and before %d", len(acked), killAfter, total)
	}

	startBinary(t, bin, cfg) // the stale socket is removed, the database opens
	cl2 := admin.Dial(socket)
	defer cl2.Close()
	ds, err := cl2.Devices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, d := range ds {
		have[d.MAC] = true
	}
	for _, mac := range acked {
		if !have[mac] {
			t.Errorf("device %s was acknowledged but is missing after kill -9", mac)
		}
	}
	t.Logf("%d adds acknowledged before and around the kill, %d devices after restart", len(acked), len(ds))
}
