package main

import (
	"fmt"
	"strings"
)

// envLabBreak turns a safeguard off on purpose, for `provbox-lab
// --break` to prove the lab notices. It is an environment variable, not a
// TOML key, so that no config file, `provbox check`, package default or
// web UI can carry it: only whoever starts the process can set it, and
// the daemon logs a warning at every start while it is set. The one
// safeguard it can break is availability, not secrecy: with
// forged_source, forged UDP can get a phone's address banned; no check
// that guards a credential is affected.
const envLabBreak = "PROVBOX_LAB_BREAK"

// breakForgedSource turns the forged-source protection off
// (provisioning.Config.UnguardedUDP).
const breakForgedSource = "forged_source"

// labBreak reads envLabBreak; an unknown value is an error, so a typo
// does not silently test nothing.
func labBreak(getenv func(string) string) (unguardedUDP bool, err error) {
	v := strings.TrimSpace(getenv(envLabBreak))
	switch v {
	case "":
		return false, nil
	case breakForgedSource:
		return true, nil
	}
	return false, fmt.Errorf("%s=%q: the only safeguard it can turn off is %q", envLabBreak, v, breakForgedSource)
}
