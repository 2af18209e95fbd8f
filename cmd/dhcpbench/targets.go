package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// target starts one DHCP server in the server namespace with fresh state
// in dir, serving iface; ready reports whether it is bound (nil if
// readiness is learned by probing). extra are provbox's own flags.
type target func(t *topo, dir string, extra ...string) (cmd *exec.Cmd, ready <-chan bool, err error)

var servers = map[string]target{"provbox": startProvbox, "kea": startKeaThreads(0), "kea-mt": startKeaThreads(2), "dnsmasq": startDnsmasq}

func startProvbox(t *topo, dir string, extra ...string) (*exec.Cmd, <-chan bool, error) {
	return startProvboxArgs(t, dir, extra...)
}

// startProvboxArgs runs the serve child with extra flags (targets_pg.go).
func startProvboxArgs(t *topo, dir string, extra ...string) (*exec.Cmd, <-chan bool, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	cmd := t.inServer(exe, append([]string{"serve", "-dir", dir, "-iface", t.srvIf}, extra...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "READY" {
				ready <- true
				return
			}
		}
		ready <- false
	}()
	return cmd, ready, nil
}

// startKeaThreads runs kea-dhcp4 with threads packet-processing threads,
// 0 meaning single-threaded. The setting is explicit because Kea's default
// changed (multi-threading is on by default from 2.4).
func startKeaThreads(threads int) target {
	return func(t *topo, dir string, _ ...string) (*exec.Cmd, <-chan bool, error) {
		return startKea(t, dir, threads)
	}
}

func startKea(t *topo, dir string, threads int) (*exec.Cmd, <-chan bool, error) {
	start, end, _ := strings.Cut(poolRange, "-")
	mt := map[string]any{"enable-multi-threading": false}
	if threads > 0 {
		mt = map[string]any{"enable-multi-threading": true, "thread-pool-size": threads, "packet-queue-size": 64}
	}
	conf := map[string]any{"Dhcp4": map[string]any{
		"interfaces-config": map[string]any{"interfaces": []string{t.srvIf}, "dhcp-socket-type": "udp"},
		"lease-database":    map[string]any{"type": "memfile", "persist": true, "name": filepath.Join(dir, "leases4.csv"), "lfc-interval": 0},
		"valid-lifetime":    3600,
		"authoritative":     true,
		"multi-threading":   mt,
		"subnet4": []any{map[string]any{"id": 1, "subnet": subnet, "pools": []any{map[string]any{"pool": start + " - " + end}},
			"option-data": []any{map[string]any{"name": "routers", "data": serverIP}, map[string]any{"name": "domain-name-servers", "data": serverIP}}}},
		"loggers": []any{map[string]any{"name": "kea-dhcp4", "severity": "ERROR",
			"output_options": []any{map[string]any{"output": "stderr"}}}},
	}}
	b, _ := json.MarshalIndent(conf, "", "  ")
	path := filepath.Join(dir, "kea-dhcp4.conf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, nil, err
	}
	cmd := t.inServer("kea-dhcp4", "-c", path)
	cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir)
	cmd.Stderr = os.Stderr
	return cmd, nil, cmd.Start()
}

// startDnsmasq runs dnsmasq as root (its lease file is in our temporary
// directory) and with --no-ping: its default ICMP check of each address
// before an OFFER (up to seconds) exceeds perfdhcp's 1 s drop time, so
// without it dnsmasq completes nothing at all; Kea does not ping either.
func startDnsmasq(t *topo, dir string, _ ...string) (*exec.Cmd, <-chan bool, error) {
	start, end, _ := strings.Cut(poolRange, "-")
	cmd := t.inServer("dnsmasq", "--keep-in-foreground", "--no-daemon", "--user=root", "--no-ping", "--port=0", "--conf-file=/dev/null",
		"--interface="+t.srvIf, "--bind-interfaces", "--dhcp-authoritative", "--quiet-dhcp",
		fmt.Sprintf("--dhcp-range=%s,%s,255.255.0.0,1h", start, end),
		"--dhcp-leasefile="+filepath.Join(dir, "dnsmasq.leases"), "--pid-file="+filepath.Join(dir, "dnsmasq.pid"),
		"--dhcp-lease-max=100000", "--log-facility=-")
	cmd.Stderr = os.Stderr
	return cmd, nil, cmd.Start()
}
