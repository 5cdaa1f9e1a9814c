# NAME
#   lib.sh - helpers for the end-to-end tests (tests/e2e/t-*.sh) and the
#            miltertest runner
#
# SUMMARY
#   . tests/e2e/lib.sh
#   e2e_sigdb DIR           test signature DB (EICAR + ClamAV-Test-File)
#   e2e_eicar FILE          the 68-byte EICAR string, built from two halves
#   e2e_start [EXTRA_CONF]  start a private gateway under $T (gateway-start.sh),
#                           sourcing its gateway.env (GW_* variables)
#   e2e_stop                stop it (also from the EXIT trap)
#   e2e_swaks ARGS...       swaks to the gateway port, quiet; exit code kept
#   e2e_wait_queue_empty S  wait up to S seconds for the Postfix queue to empty
#   e2e_queue_count         messages in the Postfix queue
#   e2e_sink_count          delivered mails in the sink
#   e2e_sink_by_sender ADDR delivered mail whose envelope sender is ADDR
#   e2e_wait_sink N S       wait up to S seconds for N delivered mails
#   e2e_privs NAME PID      PID and its descendants hold no uid/gid 0
#   ok MSG / fail MSG / finish
#
# DESCRIPTION
#   Everything lives in one temp dir $T removed at exit; processes started
#   here are stopped by their recorded ids.  Needs root (Postfix).
set -u
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MK_SRCDIR=${MK_SRCDIR:-$(cd "$E2E_DIR/../.." && pwd)}
MK_BUILDDIR=${MK_BUILDDIR:-$MK_SRCDIR/build}
export LC_ALL=C.UTF-8
E2E_PASS=0
E2E_FAIL=0

ok() { E2E_PASS=$((E2E_PASS + 1)); echo "ok   [${SECONDS}s] $*"; }
fail() { E2E_FAIL=$((E2E_FAIL + 1)); echo "FAIL [${SECONDS}s] $*"; }

e2e_eicar() {
	printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$1"
}

e2e_sigdb() {
	local d=$1
	mkdir -p "$d"
	e2e_eicar "$d/.e"
	{
		echo "$(md5sum <"$d/.e" | cut -d' ' -f1):68:Eicar-Test-Signature"
		echo "aa15bcf478d165efd2065190eb473bcb:544:ClamAV-Test-File"
	} >"$d/test.hdb"
	echo "Eicar-Test-Signature-Body:0:*:$(od -An -v -tx1 "$d/.e" | tr -d ' \n')" >"$d/test.ndb"
	rm -f "$d/.e"
}

e2e_finish() {
	echo "$(basename "$0"): $E2E_PASS passed, $E2E_FAIL failed ($SECONDS s)"
	if [ "$E2E_FAIL" -gt 0 ]; then
		echo "--- milter log (last 20 lines)"; tail -20 "${GW_MILTER_LOG:-/dev/null}" 2>/dev/null
		echo "--- postfix log (last 20 lines)"; tail -20 "${GW_DIR:-/nonexistent}/postfix/maillog" 2>/dev/null
		exit 1
	fi
	exit 0
}

e2e_stop() {
	if [ -n "${T:-}" ] && [ -f "$T/gw/gateway.env" ]; then
		"$MK_SRCDIR/scripts/gateway-stop.sh" --dir "$T/gw" >/dev/null 2>&1
	fi
}

e2e_cleanup() {
	e2e_stop
	[ -n "${T:-}" ] && rm -rf "$T"
}

e2e_init() {
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (Postfix)"; exit 77; }
	command -v postfix >/dev/null && command -v swaks >/dev/null ||
		{ echo "SKIP: postfix or swaks missing (scripts/install-deps.sh)"; exit 77; }
	[ -x "$MK_BUILDDIR/src/milter/mukaika-milter" ] ||
		{ echo "SKIP: no mukaika-milter in $MK_BUILDDIR"; exit 77; }
	T=$(mktemp -d "${TMPDIR:-/tmp}/mke2e.XXXXXX")
	chmod 755 "$T"
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM
}

# e2e_start [EXTRA_CONF_FILE]
e2e_start() {
	local extra=()
	[ $# -gt 0 ] && extra=(--extra-conf "$1")
	"$MK_SRCDIR/scripts/gateway-start.sh" --dir "$T/gw" --builddir "$MK_BUILDDIR" \
		"${extra[@]}" >"$T/gateway-start.out" 2>&1 || {
		echo "ERROR: gateway did not start"; cat "$T/gateway-start.out"; exit 1; }
	# shellcheck disable=SC1091
	. "$T/gw/gateway.env"
}

# e2e_swaks PORT ARGS... : output in $T/swaks.out, exit code returned
e2e_swaks() {
	local port=$1; shift
	swaks --server "127.0.0.1:$port" --helo client.example --from sender@example.org \
		--to user@lgwan.example --timeout 60 "$@" >"$T/swaks.out" 2>&1
}

# Last server reply code after DATA in $T/swaks.out (e.g. 250, 550).
e2e_last_code() {
	grep -E '^<~? *[0-9]{3}[ -]' "$T/swaks.out" | tail -2 | head -1 | sed -E 's/^<~? *([0-9]{3}).*/\1/'
}

e2e_queue_count() {
	postqueue -c "$GW_POSTFIX_CONF" -j 2>/dev/null | grep -c '"queue_id"'
}

e2e_wait_queue_empty() {
	local end=$((SECONDS + $1))
	while [ $SECONDS -le $end ]; do
		[ "$(e2e_queue_count)" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}

e2e_sink_count() {
	find "$GW_SINK_DIR" -type f -name 'mail.*' | wc -l
}

e2e_wait_sink() {
	local end=$((SECONDS + $2))
	while [ $SECONDS -le $end ]; do
		[ "$(e2e_sink_count)" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# Newest delivered mail file whose content matches PATTERN (grep -l).
e2e_sink_find() {
	grep -l -r -- "$1" "$GW_SINK_DIR" 2>/dev/null | head -1
}

# Delivered mail file whose envelope sender (smtp-sink's X-Mail-Args
# line, written from MAIL FROM) is ADDR; "" when none.
e2e_sink_by_sender() {
	grep -l -r -i -F -- "<$1>" "$GW_SINK_DIR" 2>/dev/null |
		xargs -r grep -l -i -E -- "^X-Mail-Args: *<$1>" 2>/dev/null | head -1
}

# e2e_privs NAME PID: PID and every process below it (the worker fork
# server, workers) run with no uid or gid 0 (real, effective, saved, fs)
# and no supplementary group 0; ok/fail with their names and ids.
e2e_privs() {
	local name=$1 pid=$2 p bad= n=0 u g gr
	if ! [ -d "/proc/$pid" ]; then fail "$name: process $pid not running"; return; fi
	for p in $pid $(ps -e -o pid=,ppid= | awk -v root="$pid" '
		{ kids[$2] = kids[$2] " " $1 }
		END { q = root; while (q != "") { split(q, a, " "); q = "";
			for (i in a) { n = split(kids[a[i]], c, " ");
				for (j = 1; j <= n; j++) { print c[j]; q = q " " c[j] } } } }'); do
		[ -r "/proc/$p/status" ] || continue
		u=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$p/status")
		g=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$p/status")
		gr=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$p/status")
		n=$((n + 1))
		case " $u $g $gr " in
		*" 0 "*) bad="$bad $(cat "/proc/$p/comm" 2>/dev/null)[$p] uid=($u) gid=($g) groups=($gr);" ;;
		esac
	done
	if [ -z "$bad" ]; then ok "$name: $n process(es), none with uid/gid 0"
	else fail "$name runs privileged:$bad"; fi
}

# Reply to the end of DATA in $T/swaks.out: the line after " -> .".
e2e_data_reply() {
	awk '/^ -> \.$/ { getline; print; exit }' "$T/swaks.out"
}
e2e_data_code() {
	e2e_data_reply | sed -E 's/^<(-|\*\*) +([0-9]{3}).*/\2/'
}

# e2e_wait_deferred N SECONDS: N messages in the deferred queue
e2e_wait_deferred() {
	local end=$((SECONDS + $2))
	while [ $SECONDS -le $end ]; do
		[ "$(postqueue -c "$GW_POSTFIX_CONF" -j 2>/dev/null | grep -c '"queue_name": *"deferred"')" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# e2e_wait_log PATTERN N SECONDS: N lines matching PATTERN in the milter log
e2e_wait_log() {
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(grep -c -- "$1" "$GW_MILTER_LOG" 2>/dev/null)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
