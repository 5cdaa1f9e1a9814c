#!/bin/bash
# NAME
#   bench/milter/run.sh - Postfix + mukaika-milter against clamav-milter,
#                         amavisd-new and Postfix alone, end to end
#
# SYNOPSIS
#   bench/milter/run.sh [-k mixed|text|repeat] [-n MAILS] [-c CLIENTS] [-m MIN]
#                       [-M MAX] [-s SEED] [-H HASHES] [-B BODIES]
#                       [-o "postfix mukaika clamav amavis"] BUILDDIR
#
# DESCRIPTION
#   One run, one machine, the same mails and the same signature database for
#   every contender.  Inputs, generated once and cached under
#   BUILDDIR/bench-milter/:
#     mails-SEED-N-MIN-MAX/  bench/engine/gen_mails.py --count N (default 2000)
#                            --min-size MIN --max-size MAX (default 2 KiB -
#                            256 KiB, log-uniform; text, HTML, ISO-2022-JP,
#                            PDF/DOCX/images/zips, every 50th with EICAR)
#     mails-text-SEED-N-MIN-MAX/  -k text: gen_mails.py --set text, mails
#                            without attachments (text and HTML, eleven
#                            charset/encoding kinds; default 1 KiB - 64 KiB)
#     mails-repeat-SEED-N/   -k repeat: gen_mails.py --set repeat, 1-2 of the
#                            same 20 attachments on every mail
#     db-SEED-H-B/           bench/engine/gen_sigs.py (H random MD5 = 1 M,
#                            B random 16-32 byte body sigs = 100 k) plus the
#                            test signatures of tests/e2e/lib.sh (e2e_sigdb)
#   Then, one after the other, each behind its own private Postfix (own
#   config dir under a temp dir, smtpd on a free 127.0.0.1 port, relayhost =
#   its own smtp-sink writing one file per mail):
#     postfix   Postfix alone
#     mukaika   smtpd_milters = mukaika-milter (full sanitization; unix socket;
#               max_db_age_hours = 0)
#     clamav    smtpd_milters = clamav-milter -> clamd (unix socket), both
#               started here with their own config files
#     amavis    content_filter = smtp-amavis:[127.0.0.1]:APORT -> amavisd-new
#               (AV only: @bypass_spam_checks_maps = (1); scanner = the same
#               kind of clamd) -> reinjection smtpd on 127.0.0.1:RPORT
#   For each: start, wait until the filter has loaded the DB (one warm-up
#   mail delivered, then the sink emptied), start rss.py on the filter's
#   processes, send every mail with send.py (CLIENTS = 8 connections at a
#   time, X-Bench-Id / X-Bench-Sent headers), wait until the Postfix queue is
#   empty, stop everything.  report.py then prints the table: msgs/s (first
#   send -> last sink file mtime), ratios, added latency p50/p99 (sink mtime -
#   send time - Postfix alone's median), p99 for mails < 100 KB, filter RSS
#   start/peak/end and filter CPU seconds, then each target of issue 17 that
#   this run measures with PASS or MISS (report.py --set SET --clients C).
#   Everything runs on loopback; the system's Postfix, clamd and amavis
#   configurations and services are not used.  Needs root (Postfix), the
#   Debian packages postfix, clamav-daemon, clamav-milter, amavisd-new
#   (installed with apt-get when missing).
#
# FILES
#   BUILDDIR/bench-milter/results-*.txt   the table of each run
#
# DIAGNOSTICS
#   Exit 0 when every contender ran (whether or not targets are met), 1 when
#   one failed to start, 64 on usage errors, 77 when not root.  Everything
#   started here is stopped on exit (trap), by recorded pid.
set -uo pipefail

usage() { sed -n '5,8s/^# \{0,1\}//p' "$0" >&2; exit 64; }
n=2000 clients=8 minsize= maxsize= seed=20240401 hashes=1000000 bodies=100000
only="postfix mukaika clamav amavis" set=mixed
while getopts k:n:c:m:M:s:H:B:o: o; do
	case $o in
	k) set=$OPTARG ;;
	n) n=$OPTARG ;; c) clients=$OPTARG ;; m) minsize=$OPTARG ;; M) maxsize=$OPTARG ;;
	s) seed=$OPTARG ;; H) hashes=$OPTARG ;; B) bodies=$OPTARG ;; o) only=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
case $set in
mixed|repeat) minsize=${minsize:-2048} maxsize=${maxsize:-262144} ;;
text) minsize=${minsize:-1024} maxsize=${maxsize:-65536} ;;
*) usage ;;
esac
build=$(cd "$1" && pwd) || exit 64
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (Postfix)" >&2; exit 77; }
export LC_ALL=C.UTF-8

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: [$(date +%T)] $*" >&2; }
milter_bin=$build/src/milter/mukaika-milter
[ -x "$milter_bin" ] || die "no $milter_bin (meson compile -C $build)"
if ! command -v postfix >/dev/null || [ ! -x /usr/sbin/smtp-sink ] || [ ! -x /usr/sbin/clamd ] ||
   [ ! -x /usr/sbin/clamav-milter ] || [ ! -x /usr/sbin/amavisd ]; then
	log "installing postfix clamav-daemon clamav-milter amavisd-new"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		postfix clamav-daemon clamav-milter amavisd-new >&2 || die "apt-get failed"
fi
san=$(meson introspect --buildoptions "$build" 2>/dev/null |
	jq -r '.[] | select(.name == "b_sanitize") | .value' 2>/dev/null)
[ -n "$san" ] && [ "$san" != none ] &&
	log "WARNING: $build uses sanitizers ($san); numbers are not representative"

# --- inputs -------------------------------------------------------------------
w=$build/bench-milter
sfx=$seed-$n-$minsize-$maxsize
[ "$set" = mixed ] || sfx=$set-$sfx
mails=$w/mails-$sfx
db=$w/db-$seed-$hashes-$bodies
mkdir -p "$w" || exit 1
if [ ! -f "$mails/.done" ]; then
	log "generating $n mails ($minsize-$maxsize bytes, seed $seed) in $mails"
	rm -rf "$mails"
	python3 "$src/bench/engine/gen_mails.py" --seed "$seed" --count "$n" --set "$set" \
		--min-size "$minsize" --max-size "$maxsize" "$mails" || die "gen_mails failed"
	touch "$mails/.done"
fi
if [ ! -f "$db/.done" ]; then
	log "generating $hashes hash + $bodies body signatures in $db"
	rm -rf "$db"
	python3 "$src/bench/engine/gen_sigs.py" --seed "$seed" --hashes "$hashes" \
		--bodies "$bodies" "$db" || die "gen_sigs failed"
	# shellcheck disable=SC1091 # sourced at run time
	(. "$src/tests/e2e/lib.sh" && e2e_sigdb "$db") || die "test signatures failed"
	touch "$db/.done"
fi
chmod -R a+rX "$w"
list=$w/list-$sfx.txt
find "$mails" -name 'mail-*.eml' | sort >"$list"

# --- temp dir and cleanup -----------------------------------------------------
T=$(mktemp -d "${TMPDIR:-/tmp}/mkbench.XXXXXX") || exit 1
chmod 755 "$T"
PIDFILES=()    # every daemon's pid file, stopped in reverse order
PFCONFS=()     # every Postfix config dir started
SAMPLER=

stop_pidfile() {   # FILE
	local pid
	[ -f "$1" ] || return 0
	pid=$(tr -dc '0-9' <"$1")
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
}
stop_all() {
	local i c
	[ -n "$SAMPLER" ] && { kill -TERM "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; SAMPLER=; }
	for c in "${PFCONFS[@]}"; do
		postfix -c "$c" stop >/dev/null 2>&1
		stop_pidfile "$(dirname "$c")/queue/pid/master.pid"
	done
	PFCONFS=()
	for ((i = ${#PIDFILES[@]} - 1; i >= 0; i--)); do stop_pidfile "${PIDFILES[i]}"; done
	PIDFILES=()
}
cleanup() {
	stop_all
	if [ -n "${MK_BENCH_KEEP:-}" ]; then echo "bench: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() {   # SECONDS CMD... : poll CMD every 0.2 s
	local end=$((SECONDS + $1)); shift
	while [ $SECONDS -le $end ]; do "$@" && return 0; sleep 0.2; done
	return 1
}
# shellcheck disable=SC1091 # sourced at run time
. "$here/contenders.sh"

# --- one contender --------------------------------------------------------------
queue_files() { find "$1/pf/queue/incoming" "$1/pf/queue/active" "$1/pf/queue/deferred" \
	"$1/pf/queue/maildrop" "$1/pf/queue/hold" -type f 2>/dev/null | wc -l; }
queue_empty() { [ "$(queue_files "$1")" = 0 ]; }

run_one() {   # NAME
	local name=$1 d=$T/$1 port pf_extra=() pidf=() t0
	mkdir -p "$d"
	port=$(free_port)
	log "$name: starting"
	case $name in
	postfix) ;;
	mukaika) start_mukaika "$d" || return 1; pidf=("$d/milter.pid")
		pf_extra=(milter "unix:$d/milter.sock") ;;
	clamav) start_clamd "$d" || return 1; start_clamav_milter "$d" || return 1
		pidf=("$d/clamd.pid" "$d/cm.pid"); pf_extra=(milter "unix:$d/cm.sock") ;;
	amavis) start_clamd "$d" || return 1; start_amavisd "$d" || return 1
		pidf=("$d/clamd.pid" "$d/amavis/amavisd.pid")
		pf_extra=(amavis "$AMAVIS_PORT" "$AMAVIS_REINJECT") ;;
	esac
	start_postfix "$d" "$port" "${pf_extra[@]}" || return 1
	log "$name: warm-up (filter ready?)"
	printf 'From: warm@example.org\nTo: warm@lgwan.example\nSubject: warm-up\n\nwarm-up\n' >"$d/warm.eml"
	echo "$d/warm.eml" >"$d/warm.list"
	python3 "$here/send.py" --port "$port" --clients 1 --tries 120 "$d/warm.list" "$d/warm.tsv" ||
		{ log "$name: warm-up mail not accepted: $(cat "$d/warm.tsv")"; return 1; }
	wait_for 120 queue_empty "$d" || { log "$name: warm-up not delivered"; return 1; }
	rm -f "$d/sink/"mail.*
	if [ ${#pidf[@]} -gt 0 ]; then
		python3 "$here/rss.py" "$d/rss.tsv" "${pidf[@]}" &
		SAMPLER=$!
	fi
	log "$name: sending $(wc -l <"$list") mails with $clients clients"
	t0=$SECONDS
	python3 "$here/send.py" --port "$port" --clients "$clients" "$list" "$d/sent.tsv" ||
		log "$name: some mails got no final reply"
	log "$name: sent in $((SECONDS - t0)) s; waiting for the queue to drain"
	wait_for 900 queue_empty "$d" || log "$name: queue not empty after 900 s ($(queue_files "$d") files)"
	sleep 1
	log "$name: done in $((SECONDS - t0)) s; sink has $(find "$d/sink" -type f | wc -l) mails"
	stop_all
	return 0
}

failed=
for c in $only; do
	run_one "$c" || { failed="$failed $c"; log "$c FAILED; logs under $T/$c"; MK_BENCH_KEEP=1; stop_all; }
done
out=$w/results-$(date +%Y%m%d-%H%M%S).txt
{
	echo "milter benchmark, commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "mails: $(wc -l <"$list") from gen_mails.py --set $set (seed $seed, $minsize-$maxsize bytes, $(du -sb "$mails" | cut -f1) bytes total); DB: $hashes MD5 + $bodies body sigs + test sigs; $clients clients"
	# shellcheck disable=SC2086 # $only is a word list
	python3 "$here/report.py" --set "$set" --clients "$clients" "$T" $only
	[ -f "$T/mukaika/milter.log" ] && echo "mukaika verdicts: $(grep -o 'verdict=[a-z]*' "$T/mukaika/milter.log" |
		sort | uniq -c | awk '{ printf "%s=%s ", substr($2, 9), $1 }')"
	[ -f "$T/clamav/clamav-milter.log" ] &&
		echo "clamav-milter infected: $(grep -c 'infected by' "$T/clamav/clamav-milter.log")"
	[ -f "$T/amavis/amavis/amavis.log" ] &&
		echo "amavisd: $(grep -c 'Blocked INFECTED .*{' "$T/amavis/amavis/amavis.log") blocked infected, $(grep -c 'Passed CLEAN {' "$T/amavis/amavis/amavis.log") passed clean"
	[ -n "$failed" ] && echo "FAILED:$failed"
} | tee "$out"
[ -z "$failed" ]
