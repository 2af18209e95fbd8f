#!/bin/sh
# provbox postinstall (deb postinst, rpm %post): make sure the user and the
# state directory exist, tell systemd about the unit, and restart a running
# daemon after an upgrade. It never enables or starts the service on a
# fresh install: the admin must first name the DHCP interface and the
# address phones reach this box at in /etc/provbox/provbox.toml.
set -e

# deb: "configure" [last configured version]; rpm: 1 on install, 2+ on
# upgrade (rpm restarts a running daemon in %postun instead).
upgrade=false
restart=false
case "$1" in
configure)
	if [ -n "$2" ]; then
		upgrade=true
		restart=true
	fi
	;;
[0-9]*)
	if [ "$1" -ge 2 ]; then
		upgrade=true
	fi
	;;
*) exit 0 ;;
esac

if ! getent passwd provbox >/dev/null 2>&1; then
	if command -v systemd-sysusers >/dev/null 2>&1; then
		systemd-sysusers /usr/lib/sysusers.d/provbox.conf
	else
		getent group provbox >/dev/null 2>&1 || groupadd --system provbox
		useradd --system --gid provbox --home-dir /var/lib/provbox --no-create-home \
			--shell /usr/sbin/nologin --comment "provbox SIP phone provisioning" provbox
	fi
fi

if command -v systemd-tmpfiles >/dev/null 2>&1; then
	systemd-tmpfiles --create /usr/lib/tmpfiles.d/provbox.conf
else
	install -d -m 0700 -o provbox -g provbox /var/lib/provbox
fi

if [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
	if [ "$restart" = true ]; then
		systemctl try-restart provbox.service || true
	fi
fi

if [ "$upgrade" = false ] && ! systemctl -q is-enabled provbox.service 2>/dev/null; then
	cat <<'MSG'
provbox is installed but not enabled. Set [server] advertise and the
[dhcp] interfaces in /etc/provbox/provbox.toml, then:
    provbox check -c /etc/provbox/provbox.toml
    systemctl enable --now provbox
MSG
fi
exit 0
