package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// tools maps each program the benchmark runs to its Debian package.
var tools = []struct{ bin, pkg string }{
	{"ip", "iproute2"},
	{"nginx", "nginx"},
	{"dnsmasq", "dnsmasq-base"},
	{"kea-dhcp4", "kea-dhcp4-server"},
	{"perfdhcp", "kea-admin"},
}

// ensureTools installs the Debian packages of the missing programs with
// apt-get, without starting their services (policy-rc.d is what Debian's
// maintainer scripts ask; the benchmark starts each program itself).
func ensureTools(skipDHCP bool) error {
	var missing []string
	for _, t := range tools {
		if skipDHCP && (t.bin == "kea-dhcp4" || t.bin == "perfdhcp") {
			continue
		}
		if !have(t.bin) {
			missing = append(missing, t.pkg)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if !have("apt-get") {
		return fmt.Errorf("missing %s and no apt-get to install them", strings.Join(missing, ", "))
	}
	fmt.Fprintln(os.Stderr, "provbench: installing", strings.Join(missing, " "))
	const rc = "/usr/sbin/policy-rc.d"
	if _, err := os.Stat(rc); os.IsNotExist(err) {
		if err := os.WriteFile(rc, []byte("#!/bin/sh\nexit 101\n"), 0o755); err == nil {
			defer os.Remove(rc)
		}
	}
	cmd := exec.Command("apt-get", append([]string{"install", "-y", "--no-install-recommends"}, missing...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("apt-get install %s: %w", strings.Join(missing, " "), err)
	}
	return nil
}

func have(bin string) bool {
	if _, err := exec.LookPath(bin); err == nil {
		return true
	}
	for _, dir := range []string{"/usr/sbin/", "/sbin/"} {
		if _, err := os.Stat(dir + bin); err == nil {
			return true
		}
	}
	return false
}
