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
