#!/bin/bash
# NAME
#   t-dropd-once.sh - mukaika-dropd --once on real files: verdicts, names,
#   symlinks and special files, idempotent re-runs, recovery, no database
#
# DESCRIPTION
#   Command line (--help/--version/usage/config errors); an empty signature
#   database leaves every file in in/ (exit 75, nothing in out/); then with
#   the test database: text passes unchanged with a report, EICAR and the
#   ClamAV test PDF are blocked with a notice naming the quarantine id;
#   hostile names (RTLO, controls, newline, overlong, leading dots) are
#   neutralised; a symlink, a symlinked folder and a FIFO are not followed
#   but moved to work/rejected/ with a notice; the same file dropped again
#   gives no " (2)" copy (a rebuilt mail file with its original stored
#   too), other content under the same name does; a job
#   left in work/ (crash after the output) is finished without a duplicate,
#   in the layout before claim files (work/j-ID/{job,data}) and in the
#   claim-file layout (work/c-BID + work/j-BID.N): claimed entries are
#   finished, a claim file whose renames never happened is removed, an
#   entry without its claim record is moved to work/rejected/;
#   raw Shift_JIS (CP932) names with 0x5C trail bytes decoded, not cut;
#   English notices; dropd.report_dir.
. "$(dirname "$0")/dd-lib.sh"
dd_init

expect() {
	local want=$1 desc=$2 rc; shift 2
	timeout 60 "$@" > "$T/o" 2> "$T/e"; rc=$?
	[ "$rc" -eq "$want" ] && mk_ok || mk_fail "$desc: exit $rc, want $want ($(tail -c 300 "$T/e" | tr '\n' ' '))"
}
once() { expect "$1" "$2" "$DROPD" --once --config "${3:-$CONF}"; }

# --- command line ----------------------------------------------------------
expect 0 "--help" "$DROPD" --help
grep -q -- '--once' "$T/o" && mk_ok || mk_fail "--help does not mention --once"
expect 0 "--version" "$DROPD" --version
grep -q '[0-9]\.[0-9]' "$T/o" && mk_ok || mk_fail "--version prints no version"
expect 64 "unknown option" "$DROPD" --no-such-option
printf '[dropd]\nno_such_key = 1\n' > "$T/bad.conf"
expect 78 "bad config" "$DROPD" --once --config "$T/bad.conf"
dd_conf "$T/inside.conf" && sed -i "s|^work_dir = .*|work_dir = $T/in/w|" "$T/inside.conf"
expect 78 "work_dir inside in_dir" "$DROPD" --once --config "$T/inside.conf"

# --- database missing: nothing is claimed -----------------------------------
mkdir -p "$T/in/alice/sub" "$T/emptydb"
echo "plain text line" > "$T/in/alice/sub/a.txt"
mk_write_conf "$T/nodb.conf" "$T/state" "$T/emptydb"
dd_conf "$T/nodb.conf" && sed -i "s|^database_dir = .*|database_dir = $T/emptydb|" "$T/nodb.conf"
once 75 "no signature database" "$T/nodb.conf"
[ -f "$T/in/alice/sub/a.txt" ] && mk_ok || mk_fail "no database: file left in/"
[ -z "$(dd_outputs "$T/out")" ] && mk_ok || mk_fail "no database: something reached out/"

# --- the drop -----------------------------------------------------------------
A=$T/in/alice
mk_eicar "$A/eicar.com"
cp "$MK_TESTFILES/clam.pdf" "$A/clam.pdf"
printf 'rtlo\n' > "$A/$(printf 'invoice\xe2\x80\xaefdp.exe')"
printf 'ctl\n' > "$A/$(printf 'bell\x07\x01name.txt')"
printf 'nl\n' > "$A/$(printf 'new\nline.txt')"
printf 'dots\n' > "$A/...hidden.txt"
LONG=$(printf 'L%.0s' $(seq 1 250)).txt
printf 'long\n' > "$A/$LONG"
# under the name limit, judged as .txt; a plain cut to the output limit
# would have ended it in ".js"
JSCUT=$(printf 'A%.0s' $(seq 1 212)).js$(printf 'B%.0s' $(seq 1 21)).txt
printf 'var s = new ActiveXObject("WScript.Shell"); s.Run("calc.exe");\n' > "$A/$JSCUT"
ln -s /etc/passwd "$A/passwd.txt"
ln -s /etc "$A/etcdir"
mkfifo "$A/pipe.txt"
mkdir -p "$T/in/bob"
echo "bob's file" > "$T/in/bob/a.txt"
once 0 "first run"
O=$T/out/alice
cmp -s "$T/out/alice/sub/a.txt" <(echo "plain text line") && mk_ok || mk_fail "a.txt not passed unchanged"
[ "$(jq -r .verdict "$O/sub/a.txt.report.json" 2>/dev/null)" = pass ] && mk_ok || mk_fail "a.txt report verdict"
cmp -s "$T/out/bob/a.txt" <(echo "bob's file") && mk_ok || mk_fail "bob/a.txt not in out/bob/"
for f in eicar.com clam.pdf; do
	[ -f "$O/$f.blocked.txt" ] && mk_ok || { mk_fail "$f: no blocked notice"; continue; }
	[ ! -e "$O/$f" ] && mk_ok || mk_fail "$f reached out/"
	id=$(jq -r .quarantine_id "$O/$f.report.json" 2>/dev/null)
	[ -n "$id" ] && [ "$id" != null ] && grep -q "隔離ID: $id" "$O/$f.blocked.txt" && mk_ok ||
		mk_fail "$f: notice lacks the quarantine id ($id)"
done
grep -q 'virus' "$O/eicar.com.blocked.txt" && mk_ok || mk_fail "eicar notice gives no reason"
grep -q '^理由: .*ウイルスを検出しました' "$O/eicar.com.blocked.txt" && mk_ok ||
	mk_fail "eicar notice gives no reason in the configured language (ja)"
# hostile names: only safe names appear
bad=$(find "$T/out" -name '*[[:cntrl:]]*' -o -name '.[!.]*' ! -name '.mk-tmp*' | wc -l)
[ "$bad" -eq 0 ] && mk_ok || mk_fail "$bad output names with controls or leading dots"
find "$T/out" -name "$(printf '*\xe2\x80\xae*')" | grep -q . && mk_fail "RTLO survived in an output name" || mk_ok
[ -f "$O/invoicefdp.exe.blocked.txt" ] && mk_ok || mk_fail "RTLO exe: no blocked notice under the neutralised name"
ls "$O"/bellname.txt* > /dev/null 2>&1 && mk_ok || mk_fail "control-char name not neutralised to bellname.txt"
ls "$O"/newline.txt* > /dev/null 2>&1 && mk_ok || mk_fail "newline name not neutralised"
[ -f "$O/hidden.txt" ] && mk_ok || mk_fail "leading dots not removed"
n=$(find "$O" -maxdepth 1 -name 'LLLL*' ! -name '*.report.json' | head -1)
[ -n "$n" ] && [ "$(basename "$n" | wc -c)" -le 216 ] && mk_ok || mk_fail "overlong name not cut ($n)"
case $n in *.txt) mk_ok ;; *) mk_fail "overlong name lost its extension ($n)" ;; esac
n=$(find "$O" -maxdepth 1 -name 'AAAA*' ! -name '*.report.json' | head -1)
case $n in
*.txt) mk_ok ;;
*) mk_fail "cut name of a .txt ends otherwise: $(basename "$n" | tail -c 20)" ;;
esac
# links and special files: notices, originals kept aside, nothing followed
for f in passwd.txt etcdir pipe.txt; do
	[ -f "$O/$f.blocked.txt" ] && mk_ok || mk_fail "$f: no blocked notice"
done
grep -rq 'root:' "$T/out" && mk_fail "symlink target content reached out/" || mk_ok
[ "$(find "$T/work/rejected" -type l | wc -l)" -eq 2 ] && mk_ok || mk_fail "symlinks not kept in work/rejected"
[ "$(find "$T/work/rejected" -type p | wc -l)" -eq 1 ] && mk_ok || mk_fail "FIFO not kept in work/rejected"
[ "$(dd_left)" -eq 0 ] && [ "$(dd_jobs)" -eq 0 ] && mk_ok || mk_fail "in/ or work/ not empty after --once"
[ "$(grep -c 'user=' "$T/e")" -eq 13 ] && mk_ok || mk_fail "want 13 per-file log lines, got $(grep -c 'user=' "$T/e")"

# --- idempotency and collisions ---------------------------------------------
echo "plain text line" > "$T/in/alice/sub/a.txt"
mk_eicar "$A/eicar.com"
once 0 "same files again"
[ ! -e "$O/sub/a (2).txt" ] && [ ! -e "$O/eicar (2).com.blocked.txt" ] && mk_ok || mk_fail "same content produced a (2) copy"
echo "other content" > "$T/in/alice/sub/a.txt"
once 0 "other content, same name"
grep -q other "$O/sub/a (2).txt" 2>/dev/null && mk_ok || mk_fail "collision did not give 'a (2).txt'"
cmp -s "$O/sub/a.txt" <(echo "plain text line") && mk_ok || mk_fail "collision overwrote a.txt"
# a mail file is rebuilt; the second run finds its original already in the
# quarantine (no_store) and must still give the same bytes -- the notice
# saying the original is kept -- else a crash after the output would leave
# a " (2)" copy (the restart case of t-dropd-stress)
printf 'From: a@example.com\nTo: b@example.jp\nSubject: html\nMIME-Version: 1.0\nContent-Type: text/html; charset=us-ascii\n\n<p>hello <a href="http://example.com/x">link</a></p>\n' > "$T/mail.eml"
for k in 1 2; do
	cp "$T/mail.eml" "$A/mail.eml"
	once 0 "mail file, run $k"
done
[ -f "$O/mail.eml" ] && [ "$(jq -r .quarantine_id "$O/mail.eml.report.json")" != null ] && mk_ok ||
	mk_fail "mail file: no rebuilt output with its original stored"
[ ! -e "$O/mail (2).eml" ] && mk_ok || mk_fail "the same mail file again gave a (2) copy: $(diff "$O/mail.eml" "$O/mail (2).eml" | head -c 300)"

# --- recovery: a job left in work/ after its output was written -------------
mkjob() { # user rel src
	local d=$T/work/j-test-$RANDOM
	mkdir -p "$d"
	printf '[job]\nuser=%s\npath=%s\nclaimed=0\n' "$(printf %s "$1" | base64 -w0)" \
		"$(printf %s "$2" | base64 -w0)" > "$d/job"
	cp "$3" "$d/data"
}
echo "plain text line" > "$T/x.txt"; mkjob alice sub/a.txt "$T/x.txt"
mk_eicar "$T/e.com"; mkjob alice eicar.com "$T/e.com"
mkdir -p "$T/work/j-empty"; printf '[job]\n' > "$T/work/j-empty/job"
once 0 "recovery run"
[ "$(dd_jobs)" -eq 0 ] && mk_ok || mk_fail "recovered jobs left in work/"
[ ! -e "$O/sub/a (3).txt" ] && [ ! -e "$O/eicar (2).com.blocked.txt" ] && mk_ok || mk_fail "recovery made duplicates"
grep -q 'recovering 2 job' "$T/e" && mk_ok || mk_fail "recovery not logged"

# claim-file layout: c-B1 lists jobs 0 (claimed, output already written) and
# 1 (claimed, not processed); c-B2's rename never happened; j-B3.0 has no
# record
b64() { printf %s "$1" | base64 -w0; }
printf '[0]\nuser=%s\npath=%s\n[1]\nuser=%s\npath=%s\n' "$(b64 alice)" "$(b64 sub/a.txt)" \
	"$(b64 bob)" "$(b64 'new file.txt')" > "$T/work/c-B1"
cp "$T/x.txt" "$T/work/j-B1.0"; echo "bob's text" > "$T/work/j-B1.1"
printf '[0]\nuser=%s\npath=%s\n' "$(b64 alice)" "$(b64 gone.txt)" > "$T/work/c-B2"
echo "orphan" > "$T/work/j-B3.0"
once 0 "claim-file recovery run"
[ "$(dd_jobs)" -eq 0 ] && [ -z "$(find "$T/work" -maxdepth 1 -name 'c-*')" ] && mk_ok ||
	mk_fail "claim-file recovery left $(ls "$T/work" | tr '\n' ' ')"
[ ! -e "$O/sub/a (3).txt" ] && grep -qs "bob's text" "$T/out/bob/new file.txt" && mk_ok ||
	mk_fail "claim-file recovery: duplicate or missing output"
[ -f "$T/work/rejected/j-B3.0" ] && mk_ok || mk_fail "entry without a claim record not set aside"
grep -q 'recovering 2 job' "$T/e" && mk_ok || mk_fail "claim-file recovery not logged"

# --- raw Shift_JIS names: 0x5C is the second byte of 表, 能, ソ, never a path
# separator; outputs, notices and reports get the decoded UTF-8 name (issue 14)
mkdir -p "$T/in/dave"
echo "sjis" > "$T/in/dave/$(printf '\x95\x5c\x8e\xa6\x94\x5c\x97\xcd.txt')"
mk_eicar "$T/in/dave/$(printf '\x83\x5c\x83\x74\x83\x67.com')"
once 0 "raw Shift_JIS names"
[ -f "$T/out/dave/表示能力.txt" ] && mk_ok || mk_fail "raw CP932 name: out/dave has $(ls "$T/out/dave" | tr '\n' ' ')"
[ -f "$T/out/dave/ソフト.com.blocked.txt" ] && mk_ok || mk_fail "raw CP932 name: no ソフト.com.blocked.txt"
[ "$(jq -r '.nodes[0].declared_name' "$T/out/dave/表示能力.txt.report.json" 2> /dev/null)" = 表示能力.txt ] &&
	mk_ok || mk_fail "raw CP932 name: the report's name is not 表示能力.txt"
grep -q 'ソフト.com' "$T/out/dave/ソフト.com.blocked.txt" 2> /dev/null && mk_ok ||
	mk_fail "raw CP932 name: the notice does not name ソフト.com"

# --- English notices, report_dir ---------------------------------------------
dd_conf "$T/en.conf" "report_dir = $T/reports" && sed -i 's/^\(user = *.*\)$/\1\nlanguage = en/' "$T/en.conf"
mkdir -p "$T/in/carol"; mk_eicar "$T/in/carol/v.com"; echo hi > "$T/in/carol/t.txt"
once 0 "english" "$T/en.conf"
grep -q 'Quarantine ID: f-' "$T/out/carol/v.com.blocked.txt" 2>/dev/null && mk_ok || mk_fail "no English notice"
[ -f "$T/reports/carol/t.txt.report.json" ] && [ ! -e "$T/out/carol/t.txt.report.json" ] && mk_ok ||
	mk_fail "report_dir not used"
mk_finish
