#!/bin/bash
# NAME
#   run.sh - run the miltertest scripts (tests/milter/t-*.lua) against
#            mukaika-milter
#
# SYNOPSIS
#   tests/milter/run.sh [t-NAME.lua ...]
#
# DESCRIPTION
#   Makes a temp dir with a test signature database (EICAR and ClamAV test
#   file, EICAR built from pieces), a config (unix socket, 1M message cap) and
#   starts $MK_BUILDDIR/src/milter/mukaika-milter --foreground on it; runs each
#   script with `miltertest -D sock=... -D libdir=...`; stops the milter and
#   removes the temp dir at exit, whatever happens.
#   miltertest (1.0.0) crashes ("stack smashing") on a reply packet over
#   ~1 KB, so the scripts keep rebuilt bodies small; big bodies are covered
#   by tests/e2e with real Postfix.
#
# EXIT STATUS
#   0 all scripts passed, 1 any failed, 77 miltertest or the binary missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${MK_SRCDIR:-$(cd "$here/../.." && pwd)}
build=${MK_BUILDDIR:-$src/build}
bin=${MM_MILTER_BIN:-$build/src/milter/mukaika-milter}
command -v miltertest >/dev/null || { echo "SKIP: no miltertest"; exit 77; }
[ -x "$bin" ] || { echo "SKIP: no $bin"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mkmt.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$src/tests/e2e/lib.sh"
e2e_sigdb "$T/db"
cat >"$T/mukaika.conf" <<CONF
[general]
state_dir = $T/state
user =
[log]
file = $T/milter.log
level = info
[limits]
max_message_size = 1M
[clamav]
database_dir = $T/db
max_db_age_hours = 0
[milter]
socket = unix:$T/m.sock
CONF
"$bin" --check --config "$T/mukaika.conf" >/dev/null || { echo "FAIL: --check"; exit 1; }
"$bin" --foreground --config "$T/mukaika.conf" 2>>"$T/milter.log" &
pid=$!
for _ in $(seq 100); do [ -S "$T/m.sock" ] && break; sleep 0.1; done
[ -S "$T/m.sock" ] || { echo "FAIL: milter did not open its socket"; cat "$T/milter.log"; exit 1; }

scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=("$here"/t-*.lua)
nfail=0
for s in "${scripts[@]}"; do
	[ -f "$s" ] || s=$here/$s
	start=$(date +%s%N)
	if out=$(miltertest -D sock="unix:$T/m.sock" -D libdir="$here" -s "$s" 2>&1); then
		echo "ok   $(basename "$s") ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
	else
		nfail=$((nfail + 1))
		echo "FAIL $(basename "$s"):"
		printf '%s\n' "$out" | sed 's/^/    /' | tail -20
	fi
	kill -0 "$pid" 2>/dev/null || { echo "FAIL: milter died after $(basename "$s")"; nfail=$((nfail + 1)); pid=; break; }
done
if [ $nfail -gt 0 ]; then
	echo "--- milter log (last 30 lines)"; tail -30 "$T/milter.log"
	exit 1
fi
exit 0
