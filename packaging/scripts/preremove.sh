#!/bin/sh
# provbox preremove (deb prerm, rpm %preun): on removal, stop the daemon if
# it runs and disable it (no symlink left pointing at a removed unit). On
# upgrade, leave it running: postinstall (deb) or %postun (rpm) restarts it
# on the new binary.
set -e

case "$1" in
remove | 0) ;;
*) exit 0 ;;
esac

if [ -d /run/systemd/system ]; then
	systemctl stop provbox.service || true
fi
systemctl --no-reload disable provbox.service >/dev/null 2>&1 || true
exit 0
