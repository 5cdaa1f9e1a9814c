#!/bin/bash
# NAME
#   t-health.sh - `mukaika health`: Nagios-style line and exit status
#
# DESCRIPTION
#   Fresh signatures (OK, 0), older than health.db_warn_percent of
#   clamav.max_db_age_hours (WARNING, 1), older than the maximum or an empty
#   directory (CRITICAL, 2); disk thresholds above the free space (WARNING,
#   CRITICAL); a store that cannot open (CRITICAL); the clock check alone
#   (OK or WARNING, never CRITICAL); the daemons' textfiles (fresh and
#   ready OK, not updated WARNING, engine not ready CRITICAL, also in
#   mukaika-health.prom); a bad configuration (2), an unknown
#   --skip name (3); the journald priority prefix under JOURNAL_STREAM.
. "$(dirname "$0")/lib.sh"
mk_init

# hc WANT DESC CONF [ARGS...]: exit code and the "MUKAIKA STATE - " start
hc() {
	local want=$1 desc=$2 conf=$3 rc state; shift 3
	"$MK" health --config "$conf" "$@" > "$T/o" 2> "$T/e"; rc=$?
	case $want in 0) state=OK ;; 1) state=WARNING ;; 2) state=CRITICAL ;; *) state= ;; esac
	if [ "$rc" -ne "$want" ]; then
		mk_fail "$desc: exit $rc, want $want ($(head -c 300 "$T/o" "$T/e" | tr '\n' ' '))"
	elif [ -n "$state" ] && ! grep -q "^MUKAIKA $state - " "$T/o"; then
		mk_fail "$desc: line is not MUKAIKA $state: $(head -c 200 "$T/o")"
	else mk_ok; fi
}
conf() { # conf FILE [extra lines]: the test config plus lines
	local f=$1; shift
	mk_write_conf "$f" "$T/state" "$T/db" "$@"
}

conf "$T/c1" "max_db_age_hours = 24"
hc 0 "fresh signatures" "$T/c1" --skip clock
grep -q "signatures 0 h old (max 24 h)" "$T/o" && mk_ok || mk_fail "no signature age: $(cat "$T/o")"
grep -q "store ok (0 items, 0 held)" "$T/o" && mk_ok || mk_fail "no store status: $(cat "$T/o")"
grep -q "| db_age_h=0;12;24 items=0 held=0 disk_free_pct=" "$T/o" && mk_ok || mk_fail "perfdata: $(cat "$T/o")"

touch -d '13 hours ago' "$T/db"/*
hc 1 "signatures at 54% of the maximum" "$T/c1" --skip clock
grep -q "signatures 13 h old" "$T/o" && mk_ok || mk_fail "age: $(cat "$T/o")"
conf "$T/c2" "max_db_age_hours = 24" "[health]" "db_warn_percent = 60"
hc 0 "below db_warn_percent 60" "$T/c2" --skip clock
touch -d '25 hours ago' "$T/db"/*
hc 2 "stale signatures" "$T/c1" --skip clock
grep -q "stale (max 24 h): mail tempfails" "$T/o" && mk_ok || mk_fail "stale text: $(cat "$T/o")"
conf "$T/c3" "max_db_age_hours = 0"
hc 0 "age not checked (max_db_age_hours = 0)" "$T/c3" --skip clock
touch "$T/db"/*

mkdir -p "$T/empty"
mk_write_conf "$T/c4" "$T/state" "$T/empty"
hc 2 "empty signature directory" "$T/c4" --skip clock,disk,store
grep -q "is empty" "$T/o" && mk_ok || mk_fail "empty text: $(cat "$T/o")"

# disk: thresholds above what is free
free=$(df -P "$T/state" | awk 'NR == 2 { sub(/%/, "", $5); print 100 - $5 }')
if [ "$free" -lt 98 ]; then
	conf "$T/c5" "[health]" "disk_warn_percent = 99" "disk_crit_percent = 0"
	hc 1 "disk below disk_warn_percent" "$T/c5" --skip clock,signatures
	conf "$T/c6" "[health]" "disk_warn_percent = 99" "disk_crit_percent = 99"
	hc 2 "disk below disk_crit_percent" "$T/c6" --skip clock,signatures
else
	mk_skip "disk thresholds: $free% free"
fi

# store: the state directory is a file
: > "$T/notadir"
mk_write_conf "$T/c7" "$T/notadir" "$T/db"
hc 2 "store cannot open" "$T/c7" --skip clock,disk
grep -q "store: " "$T/o" && mk_ok || mk_fail "store text: $(cat "$T/o")"

# clock alone: synchronised or not, never critical
"$MK" health --config "$T/c1" --skip signatures,disk,store > "$T/o" 2>&1; rc=$?
{ [ "$rc" = 0 ] || [ "$rc" = 1 ]; } && grep -q "clock" "$T/o" && mk_ok ||
	mk_fail "clock check: exit $rc: $(cat "$T/o")"

# daemons: what the milter and dropd textfiles say
touch "$T/db"/*
mkdir -p "$T/state/metrics"
prom() { # prom NAME READY AGE_S: a daemon's textfile
	printf 'mukaika_engine_ready{daemon="%s",channel="x"} %s\nmukaika_metrics_timestamp_seconds{daemon="%s",channel="x"} %s\n' \
		"$1" "$2" "$1" "$(( $(date +%s) - $3 ))" > "$T/state/metrics/mukaika-$1.prom"
}
prom milter 1 5
hc 0 "daemons: milter fresh and ready" "$T/c1" --skip clock
grep -q "daemons: milter ok" "$T/o" && mk_ok || mk_fail "daemons text: $(cat "$T/o")"
prom dropd 1 600
hc 1 "daemons: dropd textfile 600 s old" "$T/c1" --skip clock
grep -q "dropd silent for 6[0-9][0-9] s (not running?)" "$T/o" && mk_ok || mk_fail "stale text: $(cat "$T/o")"
prom milter 0 5
hc 2 "daemons: milter engine not ready" "$T/c1" --skip clock
grep -q "milter engine not ready (mail tempfails)" "$T/o" && mk_ok || mk_fail "not ready text: $(cat "$T/o")"
grep -q '^mukaika_health_status{check="daemons"} 2$' "$T/state/metrics/mukaika-health.prom" && mk_ok ||
	mk_fail "health textfile: $(grep daemons "$T/state/metrics/mukaika-health.prom")"
hc 0 "--skip daemons" "$T/c1" --skip clock,daemons
rm -f "$T/state/metrics/mukaika-"*.prom

# journald priority prefix, configuration and usage errors
touch -d '13 hours ago' "$T/db"/*
JOURNAL_STREAM=8:1 "$MK" health --config "$T/c1" --skip clock > "$T/o" 2>&1
grep -q '^<4>MUKAIKA WARNING - ' "$T/o" && mk_ok || mk_fail "no <4> prefix: $(cat "$T/o")"
printf '[general]\nno_such_key = 1\n' > "$T/bad.conf"
hc 2 "configuration does not load" "$T/bad.conf"
hc 3 "unknown check name" "$T/c1" --skip nonsense
hc 3 "stray argument" "$T/c1" extra
mk_finish
