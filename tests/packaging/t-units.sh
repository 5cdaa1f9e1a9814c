#!/bin/bash
# NAME
#   t-units.sh - the systemd units of packaging/systemd/ are hardened and valid
#
# DESCRIPTION
#   For every service: `systemd-analyze security --offline=true` exposure at
#   most MK_UNIT_MAX_EXPOSURE (default 2.0, the packaging target), the
#   settings the daemons rely on (User=mukaika, no root start, reload by
#   SIGHUP, the seccomp syscall for mukaika-worker's own filter).  For every
#   unit: `systemd-analyze verify`, where the only complaint allowed is a
#   program under /usr that is not installed on this machine (the package
#   test, t-deb.sh, verifies the installed units without that exception).
#   Skips (77) when systemd-analyze is missing.
. "$(dirname "$0")/../scripts/lib.sh"
mk_init
MAX=${MK_UNIT_MAX_EXPOSURE:-2.0}
UNITS=$MK_SRCDIR/packaging/systemd
command -v systemd-analyze > /dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
export SYSTEMD_LOG_COLOR=0 SYSTEMD_COLORS=0

# exposure UNIT: the "Overall exposure level" number
exposure() {
	systemd-analyze security --offline=true --no-pager "$1" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}

n=0
for u in "$UNITS"/*.service; do
	name=$(basename "$u")
	e=$(exposure "$u")
	if [ -z "$e" ]; then mk_fail "$name: no exposure level"
	elif awk -v e="$e" -v m="$MAX" 'BEGIN { exit !(e <= m) }'; then mk_ok
	else mk_fail "$name: exposure $e > $MAX"; fi
	echo "$name: exposure $e"
	grep -qx 'User=mukaika' "$u" && mk_ok || mk_fail "$name: not User=mukaika"
	grep -q '^SystemCallFilter=@system-service.* seccomp' "$u" && mk_ok ||
		mk_fail "$name: SystemCallFilter lacks seccomp (mukaika-worker's own filter)"
	grep -qx 'NoNewPrivileges=yes' "$u" && mk_ok || mk_fail "$name: no NoNewPrivileges"
	case "$name" in
	mukaika-milter.service|mukaika-dropd.service|mukaika-web.service)
		grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$u" && mk_ok ||
			mk_fail "$name: reload is not SIGHUP" ;;
	esac
	n=$((n + 1))
done
[ "$n" -ge 3 ] && mk_ok || mk_fail "only $n services in $UNITS"

for u in "$UNITS"/*.service "$UNITS"/*.timer; do
	[ -e "$u" ] || continue
	(cd "$UNITS" && systemd-analyze verify --man=no "$(basename "$u")") > "$T/verify" 2>&1
	grep -v 'Command /usr/[^ ]* is not executable: No such file or directory' "$T/verify" |
		grep -v '^ *$' > "$T/verify.rest"
	if [ -s "$T/verify.rest" ]; then
		mk_fail "$(basename "$u"): $(head -3 "$T/verify.rest" | tr '\n' ' ')"
	else mk_ok; fi
done
mk_finish
