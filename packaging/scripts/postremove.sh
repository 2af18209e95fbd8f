#!/bin/sh
# provbox postremove (deb postrm, rpm %postun). Removal keeps the state
# database and the config; only a deb purge deletes /var/lib/provbox.
# The provbox user stays (Debian policy: files may still carry its id).
set -e

reload() {
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
	fi
}

case "$1" in
purge)
	rm -rf /var/lib/provbox
	# The admin's own files (TLS keys, password file) keep /etc/provbox.
	rmdir /etc/provbox 2>/dev/null || true
	reload
	;;
remove | 0)
	reload
	;;
[1-9]*)
	# rpm upgrade: the new files are in place; restart a running daemon.
	reload
	if [ -d /run/systemd/system ]; then
		systemctl try-restart provbox.service || true
	fi
	;;
esac
exit 0
