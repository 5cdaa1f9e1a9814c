#!/bin/bash
# NAME
#   t-cli.sh - the mukaika command line against its contract
#
# DESCRIPTION
#   Usage errors (64), configuration errors (78, FILE:LINE), `config check` of
#   the shipped conf/mukaika.conf, --version/--help, help quarantine|user|audit
#   (= CMD --help), sanitize of a plain text
#   mail (0, X-Mukaika-Status), a missing/empty/stale signature database (75,
#   no output file), quarantine list/show after a quarantined item.
. "$(dirname "$0")/lib.sh"
mk_init

# expect CODE DESC cmd...: run, compare the exit code.
expect() {
	local want=$1 desc=$2 rc; shift 2
	"$@" > "$T/o" 2> "$T/e"; rc=$?
	if [ "$rc" -eq "$want" ]; then mk_ok; else
		mk_fail "$desc: exit $rc, want $want ($(head -c 300 "$T/e" | tr '\n' ' '))"
	fi
}

PLAIN=$T/plain.eml
printf '%s\r\n' "From: a@example.com" "To: b@example.jp" "Subject: hello" \
	"Date: Mon, 01 Jan 2024 00:00:00 +0000" "Message-ID: <plain@example.com>" \
	"MIME-Version: 1.0" "Content-Type: text/plain; charset=us-ascii" "" \
	"Just a plain text line." > "$PLAIN"

# --- usage errors -> 64 ---------------------------------------------------
expect 64 "no arguments" "$MK"
expect 64 "unknown command" "$MK" frobnicate
expect 64 "unknown option" "$MK" sanitize --no-such-option "$PLAIN"
expect 64 "sanitize without input" "$MK" sanitize --config "$CONF"
expect 64 "quarantine show without id" "$MK" quarantine show --config "$CONF"

# --- version/help ---------------------------------------------------------
expect 0 "--version" "$MK" --version
grep -q '[0-9]\+\.[0-9]\+' "$T/o" && mk_ok || mk_fail "--version prints no version number"
expect 0 "--help" "$MK" --help
for w in sanitize scan config quarantine; do
	grep -q "$w" "$T/o" && mk_ok || mk_fail "--help does not mention $w"
done
expect 0 "help sanitize" "$MK" help sanitize
grep -q -- '--report' "$T/o" && mk_ok || mk_fail "help sanitize does not mention --report"
# help CMD (and CMD --help, the same text): every subcommand, exit status, example
while read -r cmd words; do
	expect 0 "help $cmd" "$MK" help "$cmd"
	cp "$T/o" "$T/help-$cmd"
	for w in $words 'Exit status' 'Example' 64 78; do
		grep -q -- "$w" "$T/help-$cmd" && mk_ok || mk_fail "help $cmd does not mention $w"
	done
	expect 0 "$cmd --help" "$MK" "$cmd" --help
	cmp -s "$T/o" "$T/help-$cmd" && mk_ok || mk_fail "$cmd --help differs from help $cmd"
done <<'ROWS'
quarantine list search show requests request approve deny release unlock delete purge --as --reason --comment --password-file --since --finding 66
user add passwd lock unlock role confirm delete mfa-reset list --unused --role --as viewer operator approver admin
audit list export verify purge reanchor --format --who --what --item csv json
report --from --to --format text csv json
ROWS

# --- configuration --------------------------------------------------------
if [ -f "$MK_SRCDIR/conf/mukaika.conf" ]; then
	expect 0 "config check conf/mukaika.conf" "$MK" config check "$MK_SRCDIR/conf/mukaika.conf"
	grep -q ': OK' "$T/o" && mk_ok || mk_fail "config check does not print 'F: OK'"
else
	mk_fail "conf/mukaika.conf missing"
fi
expect 0 "config check test config" "$MK" config check "$CONF"
expect 0 "config dump" "$MK" config dump "$CONF"
grep -q 'max_message_size' "$T/o" && mk_ok || mk_fail "config dump lacks limits.max_message_size"

# bad configs: LINE is where the problem is (1-based).
bad_conf() { # name line-regex content...
	local name=$1 line=$2 f=$T/bad-$1.conf; shift 2
	printf '%s\n' "$@" > "$f"
	expect 78 "config check $name" "$MK" config check "$f"
	grep -Eq "$f:($line):" "$T/o" "$T/e" && mk_ok \
		|| mk_fail "config check $name: no '$f:$line:' in output: $(cat "$T/o" "$T/e" | head -c 300)"
	expect 78 "sanitize with $name" "$MK" sanitize --config "$f" -o "$T/out/x" "$PLAIN"
}
bad_conf unknown-key 3 "[general]" "language = ja" "no_such_key = 1"
bad_conf unknown-group "2|3" "# comment" "[nonsense]" "a = b"
bad_conf bad-number 2 "[limits]" "max_parts = lots"
bad_conf out-of-range 3 "[limits]" "max_parts = 10" "max_mime_depth = -5"
bad_conf bad-action 2 "[policy]" "image/* = explode"
bad_conf bad-language 2 "[general]" "language = klingon"
bad_conf bad-milter-socket 3 "[milter]" "timeout_s = 30" "socket = /run/m.sock"
bad_conf bad-milter-port 2 "[milter]" "socket = inet:99999@127.0.0.1"
# a sender domain alone would let anyone forge the AV-only route
bad_conf outbound-domain-only 3 "[milter]" "timeout_s = 30" "outbound_domains = city.example.jp"
bad_conf outbound-bad-cidr 2 "[milter]" "outbound_clients = city.example.jp"
expect 78 "config check missing file" "$MK" config check "$T/does-not-exist.conf"

# --- sanitize a plain mail -----------------------------------------------
expect 0 "sanitize plain mail" "$MK" sanitize --config "$CONF" --no-store \
	-o "$T/out/plain.eml" --report "$T/out/plain.json" "$PLAIN"
grep -q '^X-Mukaika-Status:' "$T/out/plain.eml" 2>/dev/null && mk_ok \
	|| mk_fail "plain: output lacks X-Mukaika-Status"
mk_body_text "$T/out/plain.eml" 2>/dev/null | grep -q "Just a plain text line" && mk_ok \
	|| mk_fail "plain: body text lost"
jq -e '.version == 1 and .channel == "mail" and (.verdict | IN("pass","cleaned"))' \
	"$T/out/plain.json" > /dev/null 2>&1 && mk_ok || mk_fail "plain: report verdict/channel"
if [ -x "$MKVERIFY" ]; then
	"$MKVERIFY" --config "$CONF" "$T/out/plain.eml" > "$T/v" 2>&1 && mk_ok \
		|| mk_fail "plain: mkverify: $(cat "$T/v")"
fi
mk_schema_later "$T/out/plain.json" "plain"
expect 0 "sanitize from stdin" bash -c "'$MK' sanitize --config '$CONF' --no-store --mail -o '$T/out/stdin.eml' - < '$PLAIN'"
[ -s "$T/out/stdin.eml" ] && mk_ok || mk_fail "stdin: no output"
# -o onto a pipe or device is written in place (root once turned /dev/null
# into a regular file by renaming over it); onto a directory it is refused
mkfifo "$T/fifo"
cat "$T/fifo" > "$T/fifo.out" & reader=$!
expect 0 "sanitize -o FIFO" "$MK" sanitize --config "$CONF" --no-store -o "$T/fifo" "$PLAIN"
wait "$reader"
[ -p "$T/fifo" ] && grep -q '^X-Mukaika-Status:' "$T/fifo.out" && mk_ok \
	|| mk_fail "-o FIFO: not written through the pipe, or the pipe replaced"
mkdir -p "$T/adir"
"$MK" sanitize --config "$CONF" --no-store -o "$T/out/x.eml" --report "$T/adir" "$PLAIN" \
	> /dev/null 2>&1 && mk_fail "--report DIRECTORY accepted" || mk_ok
[ -d "$T/adir" ] && mk_ok || mk_fail "--report DIRECTORY: the directory was replaced"
expect 0 "scan plain mail" "$MK" scan --config "$CONF" "$PLAIN"
jq -e '.verdict' "$T/o" > /dev/null 2>&1 && mk_ok || mk_fail "scan: stdout is not a report"
expect 3 "sanitize EICAR file" "$MK" sanitize --config "$CONF" --no-store \
	-o "$T/out/eicar.out" --report "$T/out/eicar.json" "$T/eicar.com"
[ ! -e "$T/out/eicar.out" ] && mk_ok || mk_fail "rejected EICAR still wrote output"
mk_has_code "$T/out/eicar.json" virus && mk_ok || mk_fail "EICAR report lacks a virus finding"

# --- signature DB missing / empty / stale -> 75 and no output -------------
db_case() { # name setup-command
	local name=$1 d=$T/db-$1 c=$T/db-$1.conf
	mkdir -p "$d"; eval "$2"
	mk_write_conf "$c" "$T/state-$name" "$d"
	rm -f "$T/out/db.eml"
	expect 75 "database $name" "$MK" sanitize --config "$c" --no-store -o "$T/out/db.eml" "$PLAIN"
	[ ! -e "$T/out/db.eml" ] && mk_ok || mk_fail "database $name: output written on tempfail"
}
db_case missing 'rmdir "$d"'
db_case empty ':'
db_case emptyfiles ': > "$d/test.hdb"'
db_case stale 'mk_sigdb "$d"; touch -d "10 days ago" "$d"/*' 

# --- quarantine list/show (an unknown binary type -> quarantine) --------
python3 -c 'import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes([0x8f,0x13,0x00,0xfe])+bytes(r.getrandbits(8) for _ in range(4096)))' > "$T/blob.bin"
mk_mail_with "$T/blob.bin" data.bin application/octet-stream "$T/unknown.eml"
expect 2 "quarantine an unknown type" "$MK" sanitize --config "$CONF" \
	-o "$T/out/q.eml" --report "$T/out/q.json" "$T/unknown.eml"
grep -q '^X-Mukaika-Status:' "$T/out/q.eml" 2>/dev/null && mk_ok \
	|| mk_fail "quarantined mail: no notice-only output with X-Mukaika-Status"
qid=$(jq -r '.quarantine_id // empty' "$T/out/q.json" 2>/dev/null)
if [ -z "$qid" ]; then
	mk_fail "quarantined mail: report has no quarantine_id"
else
	grep -qF "$qid" "$T/out/q.eml" && mk_ok || mk_fail "notice does not name quarantine id $qid"
	expect 0 "quarantine list" "$MK" quarantine list --config "$CONF"
	grep -qF "$qid" "$T/o" && mk_ok || mk_fail "quarantine list lacks $qid"
	expect 0 "quarantine show" "$MK" quarantine show --config "$CONF" "$qid"
	jq -e --arg id "$qid" '.quarantine_id == $id' "$T/o" > /dev/null 2>&1 \
		&& mk_ok || mk_fail "quarantine show: not the report of $qid"
	mk_schema_later "$T/o" "quarantine show"
fi
"$MK" quarantine show --config "$CONF" no-such-id-0000 > /dev/null 2>&1; rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && mk_ok || mk_fail "quarantine show unknown id: exit $rc"
# report: every processed item of the day, the held one included; bad format 64
expect 0 "report csv" "$MK" report --config "$CONF" --format csv
if [ -n "$qid" ]; then
	grep -qF "\"$qid\"" "$T/o" && mk_ok || mk_fail "report csv lacks $qid"
fi
expect 0 "report text" "$MK" report --config "$CONF"
grep -q '^quarantined ' "$T/o" && mk_ok || mk_fail "report text: no verdict table"
expect 64 "report bad format" "$MK" report --config "$CONF" --format xml
expect 64 "report bad date" "$MK" report --config "$CONF" --from 2026-13-01
# audit verify: intact, then the newest event removed behind the triggers' back
expect 0 "first admin" "$MK" user add --config "$CONF" --role admin root
expect 0 "audit verify" "$MK" audit verify --config "$CONF"
sqlite3 "$T/state/mukaika.db" "DROP TRIGGER audit_no_delete;
	DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)" \
	&& mk_ok || mk_fail "sqlite3 could not delete the newest event"
expect 1 "audit verify after the newest event was removed" "$MK" audit verify --config "$CONF"
grep -q "removed" "$T/o" && mk_ok || mk_fail "audit verify: no reason ($(cat "$T/o"))"
mk_schema_batch   # the reports kept above, against docs/report-schema.json
mk_finish
