package main

import (
	"testing"
	"time"
)

// rotation_grace defaults to a week, and 0 (no grace) is a valid choice.
func TestRotationGraceDefaultAndZero(t *testing.T) {
	for _, c := range []struct {
		extra string
		want  time.Duration
	}{
		{"", 7 * 24 * time.Hour},
		{"[provisioning]\nrotation_grace = \"0s\"\n", 0},
		{"[provisioning]\nrotation_grace = \"36h\"\n", 36 * time.Hour},
	} {
		cfg, _, err := loadConfig(writeConfig(t, validBase+c.extra), noEnv)
		if err != nil {
			t.Fatalf("%q: %v", c.extra, err)
		}
		if got := cfg.coreConfig(boundPorts{}).RotationGrace; got != c.want {
			t.Errorf("%q: rotation grace %s, want %s", c.extra, got, c.want)
		}
	}
}
