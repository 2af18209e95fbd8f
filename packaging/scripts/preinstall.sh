#!/bin/sh
# provbox preinstall (deb preinst, rpm %pre): create the system user before
# dpkg/rpm unpack files owned by it (/var/lib/provbox, the config's group).
set -e

# Same line as /usr/lib/sysusers.d/provbox.conf (a test keeps them equal).
SYSUSERS='u provbox - "provbox SIP phone provisioning" /var/lib/provbox /usr/sbin/nologin'

case "$1" in
abort-upgrade) exit 0 ;;
esac

getent passwd provbox >/dev/null 2>&1 && exit 0
if command -v systemd-sysusers >/dev/null 2>&1; then
	printf '%s\n' "$SYSUSERS" | systemd-sysusers --replace=/usr/lib/sysusers.d/provbox.conf -
else
	getent group provbox >/dev/null 2>&1 || groupadd --system provbox
	useradd --system --gid provbox --home-dir /var/lib/provbox --no-create-home \
		--shell /usr/sbin/nologin --comment "provbox SIP phone provisioning" provbox
fi
exit 0
