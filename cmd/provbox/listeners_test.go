package main

import (
	"strings"
	"testing"
)

// TestReadyLineListsListeners: the "provbox ready" line names every
// listener as bound.
func TestReadyLineListsListeners(t *testing.T) {
	bin := buildBinary(t)
	cfg := newConfig(t, loopbackConfig)
	p := startBinary(t, bin, cfg)
	var line string
	for _, l := range strings.Split(p.stderr.String(), "\n") {
		if strings.Contains(l, `msg="provbox ready"`) {
			line = l
		}
	}
	for _, want := range []string{" tftp=127.0.0.1:", " http=127.0.0.1:", " admin_socket=" + strings.TrimSuffix(cfg, "provbox.toml") + "admin.sock"} {
		if !strings.Contains(line, want) {
			t.Errorf("ready line %q lacks %q", line, want)
		}
	}
}
