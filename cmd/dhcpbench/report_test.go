package main

import (
	"os"
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
