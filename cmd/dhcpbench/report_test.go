package main

import (
	"os"
	"strings"
	"testing"
)

func TestParsePerfdhcp(t *testing.T) {
	b, err := os.ReadFile("testdata/perfdhcp.out")
	if err != nil {
		t.Fatal(err)
	}
	r, err := parsePerfdhcp(string(b), 5)
	if err != nil {
		t.Fatal(err)
	}
	want := result{discovers: 14999, acks: 14997, dora: 2999.4, failedPct: 100 * 2 / 14999.0, doAvg: 0.197, raAvg: 0.760, raMax: 5.680}
	if r != want {
		t.Errorf("got  %+v\nwant %+v", r, want)
	}
	if _, err := parsePerfdhcp("perfdhcp: cannot open socket", 5); err == nil {
		t.Error("garbage parsed without error")
	}
}

func TestParseStatCPU(t *testing.T) {
	// A command name with spaces and a ')' must not shift the fields.
	line := "4242 (kea dhcp4) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 3 0 100 0 0"
	got, err := parseStatCPU(line)
	if err != nil {
		t.Fatal(err)
	}
	if got != 3.25 {
		t.Errorf("cpu = %v s, want 3.25 (250+75 ticks)", got)
	}
	if _, err := parseStatCPU("4242 (short) S 1 2"); err == nil {
		t.Error("truncated line parsed without error")
	}
	if _, err := cpuSeconds(os.Getpid()); err != nil {
		t.Errorf("own process: %v", err)
	}
}

// TestSummaryRowsKeepFiveColumns: cmd/provbench reads the summary rows
// "| server | peak | clean | peak vs kea | clean vs kea |"; the CPU and
// Kea-MT tables are added after it and must not change those rows.
func TestSummaryRowsKeepFiveColumns(t *testing.T) {
	o := options{rates: []int{1000}, period: 5, clients: 10, targets: []string{"provbox", "kea", "kea-mt"}}
	res := map[string][]result{
		"provbox": {{offered: 1000, acks: 5000, dora: 1000, cpu: 1, wall: 5}},
		"kea":     {{offered: 1000, acks: 4000, dora: 800, failedPct: 20, cpu: 1, wall: 5}},
		"kea-mt":  {{offered: 1000, acks: 4500, dora: 900, failedPct: 10, cpu: 2, wall: 5}},
	}
	var b strings.Builder
	printTable(&b, o, res)
	rows := 0
	for _, line := range strings.Split(b.String(), "\n") {
		f := strings.Split(strings.Trim(line, "| "), "|")
		if len(f) == 5 && (strings.TrimSpace(f[0]) == "provbox" || strings.TrimSpace(f[0]) == "kea") {
			rows++
		}
	}
	if rows != 2 {
		t.Errorf("found %d five-column summary rows for provbox and kea, want 2:\n%s", rows, b.String())
	}
	if !strings.Contains(b.String(), "| 1000 | 20 | 200 | 0.80 |") {
		t.Errorf("CPU table lacks provbox's row (20%% CPU, 200 µs/lease, 0.80 of Kea's):\n%s", b.String())
	}
}
