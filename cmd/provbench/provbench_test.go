package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestMain lets the test binary be its own children ("serve", "load"),
// as the command is: run starts them with os.Executable.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "serve" || os.Args[1] == "load") {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRunShort drives the whole command, briefly: namespaces, one
// macvlan per phone, provbox, nginx and dnsmasq started and stopped by
// PID, every HTTP and TFTP measure against both, the table printed. Every
// measure must complete transfers without an error on both sides (the
// load children fail a run on any error, and rates of zero show as such).
func TestRunShort(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	for _, bin := range []string{"ip", "nginx", "dnsmasq"} {
		if !have(bin) {
			t.Skipf("needs %s", bin)
		}
	}
	out, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = out
	err = run([]string{"-phones", "4", "-rounds", "1", "-duration", "500ms", "-paced-rate", "200", "-no-dhcp"})
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out.Name())
	table := string(b)
	t.Log(table)
	for _, want := range []string{"full config at the secret URL, every check on", "paced", "one TCP connection per request",
		"TFTP full config", "TFTP 200 KiB file", "nginx:", "dnsmasq:"} {
		if !strings.Contains(table, want) {
			t.Errorf("no %q in the table", want)
		}
	}
	if strings.Contains(table, "errors") || strings.Contains(table, " 0 req/s") || strings.Contains(table, " 0 transfers/s") {
		t.Errorf("a measure failed:\n%s", table)
	}
	// Nothing is left: the namespaces are gone.
	ns, _ := exec.Command("ip", "netns", "list").Output()
	if stem := fmt.Sprintf("pbn%d", os.Getpid()%100000); strings.Contains(string(ns), stem) {
		t.Errorf("namespaces left: %s", ns)
	}
}

// TestParseDHCP reads cmd/dhcpbench's summary as it prints it.
func TestParseDHCP(t *testing.T) {
	out := `
perfdhcp as relay, 5 s per step, 50000 client MACs; latency = avg DISCOVER-OFFER + avg REQUEST-ACK

| offered/s | provbox DORA/s | provbox failed | provbox latency ms | kea DORA/s | kea failed | kea latency ms |
| --- | --- | --- | --- | --- | --- | --- |
| 2000 | 2000 | 0.01% | 0.70 | 2000 | 0.00% | 0.25 |

| server | peak DORA/s | best DORA/s with <0.1% failed | peak vs kea | clean vs kea |
| --- | --- | --- | --- | --- |
| provbox | 7050 | 5000 | 1.09 | 1.25 |
| kea | 6457 | 4000 | 1.00 | 1.00 |
`
	r, err := parseDHCP(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.peak["provbox"] != 7050 || r.clean["provbox"] != 5000 || r.peak["kea"] != 6457 || r.clean["kea"] != 4000 {
		t.Errorf("got peak %v clean %v", r.peak, r.clean)
	}
	summaryRule := slices.Contains(strings.Split(r.steps, "\n"), "| --- | --- | --- | --- | --- |")
	if !strings.Contains(r.steps, "| 2000 | 2000 | 0.01% |") || strings.Contains(r.steps, "| provbox |") || summaryRule {
		t.Errorf("steps:\n%s", r.steps)
	}
	if _, err := parseDHCP("dhcpbench: needs root"); err == nil {
		t.Error("no summary parsed without error")
	}
}

// TestOACKOption reads the negotiated options of an OACK's body.
func TestOACKOption(t *testing.T) {
	body := []byte("blksize\x001468\x00tsize\x00993\x00")
	if v, ok := oackOption(body, "blksize"); !ok || v != 1468 {
		t.Errorf("blksize %d %v", v, ok)
	}
	if v, ok := oackOption(body, "tsize"); !ok || v != 993 {
		t.Errorf("tsize %d %v", v, ok)
	}
	if _, ok := oackOption(body, "timeout"); ok {
		t.Error("an absent option found")
	}
	if _, ok := oackOption([]byte("blksize\x00x\x00"), "blksize"); ok {
		t.Error("a malformed value taken")
	}
}
