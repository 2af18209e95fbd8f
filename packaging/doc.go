// Package packaging holds no Go code to import: it is how provbox is
// installed and run as a system service, and the tests that keep that
// honest.
//
// The files beside this one:
//
//	provbox.service       hardened systemd unit (Type=notify, watchdog, reload)
//	sysusers.d/, tmpfiles.d/  the provbox user and /var/lib/provbox
//	nfpm.yaml             package recipe for .deb and .rpm (`make packages`)
//	scripts/              maintainer scripts shared by deb and rpm
//	version.sh            package version from `git describe --tags`
//	provbox.8             the man page, kept in step with `provbox help`
//	README.md             install, enable, status, logs, reload, upgrade
//
// The tests check the unit with systemd-analyze (verify, and a security
// exposure of at most 2.0), the snippets with systemd-sysusers and
// systemd-tmpfiles in a scratch root, the maintainer scripts' decisions
// with stub commands, the man page against `provbox help`, and, as root,
// build the packages with `make packages`, install, upgrade, remove and
// purge the .deb with dpkg and inspect the .rpm with rpm.
package packaging
