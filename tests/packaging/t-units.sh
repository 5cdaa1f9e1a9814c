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
#   Then, for every daemon's unit, the engine (mukaika sanitize of a mail
#   with a PNG and a PDF: mukaika-worker, its fork server and its own seccomp
#   filter) runs under that unit's SystemCallFilter and
#   MemoryDenyWriteExecute (sdsandbox, as systemd would install them) and
#   must give the same filter results as without: all "ok".
#   Skips (77) when systemd-analyze is missing.
. "$(dirname "$0")/../scripts/lib.sh"
. "$(dirname "$0")/units-lib.sh"
mk_init
SDSANDBOX=${SDSANDBOX:-$MK_BUILDDIR/tests/packaging/sdsandbox}
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

# --- the engine and the worker under each daemon's filter ----------------------
results() { jq -c '[.nodes[] | select(.filter != null) | {filter, filter_result}]' "$1"; }
python3 "$(dirname "$0")/sbmail.py" "$T/sb.eml"
"$MK" sanitize --config "$CONF" --no-store -q -o "$T/plain.out" --report "$T/plain.json" \
	"$T/sb.eml" > /dev/null 2>&1
want=$(results "$T/plain.json")
[ "$want" = '[{"filter":"image","filter_result":"ok"},{"filter":"pdf","filter_result":"ok"}]' ] &&
	mk_ok || mk_fail "unsandboxed run: $want"
for name in mukaika-milter mukaika-dropd mukaika-web; do
	rm -f "$T/sb.json"
	unit_sandbox_run "$UNITS/$name.service" - -- "$MK" sanitize --config "$CONF" \
		--no-store -q -o "$T/sb.out" --report "$T/sb.json" "$T/sb.eml" > "$T/sb.err" 2>&1
	rc=$?
	got=$(results "$T/sb.json" 2> /dev/null)
	if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then mk_ok
	else mk_fail "$name filter: exit $rc, $got ($(head -c 200 "$T/sb.err"))"; fi
done
mk_finish
