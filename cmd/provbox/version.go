package main

import "runtime/debug"

// version is set at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

// versionString is the version plus, for development builds, the VCS
// revision Go recorded.
func versionString() string {
	if version != "dev" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return version
	}
	if dirty {
		rev += "-dirty"
	}
	return version + "-" + rev
}
