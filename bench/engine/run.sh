#!/bin/sh
# NAME
#   bench/engine/run.sh - engine throughput against libclamav and clamscan
#
# SYNOPSIS
#   bench/engine/run.sh [-k mixed|text|repeat] [-n MAILS] [-H HASHES] [-B BODIES]
#                       [-s SEED] BUILDDIR
#
# DESCRIPTION
#   BUILDDIR is a meson build of this tree (use -Dbuildtype=release and no
#   sanitizers for meaningful numbers); its libmukaika.a is linked into
#   bench_engine, compiled here with cc.  Under BUILDDIR/bench-engine/ and
#   reused when present (keyed by the parameters):
#     mails-SEED-N/     N mails from gen_mails.py (default 300, 5 KB-5 MB)
#     db-SEED-H-B/      test.hdb + test.ndb exactly as the unit tests write
#                       them (EICAR, ClamAV-Test-File), plus gen_sigs.py's
#                       bench.hdb (H random MD5 sigs, default 1000000) and
#                       bench.ndb (B random 16-32 byte body sigs, default
#                       100000)
#   Then, in the same run and over the same files:
#     (a) bench_engine full: one mk_engine, mk_engine_process(no_store) per
#         mail, in process (parse, scan, sanitize, rebuild, report);
#     (b) clamscan --no-summary -d DB -f LIST: one process, DB loaded once;
#         its load time is measured by a separate run on one tiny file and
#         subtracted;
#     (c) bench_engine scan: mk_scanner_scan on each whole mail, in process
#         (libclamav alone).
#   Prints load time, seconds, mails/s and MB/s (10^6 bytes) for each, the
#   verdict counts, and the time ratios full/clamscan and full/libclamav
#   (target: full <= 1.5 x libclamav).
#
#   -k text: the same three runs over gen_mails.py --set text (mails without
#   attachments, 1 KiB - 64 KiB; default 2000 mails).
#   -k repeat (issue 17, target 3): gen_mails.py --set repeat (1-2 of the
#   same 20 attachments on every mail; default 2000) and --set twin (mail I
#   without attachments and of the size of repeat's mail I), both with
#   bench_engine store (the quarantine store behind the engine, as the
#   milter), and repeat once more with worker.cache_size = 0.  Prints the
#   CPU per mail of each, the cache counters, and
#     target 3: cpu(repeat) / cpu(twin) <= 1.5  PASS|MISS
#   (the first occurrence of each of the 20 attachments is a miss and is
#   counted in).
#
# DIAGNOSTICS
#   Exit 0 when all three runs completed (whether or not the target is met),
#   1 when one failed, 64 on usage errors.
set -u

usage() { echo "usage: $0 [-k mixed|text|repeat] [-n MAILS] [-H HASHES] [-B BODIES] [-s SEED] BUILDDIR" >&2; exit 64; }
n= hashes=1000000 bodies=100000 seed=20240401 set=mixed
while getopts k:n:H:B:s: o; do
	case $o in
	k) set=$OPTARG ;;
	n) n=$OPTARG ;; H) hashes=$OPTARG ;; B) bodies=$OPTARG ;; s) seed=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
case $set in
mixed) n=${n:-300} ;;
text|repeat) n=${n:-2000} ;;
*) usage ;;
esac
build=$(cd "$1" && pwd) || exit 64
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
w=$build/bench-engine
mails=$w/mails-$seed-$n
[ "$set" = mixed ] || mails=$w/mails-$set-$seed-$n
db=$w/db-$seed-$hashes-$bodies
mkdir -p "$w/state" || exit 1

now() { date +%s.%N; }
die() { echo "bench: $*" >&2; exit 1; }

[ -f "$build/libmukaika.a" ] || die "$build/libmukaika.a not built (meson compile -C $build)"

if [ ! -f "$mails/.done" ]; then
	echo "bench: generating $n mails (seed $seed) in $mails" >&2
	rm -rf "$mails"
	case $set in
	text) python3 "$here/gen_mails.py" --set text --min-size 1024 --max-size 65536 \
		--seed "$seed" --count "$n" "$mails" ;;
	*) python3 "$here/gen_mails.py" --set "$set" --seed "$seed" --count "$n" "$mails" ;;
	esac || die "gen_mails failed"
	touch "$mails/.done"
fi
twin=$w/mails-twin-$seed-$n
if [ "$set" = repeat ] && [ ! -f "$twin/.done" ]; then
	rm -rf "$twin"
	python3 "$here/gen_mails.py" --set twin --seed "$seed" --count "$n" "$twin" ||
		die "gen_mails failed"
	touch "$twin/.done"
fi
if [ ! -f "$db/.done" ]; then
	echo "bench: generating $hashes hash + $bodies body signatures in $db" >&2
	rm -rf "$db"
	python3 "$here/gen_sigs.py" --seed "$seed" --hashes "$hashes" --bodies "$bodies" "$db" ||
		die "gen_sigs failed"
	# test.hdb / test.ndb as tests/unit/testutil.c writes them; EICAR is
	# assembled here, never stored whole
	e='X5O!P%@AP[4\PZX54(P^)7CC)7}$'"EICAR-STANDARD-"'ANTIVIRUS-TEST-FILE!$H+H*'
	printf '%s\n%s\n' "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature" \
		"aa15bcf478d165efd2065190eb473bcb:544:ClamAV-Test-File" >"$db/test.hdb"
	printf 'Eicar-Test-Signature-Body:0:*:%s\n' \
		"$(printf '%s' "$e" | od -An -tx1 -v | tr -d ' \n')" >"$db/test.ndb"
	touch "$db/.done"
fi

conf=$w/bench.conf
printf '[general]\nstate_dir = %s\n[log]\nlevel = error\n[clamav]\ndatabase_dir = %s\nmax_db_age_hours = 0\n[worker]\npath = %s\n' \
	"$w/state" "$db" "$build/src/worker/mukaika-worker" >"$conf"
list=$w/list-$(basename "$mails").txt
find "$mails" -name 'mail-*.eml' | sort >"$list"
nfiles=$(wc -l <"$list")
bytes=$(xargs cat <"$list" | wc -c)

# bench_engine, linked against the build's static library
san=$(meson introspect --buildoptions "$build" 2>/dev/null |
	jq -r '.[] | select(.name == "b_sanitize") | .value' 2>/dev/null)
sanflags=
if [ -n "$san" ] && [ "$san" != none ]; then
	sanflags="-fsanitize=$san"
	echo "bench: WARNING: $build uses sanitizers ($san); numbers are not representative" >&2
fi
iq=
for d in src filters src/common src/model src/engine src/store; do iq="$iq -iquote $src/$d"; done
pkgs="glib-2.0 gmime-3.0 libarchive libclamav libmagic sqlite3 libpq libxml-2.0 uchardet libcrypto libsodium"
be=$w/bench_engine
# shellcheck disable=SC2046,SC2086 # pkg-config output and flag lists are word lists
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE $sanflags $iq $(pkg-config --cflags $pkgs) \
	-o "$be" "$here/bench_engine.c" "$build/libmukaika.a" \
	$(pkg-config --libs $pkgs) -pthread -lm || die "cannot build bench_engine"

if [ "$set" = repeat ]; then
	tlist=$w/list-twin-$seed-$n.txt
	find "$twin" -name 'mail-*.eml' | sort >"$tlist"
	tbytes=$(xargs cat <"$tlist" | wc -c)
	nocache=$w/bench-nocache.conf
	{ cat "$conf"; printf 'cache_size = 0\n'; } >"$nocache"
	rm -rf "$w/state"; mkdir -p "$w/state"
	echo "bench: repeat set, store mode (cache on)" >&2
	rep=$("$be" store "$conf" "$list") || die "bench_engine store (repeat) failed"
	rm -rf "$w/state"; mkdir -p "$w/state"
	echo "bench: twin set (text mails of the same sizes), store mode" >&2
	tw=$("$be" store "$conf" "$tlist") || die "bench_engine store (twin) failed"
	rm -rf "$w/state"; mkdir -p "$w/state"
	echo "bench: repeat set, store mode, worker.cache_size = 0" >&2
	nc=$("$be" store "$nocache" "$list") || die "bench_engine store (no cache) failed"
	kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
	awk -v n="$nfiles" -v b="$bytes" -v tb="$tbytes" -v rc="$(kv "$rep" cpu_s)" \
	    -v tc="$(kv "$tw" cpu_s)" -v nc="$(kv "$nc" cpu_s)" -v h="$hashes" -v bo="$bodies" 'BEGIN {
		printf "repeat benchmark: %d mails (%.1f MB) with 1-2 of the same 20 attachments; twin: %d text mails of the same sizes (%.1f MB); DB: %d MD5 + %d body sigs\n", n, b / 1e6, n, tb / 1e6, h, bo
		printf "%-40s %8s %10s\n", "", "cpu_s", "ms/mail"
		printf "%-40s %8.2f %10.2f\n", "repeat, cache on (store mode)", rc, rc * 1000 / n
		printf "%-40s %8.2f %10.2f\n", "repeat, worker.cache_size = 0", nc, nc * 1000 / n
		printf "%-40s %8.2f %10.2f\n", "twin text mails (store mode)", tc, tc * 1000 / n
		r = rc / tc
		printf "target 3  cpu(repeat, cache) / cpu(twin text mails) = %.2f  (<= 1.50)  %s\n", r, r <= 1.5 ? "PASS" : "MISS"
		printf "          cache saves %.0f %% of the repeat set'"'"'s CPU\n", (1 - rc / nc) * 100
	}'
	echo "cache: $(printf '%s\n' "$rep" | tr ' ' '\n' | grep '^cache_' | tr '\n' ' ')"
	echo "verdicts repeat: $(printf '%s\n' "$rep" | tr ' ' '\n' | grep -E '^(pass|cleaned|stripped|quarantined|rejected|tempfail)=' | tr '\n' ' ')"
	exit 0
fi
echo "bench: (a) mukaika full, in process" >&2
full=$("$be" full "$conf" "$list") || die "bench_engine full failed"
echo "bench: (b) clamscan" >&2
printf 'tiny\n' >"$w/tiny.txt"
# children's CPU seconds (user + sys) from the last line of `times`
cpu_of() { tail -n 1 | tr 'ms' '  ' | awk '{ print $1 * 60 + $2 + $3 * 60 + $4 }'; }
t0=$(now)
cl_cpu=$( (clamscan --no-summary -d "$db" "$w/tiny.txt" >/dev/null 2>&1; times) | cpu_of)
t1=$(now)
ct_out=$( (clamscan --no-summary -i -d "$db" -f "$list" >"$w/clamscan.out" 2>"$w/clamscan.err"
	echo "rc $?"; times) )
t2=$(now)
rc=$(printf '%s\n' "$ct_out" | sed -n 's/^rc //p')
ct_cpu=$(printf '%s\n' "$ct_out" | cpu_of)
[ "$rc" -le 1 ] || die "clamscan failed (rc $rc): $(head -3 "$w/clamscan.err")"
cs_found=$(grep -c 'FOUND$' "$w/clamscan.out")
echo "bench: (c) libclamav in process" >&2
scan=$("$be" scan "$conf" "$list") || die "bench_engine scan failed"

kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
awk -v n="$nfiles" -v b="$bytes" -v h="$hashes" -v bo="$bodies" \
    -v fl="$(kv "$full" load_s)" -v fs="$(kv "$full" secs)" \
    -v t0="$t0" -v t1="$t1" -v t2="$t2" -v clc="$cl_cpu" -v ctc="$ct_cpu" \
    -v fc="$(kv "$full" cpu_s)" -v sc="$(kv "$scan" cpu_s)" \
    -v sl="$(kv "$scan" load_s)" -v ss="$(kv "$scan" secs)" 'BEGIN {
	cl = t1 - t0; cs = (t2 - t1) - cl; if (cs <= 0) cs = 0.001
	cc = ctc - clc; if (cc <= 0) cc = 0.001
	printf "engine benchmark: %d mails, %.1f MB; DB: %d random MD5 + %d random body sigs + test sigs\n", n, b / 1e6, h, bo
	printf "%-30s %7s %7s %7s %8s %7s\n", "", "load_s", "wall_s", "cpu_s", "mails/s", "MB/s"
	row("(a) mukaika full (in-process)", fl, fs, fc)
	row("(b) clamscan (1 process)", cl, cs, cc)
	row("(c) libclamav (in-process)", sl, ss, sc)
	printf "(mails/s and MB/s from wall time; load = DB load, excluded from wall_s/cpu_s)\n"
	printf "ratio mukaika full / clamscan:              wall %.2f  cpu %.2f\n", fs / cs, fc / cc
	printf "ratio mukaika full / libclamav in-process:  wall %.2f  cpu %.2f (target <= 1.50: %s)\n", fs / ss, fc / sc, fc / sc <= 1.5 ? "met" : "NOT met"
}
function row(name, l, t, c) {
	printf "%-30s %7.2f %7.2f %7.2f %8.1f %7.1f\n", name, l, t, c, n / t, b / 1e6 / t
}'
echo "verdicts (a): $(printf '%s\n' "$full" | tr ' ' '\n' | grep -E '^(pass|cleaned|stripped|quarantined|rejected|tempfail)=' | tr '\n' ' ')"
echo "detections: clamscan $cs_found files; libclamav $(kv "$scan" infected) infected, $(kv "$scan" error) errors"
