#!/bin/bash
# NAME
#   t-clamdpool.sh - clamav.backend = clamd against two real clamd
#
# DESCRIPTION
#   Starts two private clamd (foreground, own config, unix sockets in the
#   temp dir) on a small dated test database (mkcud.py: a daily.cud with
#   the EICAR signatures, so VERSION reports a date).  Through
#   `mukaika sanitize` with backend = clamd: a clean file passes (0), EICAR
#   is refused (3) with the virus finding and its name, data over clamd's
#   StreamMaxLength is not passed; with one clamd killed both still work
#   through the other; with both killed the item tempfails (75); a pool
#   whose database is old (2020) tempfails (75).  Skips without clamd.
. "$(dirname "$0")/lib.sh"
command -v clamd > /dev/null 2>&1 || [ -x /usr/sbin/clamd ] || { mk_skip "no clamd"; mk_finish; }
CLAMD=$(command -v clamd || echo /usr/sbin/clamd)
mk_init
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null; done; rm -rf "$T"' EXIT

# start_clamd NAME DBDIR: a foreground clamd on $T/NAME.sock; its pid in PIDS.
start_clamd() {
	local n=$1 i
	printf '%s\n' "Foreground yes" "LocalSocket $T/$n.sock" \
		"DatabaseDirectory $2" "LogFile $T/$n.log" "PidFile $T/$n.pid" \
		"StreamMaxLength 1M" "User $(id -un)" > "$T/$n.conf"
	"$CLAMD" -c "$T/$n.conf" > /dev/null 2>&1 &
	PIDS+=("$!")
	eval "PID_$n=$!"
	for ((i = 0; i < 300; i++)); do
		[ -S "$T/$n.sock" ] && return 0
		sleep 0.1
	done
	mk_fail "clamd $n did not start ($(tail -n 3 "$T/$n.log" | tr '\n' ' '))"
	return 1
}

mkdb() { # DIR STIME
	mkdir -p "$1"
	mk_py "$LIB_DIR/mkcud.py" "$1/daily.cud" "$2" "$T/db/test.hdb" "$T/db/test.ndb"
}

# run WANT DESC CONF FILE: sanitize FILE, compare the exit code.
run() {
	local want=$1 desc=$2 rc
	rm -f "$T/o" "$T/r.json"
	"$MK" sanitize --config "$3" --no-store -o "$T/o" --report "$T/r.json" \
		"$4" > /dev/null 2> "$T/e" < /dev/null
	rc=$?
	if [ "$rc" -eq "$want" ]; then mk_ok; else
		mk_fail "$desc: exit $rc, want $want ($(head -c 300 "$T/e" | tr '\n' ' '))"
	fi
}

mkdb "$T/fresh" "$(date +%s)"
mkdb "$T/stale" 1577836800
start_clamd a "$T/fresh" && start_clamd b "$T/fresh" && start_clamd s "$T/stale" ||
	mk_finish

POOL="backend = clamd
clamd_sockets = unix:$T/a.sock; unix:$T/b.sock
clamd_connect_timeout_ms = 500
clamd_io_timeout_ms = 5000"
mk_write_conf "$T/pool.conf" "$T/state" "$T/nodb" "$POOL"
mk_write_conf "$T/stale.conf" "$T/state" "$T/nodb" "backend = clamd" \
	"clamd_sockets = unix:$T/s.sock"
printf 'A plain clean file.\n' > "$T/clean.txt"
head -c 2000000 /dev/zero | tr '\0' 'a' > "$T/big.txt"

run 0 "clean file through the pool" "$T/pool.conf" "$T/clean.txt"
run 0 "clean file, second member" "$T/pool.conf" "$T/clean.txt"
run 3 "EICAR through the pool" "$T/pool.conf" "$T/eicar.com"
grep -q 'Eicar-Test-Signature' "$T/r.json" && mk_ok ||
	mk_fail "EICAR report does not name the signature"
mk_has_code "$T/r.json" virus && mk_ok || mk_fail "EICAR: no virus finding"
grep -q 'clamd pool' "$T/r.json" && mk_ok || mk_fail "report does not name the clamd pool"
"$MK" sanitize --config "$T/pool.conf" --no-store -o "$T/o" --report "$T/r.json" \
	"$T/big.txt" > /dev/null 2>&1 < /dev/null
rc=$?
{ [ "$rc" -ne 0 ] && mk_has_code "$T/r.json" limit; } && mk_ok ||
	mk_fail "over StreamMaxLength: exit $rc, codes $(mk_codes "$T/r.json" | tr '\n' ' ')"

kill "$PID_a"; wait "$PID_a" 2> /dev/null
for i in 1 2 3; do
	run 0 "clean, clamd a dead ($i)" "$T/pool.conf" "$T/clean.txt"
	run 3 "EICAR, clamd a dead ($i)" "$T/pool.conf" "$T/eicar.com"
done
kill "$PID_b"; wait "$PID_b" 2> /dev/null
run 75 "clean, all clamd dead" "$T/pool.conf" "$T/clean.txt"
run 75 "EICAR, all clamd dead" "$T/pool.conf" "$T/eicar.com"
[ -s "$T/o" ] && mk_fail "tempfail wrote an output file" || mk_ok
run 75 "stale signature database" "$T/stale.conf" "$T/clean.txt"
grep -q 'hours old' "$T/e" && mk_ok || mk_fail "stale: message does not say the age"
mk_finish
