package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// dhcpResult is cmd/dhcpbench's summary: per server, the peak DORA/s and
// the best rate with under 0.1% failed.
type dhcpResult struct {
	peak, clean map[string]float64
	steps       string // its per-step table, shown as it is
}

// runDHCP builds and runs cmd/dhcpbench (its own namespaces, perfdhcp
// as a relay, provbox's DHCP server with durable leases, then Kea's
// memfile) and reads its summary. dhcpbench stays its own command, so
// whoever works on DHCP measures with it alone.
func runDHCP(ctx context.Context, o options) (*dhcpResult, error) {
	dir, err := os.MkdirTemp("", "provbench-dhcp")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "dhcpbench")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/dhcpbench")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("building ./cmd/dhcpbench (run provbench from the repository's root): %w", err)
	}
	cmd := exec.CommandContext(ctx, bin, "-rates", o.dhcpRates, "-period", strconv.Itoa(o.dhcpPeriod), "-targets", "provbox,kea")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("dhcpbench: %w", err)
	}
	return parseDHCP(string(out))
}

// parseDHCP reads dhcpbench's summary rows:
// | server | peak DORA/s | best DORA/s with <0.1% failed | peak vs kea | clean vs kea |
func parseDHCP(out string) (*dhcpResult, error) {
	r := &dhcpResult{peak: map[string]float64{}, clean: map[string]float64{}}
	var steps []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "|") {
			continue
		}
		f := strings.Split(strings.Trim(line, "| "), "|")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if len(f) == 5 && (f[0] == "provbox" || f[0] == "kea") {
			peak, err1 := strconv.ParseFloat(f[1], 64)
			clean, err2 := strconv.ParseFloat(f[2], 64)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("dhcpbench summary row %q", line)
			}
			r.peak[f[0]], r.clean[f[0]] = peak, clean
			continue
		}
		if len(f) != 5 { // the summary's other rows: its header and rule
			steps = append(steps, line)
		}
	}
	if _, ok := r.peak["provbox"]; !ok {
		return nil, fmt.Errorf("no summary in dhcpbench's output:\n%s", out)
	}
	if _, ok := r.peak["kea"]; !ok {
		return nil, fmt.Errorf("no kea row in dhcpbench's output:\n%s", out)
	}
	r.steps = strings.Join(steps, "\n")
	return r, nil
}
