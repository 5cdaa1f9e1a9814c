# shellcheck shell=bash disable=SC2016 # python code in single quotes
# NAME
#   lib.sh - shared helpers for the shell-level tests (tests/scripts/t-*.sh)
#
# SUMMARY
#   . "$(dirname "$0")/lib.sh"
#   mk_init            temp dir $T (removed at exit), test config $CONF,
#                      signature DB $T/db, binary $MK, verifier $MKVERIFY
#   mk_eicar FILE      write the 68-byte EICAR string (built from pieces)
#   mk_sigdb DIR       test.hdb + test.ndb (EICAR, ClamAV-Test-File)
#   mk_codes R.json    finding codes of a report, one per line
#   mk_ok / mk_fail MSG / mk_skip MSG / mk_finish
#   mk_py ARGS...      python3 with tests/scripts (mkcheck.py) and
#                      tests/evasion (absent.py) importable, no .pyc written
#   mk_batch LIST DIR  one `mukaika sanitize` per row "ID<TAB>INPUT<TAB>ARG..."
#                      of LIST: DIR/ID.out, DIR/ID.json, DIR/ID.err, and
#                      "ID<TAB>EXIT" lines in DIR/rc.tsv; MK_BATCH_JOBS
#                      (default: nproc) runs at a time
#   mk_schema_later R.json LABEL / mk_schema_batch: keep a copy of a report,
#                      then validate all kept reports in one python3
#   mk_judge ARGS...   run a judge (mk_py ARGS...) that prints FAIL:/SKIP:
#                      lines and ends with "MKTALLY P F S" (mkcheck.Tally);
#                      adds those to the counters; no tally = a failure
#
# DESCRIPTION
#   Environment from meson test: MK_BUILDDIR, MK_SRCDIR, MK_SHARED,
#   MK_TESTFILES; sensible defaults when a script is run by hand from the
#   source tree (MK_BUILDDIR defaults to ./build).  Never prints file contents
#   of hostile inputs; prints one line per failure, then a tally.
#
# EXIT STATUS (mk_finish)
#   0 all checks passed, 1 any failed, 77 nothing could be checked (skip).

set -u
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MK_SRCDIR=${MK_SRCDIR:-$(cd "$LIB_DIR/../.." && pwd)}
MK_BUILDDIR=${MK_BUILDDIR:-$MK_SRCDIR/build}
MK_SHARED=${MK_SHARED:-$MK_SRCDIR/../shared}
MK_TESTFILES=${MK_TESTFILES:-/usr/share/clamav-testfiles}
MK=${MK:-$MK_BUILDDIR/src/cli/mukaika}
MKVERIFY=${MKVERIFY:-$MK_BUILDDIR/tests/tools/mkverify}
export LC_ALL=C.UTF-8

MK_NPASS=0
MK_NFAIL=0
MK_NSKIP=0

mk_ok() { MK_NPASS=$((MK_NPASS + 1)); }
mk_fail() { MK_NFAIL=$((MK_NFAIL + 1)); echo "FAIL: $*"; }
mk_skip() { MK_NSKIP=$((MK_NSKIP + 1)); echo "SKIP: $*"; }
mk_die() { echo "ERROR: $*"; exit 1; }

mk_finish() {
	echo "$(basename "$0"): $MK_NPASS passed, $MK_NFAIL failed, $MK_NSKIP skipped"
	[ "$MK_NFAIL" -eq 0 ] || exit 1
	[ "$MK_NPASS" -gt 0 ] || exit 77
	exit 0
}

# EICAR from two halves so the whole string never sits in the repository.
mk_eicar() {
	printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$1"
}

mk_sigdb() {
	local d=$1 hex
	mkdir -p "$d"
	mk_eicar "$d/.eicar"
	hex=$(od -An -v -tx1 "$d/.eicar" | tr -d ' \n')
	{
		echo "$(md5sum < "$d/.eicar" | cut -d' ' -f1):68:Eicar-Test-Signature"
		echo "aa15bcf478d165efd2065190eb473bcb:544:ClamAV-Test-File"
	} > "$d/test.hdb"
	echo "Eicar-Test-Signature-Body:0:*:$hex" > "$d/test.ndb"
	rm -f "$d/.eicar"
}

# mk_write_conf FILE STATE DB [extra lines...]
mk_write_conf() {
	local f=$1 st=$2 db=$3; shift 3
	{
		printf '[general]\nstate_dir = %s\n' "$st"
		printf '[clamav]\ndatabase_dir = %s\n' "$db"
		for l in "$@"; do printf '%s\n' "$l"; done
	} > "$f"
}

mk_init() {
	[ -x "$MK" ] || mk_die "no binary $MK (build first)"
	"$MK" --version > /dev/null 2>&1 || mk_die "$MK --version failed"
	T=$(mktemp -d "${TMPDIR:-/tmp}/mkt.XXXXXX")
	trap 'rm -rf "$T"' EXIT
	mkdir -p "$T/state" "$T/out"
	mk_sigdb "$T/db"
	CONF=$T/mukaika.conf
	mk_write_conf "$CONF" "$T/state" "$T/db"
	mk_eicar "$T/eicar.com"
}

mk_codes() {
	[ -s "$1" ] || return 0
	jq -r '[.nodes[]?.findings[]?.code] | unique | .[]' "$1" 2>/dev/null
}

mk_has_code() { mk_codes "$1" | grep -qx "$2"; }

mk_py() {
	PYTHONDONTWRITEBYTECODE=1 \
	PYTHONPATH="$LIB_DIR:$MK_SRCDIR/tests/evasion${PYTHONPATH:+:$PYTHONPATH}" \
		python3 "$@"
}

# mk_mail_with FILE NAME TYPE OUT: a mail with FILE as a base64 attachment.
mk_mail_with() { mk_py "$LIB_DIR/mkcheck.py" mail "$@"; }

mk_batch_shard() { # LIST DIR: the rows of one shard, in order
	local id in rc
	local -a args
	while IFS=$'\t' read -r -a args; do
		id=${args[0]} in=${args[1]}
		"$MK" sanitize --config "$CONF" --no-store -o "$2/$id.out" \
			--report "$2/$id.json" "${args[@]:2}" "$in" \
			> /dev/null 2> "$2/$id.err" < /dev/null
		rc=$?
		printf '%s\t%s\n' "$id" "$rc" >> "$2/rc.tsv"   # one short write: atomic
	done < "$1"
}

# Rows are dealt to MK_BATCH_JOBS shards (default: the number of cores) that
# run side by side; every run has its own output files, and --no-store
# keeps them off the shared state directory.
mk_batch() {
	local list=$1 dir=$2 jobs=${MK_BATCH_JOBS:-$(nproc 2>/dev/null || echo 1)} i
	mkdir -p "$dir"
	: > "$dir/rc.tsv"
	[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
	awk -v n="$jobs" -v d="$dir" '{ print > (d "/shard." (NR % n)) }' "$list"
	for ((i = 0; i < jobs; i++)); do
		[ -f "$dir/shard.$i" ] && mk_batch_shard "$dir/shard.$i" "$dir" &
	done
	wait
}

MK_NSCHEMA=0
mk_schema_later() {
	local f=$T/schema/$MK_NSCHEMA.json
	MK_NSCHEMA=$((MK_NSCHEMA + 1))
	mkdir -p "$T/schema"
	cp "$1" "$f" 2>/dev/null || : > "$f"
	printf '%s\t%s\n' "$f" "$2" >> "$T/schema/list"
}

mk_schema_batch() {
	[ -s "$T/schema/list" ] || return 0
	mk_judge "$LIB_DIR/mkcheck.py" schema "$T/schema/list" "$MK_SRCDIR/docs/report-schema.json"
}

mk_judge() {
	local line p f s got=0
	while IFS= read -r line; do
		case $line in
		"MKTALLY "*)
			read -r _ p f s <<< "$line"
			MK_NPASS=$((MK_NPASS + p)); MK_NFAIL=$((MK_NFAIL + f))
			MK_NSKIP=$((MK_NSKIP + s)); got=1 ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < <(mk_py "$@")
	[ "$got" = 1 ] || mk_fail "judge ${1:-?} ended without a tally (crashed?)"
}

# mk_sanitize IN OUT REPORT [args...]: run sanitize, echo the exit code.
mk_sanitize() {
	local in=$1 out=$2 rep=$3; shift 3
	rm -f "$out" "$rep"
	"$MK" sanitize --config "$CONF" --no-store -o "$out" --report "$rep" "$@" "$in" \
		> "$T/last.stdout" 2> "$T/last.stderr"
	echo $?
}

# True if FILE contains the bytes of NEEDLE-FILE (binary safe).
mk_contains() {
	python3 -c 'import sys; sys.exit(0 if open(sys.argv[2],"rb").read() in open(sys.argv[1],"rb").read() else 1)' "$1" "$2"
}

# mk_body_text MAIL: the decoded text of every text/plain part (UTF-8).
mk_body_text() {
	python3 - "$1" <<'PY'
import email, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read())
for p in msg.walk():
    if p.get_content_type() == "text/plain":
        d = p.get_payload(decode=True) or b""
        sys.stdout.write(d.decode(p.get_content_charset() or "utf-8", "replace") + "\n")
PY
}

# mk_schema REPORT.json: validate against docs/report-schema.json; prints the
# first violation and returns 1 when invalid.
mk_schema() {
	mk_py -c 'import sys, mkcheck
why = mkcheck.schema_error(sys.argv[2], sys.argv[1])
if why:
    print(why)
sys.exit(1 if why else 0)' "$MK_SRCDIR/docs/report-schema.json" "$1"
}
