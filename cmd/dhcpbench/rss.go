package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// rssOptions are "dhcpbench rss"'s flags.
type rssOptions struct {
	devices, leases int
	provbox         string // the daemon binary; "" builds ./cmd/provbox
	settle          time.Duration
	keep            string // seed the states under this directory and keep them
}

// rss measures the real daemon's resident memory (issue 17: at most 40 MB
// with 10,000 devices and 10,000 live leases). It starts `provbox serve`
// in a network namespace with DHCP on (so the leases are in the
// allocator too) three times, on a state database holding nothing, the
// devices, then the devices and their leases, and prints VmRSS after
// start-up and the growth per device and per lease.
func rss(args []string) error {
	fs := flag.NewFlagSet("rss", flag.ContinueOnError)
	var o rssOptions
	fs.IntVar(&o.devices, "devices", 10000, "devices in the state database")
	fs.IntVar(&o.leases, "leases", 10000, "live leases (of the first devices)")
	fs.StringVar(&o.provbox, "provbox", "", "provbox binary (default: go build ./cmd/provbox)")
	fs.DurationVar(&o.settle, "settle", 3*time.Second, "wait after start-up before reading VmRSS")
	fs.StringVar(&o.keep, "keep", "", "seed the state directories under this (new) directory and keep them, for profiling")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.leases > o.devices || o.devices > 60000 {
		return errors.New("-leases must not exceed -devices, and -devices is at most 60000 (the pool's size)")
	}
	if os.Geteuid() != 0 {
		return errors.New("needs root (creates a network namespace)")
	}
	tmp, err := os.MkdirTemp("", "dhcpbench-rss")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	states := tmp
	if o.keep != "" {
		if err := os.Mkdir(o.keep, 0o700); err != nil {
			return err
		}
		states = o.keep
	}
	if o.provbox == "" {
		o.provbox = filepath.Join(tmp, "provbox")
		if out, err := exec.Command("go", "build", "-o", o.provbox, "./cmd/provbox").CombinedOutput(); err != nil {
			return fmt.Errorf("building provbox (run from the repository's root or pass -provbox): %v\n%s", err, out)
		}
	}
	t, err := newTopo()
	if err != nil {
		return err
	}
	defer t.remove()
	steps := []struct {
		name            string
		devices, leases int
	}{{"empty", 0, 0}, {"devices", o.devices, 0}, {"devices+leases", o.devices, o.leases}}
	kb := make([][2]int, len(steps))
	for i, st := range steps {
		dir := filepath.Join(states, st.name)
		if err := seedState(dir, st.devices, st.leases); err != nil {
			return fmt.Errorf("%s: seeding the state: %w", st.name, err)
		}
		if kb[i], err = daemonRSS(t, o.provbox, dir, o.settle); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		fmt.Fprintf(os.Stderr, "%-15s %6d devices %6d leases: VmRSS %6d kB, VmHWM %6d kB\n", st.name, st.devices, st.leases, kb[i][0], kb[i][1])
	}
	fmt.Printf("\nprovbox serve RSS after start-up (+%s), DHCP on, state in SQLite\n\n", o.settle)
	fmt.Println("| state | devices | leases | VmRSS MB | VmHWM MB |")
	fmt.Println("| --- | --- | --- | --- | --- |")
	for i, st := range steps {
		fmt.Printf("| %s | %d | %d | %.1f | %.1f |\n", st.name, st.devices, st.leases, float64(kb[i][0])/1024, float64(kb[i][1])/1024)
	}
	if o.devices > 0 {
		fmt.Printf("\nper device: %.0f bytes", 1024*float64(kb[1][0]-kb[0][0])/float64(o.devices))
	}
	if o.leases > 0 {
		fmt.Printf("; per lease: %.0f bytes", 1024*float64(kb[2][0]-kb[1][0])/float64(o.leases))
	}
	fmt.Println()
	return nil
}

// seedState writes a state database with n devices (Yealink T46U, one
// line each, on one account) and the first leases of them, live for a
// day, in the benchmark's pool.
func seedState(dir string, n, leases int) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	if n == 0 {
		return nil
	}
	reg, err := profile.New("")
	if err != nil {
		return err
	}
	svc, err := provisioning.New(ctx, provisioning.Config{BaseURL: "http://" + serverIP}, st, reg, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	if _, err := svc.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		return err
	}
	ds := make([]provisioning.Device, n)
	for i := range ds {
		ds[i] = provisioning.Device{MAC: rssMAC(i), Account: "office", Vendor: "yealink", Model: "T46U",
			Lines: []provisioning.Line{{Extension: strconv.Itoa(1000 + i), Password: fmt.Sprintf("pw-%08d", i)}}}
	}
	if _, err := svc.ImportDevices(ctx, ds); err != nil {
		return err
	}
	ls := make([]provisioning.Lease, leases)
	first := mustAddr("10.64.1.0").As4()
	for i := range ls {
		ip := netip.AddrFrom4([4]byte{first[0], first[1], first[2] + byte(i>>8), byte(i)})
		ls[i] = provisioning.Lease{IP: ip, MAC: rssMAC(i), Expires: time.Now().Add(24 * time.Hour), Hostname: "SIP-T46U",
			VendorClass: "yealink SIP-T46U 108.86.0.20"}
	}
	return st.PutLeases(ctx, ls)
}

func rssMAC(i int) provisioning.MAC {
	return provisioning.MAC{0x80, 0x5e, 0xc0, byte(i >> 16), byte(i >> 8), byte(i)}
}

// daemonRSS starts provbox serve on dir in the server namespace, waits
// for its ready line and settle, and reads its VmRSS and VmHWM (kB).
func daemonRSS(t *topo, bin, dir string, settle time.Duration) ([2]int, error) {
	cfg := filepath.Join(dir, "provbox.toml")
	if err := os.WriteFile(cfg, []byte(rssConfig(dir, t.srvIf)), 0o600); err != nil {
		return [2]int{}, err
	}
	cmd := t.inServer(bin, "serve", "-c", cfg)
	errOut, err := cmd.StderrPipe()
	if err != nil {
		return [2]int{}, err
	}
	if err := cmd.Start(); err != nil {
		return [2]int{}, err
	}
	defer stopServer(cmd)
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(errOut)
		var last []string
		for sc.Scan() {
			if strings.Contains(sc.Text(), "provbox ready") {
				ready <- nil
				for sc.Scan() { // keep draining so the daemon never blocks on stderr
				}
				return
			}
			last = append(last, sc.Text())
		}
		ready <- fmt.Errorf("provbox exited before it was ready:\n%s", strings.Join(last, "\n"))
	}()
	select {
	case err := <-ready:
		if err != nil {
			return [2]int{}, err
		}
	case <-time.After(60 * time.Second):
		return [2]int{}, errors.New("provbox not ready after 60s")
	}
	time.Sleep(settle)
	return procStatusKB(cmd.Process.Pid, "VmRSS", "VmHWM")
}

// procStatusKB reads two kB fields of /proc/PID/status.
func procStatusKB(pid int, a, b string) ([2]int, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return [2]int{}, err
	}
	var out [2]int
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != a && k != b) {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		if err != nil {
			return out, fmt.Errorf("/proc status %s: %q", k, v)
		}
		if k == a {
			out[0] = n
		} else {
			out[1] = n
		}
	}
	return out, nil
}

// rssConfig is the daemon's configuration: DHCP, HTTP and TFTP on the
// server namespace's veth, state in dir.
func rssConfig(dir, iface string) string {
	start, end, _ := strings.Cut(poolRange, "-")
	return fmt.Sprintf(`state_dir = %q
[server]
advertise = %q
[dhcp]
enabled = true
interfaces = [%q]
lease_time = "24h"
[[dhcp.subnet]]
cidr = %q
range = "%s-%s"
router = %q
[tftp]
enabled = true
listen = "%s:69"
[http]
listen = "%s:80"
[admin]
socket = %q
[log]
level = "info"
`, dir, serverIP, iface, subnet, start, end, serverIP, serverIP, serverIP, filepath.Join(dir, "admin.sock"))
}
