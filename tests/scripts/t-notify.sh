#!/bin/bash
# NAME
#   t-notify.sh - mail to the administrators: the daily summary (`mukaika
#   report --mail`) and the health alert (`mukaika health --mail`)
#
# DESCRIPTION
#   A loopback SMTP sink (tests/web/smtp_sink.py) is notify.smtp_relay.
#     1. three items sanitized, `report --mail`: one mail to both
#        notify.admins, envelope from notify.from, subject
#        "[mukaika] 日次集計 DAY (3 件)" (RFC 2047), Auto-Submitted, and a
#        body (base64) equal to what `mukaika report` prints; English subject
#        with general.language = en;
#     2. `health --mail` with fresh signatures: nothing (no alert before);
#        signatures older than clamav.max_db_age_hours: one CRITICAL alert
#        naming the stale signatures, and not again at the next run; fresh
#        again: one all-clear mail; the relay down: the alert is not
#        mailed, health still exits with its level, and the next run with
#        the relay back sends it; `mukaika report` lists the three alerts
#        that were handled (audit events health.alert);
#     3. no notify.admins: nothing mailed, exit 0; relay down for the
#        summary: exit 75; an unusable address: exit 78.
. "$(dirname "$0")/lib.sh"
mk_init
mk_sigdb "$T/db"
mkdir -p "$T/sink" "$T/state"
python3 "$MK_SRCDIR/tests/web/smtp_sink.py" "$T/sink.port" "$T/sink" &
SPID=$!
trap 'kill $SPID 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do [ -s "$T/sink.port" ] && break; sleep 0.1; done
[ -s "$T/sink.port" ] || mk_die "smtp sink did not start"
SP=$(cat "$T/sink.port")
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
conf() { # conf FILE RELAY_PORT [extra lines]
	local f=$1 p=$2; shift 2
	mk_write_conf "$f" "$T/state" "$T/db" "max_db_age_hours = 24" "[notify]" \
		"admins = admin1@lg.example.jp, admin2@lg.example.jp" "from = gw@lg.example.jp" \
		"smtp_relay = 127.0.0.1:$p" "$@"
}
conf "$T/c" "$SP"
nmail() { find "$T/sink" -name '*.eml' | wc -l; }
# newest FILE: the newest mail in the sink (by number)
newest() { ls "$T/sink"/*.eml 2>/dev/null | sort -V | tail -1; }
# decode EML: "Subject<TAB>body" decoded, for checks
decode() {
	python3 - "$1" <<'EOF'
import sys, email, email.header, email.policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
print(str(m['Subject']))
print(m['Auto-Submitted'], m['X-Mukaika-Notice'])
print(m.get_content(), end='')
EOF
}

# ---- 1. daily summary ---------------------------------------------------------------
printf 'From: a@example.org\nTo: b@lg.example.jp\nSubject: s\n\nhello\n' > "$T/m.eml"
for i in 1 2; do "$MK" sanitize --config "$T/c" -q -o "$T/o$i" "$T/m.eml" || mk_die "sanitize $i"; done
echo "a file" > "$T/f.txt"
"$MK" sanitize --config "$T/c" -q --file -o "$T/o3" "$T/f.txt" || mk_die "sanitize file"
day=$(date -u +%F)
"$MK" report --config "$T/c" > "$T/report.txt" || mk_fail "report"
"$MK" report --config "$T/c" --mail > "$T/report2.txt" 2> "$T/report2.err" && mk_ok ||
	mk_fail "report --mail: $(cat "$T/report2.err")"
cmp -s "$T/report.txt" "$T/report2.txt" && mk_ok || mk_fail "report --mail prints another text"
[ "$(nmail)" = 1 ] && mk_ok || mk_fail "$(nmail) mails after report --mail"
f=$(newest)
env=${f%.eml}.env
grep -qx 'MAIL FROM:<gw@lg.example.jp>' "$env" && grep -qx 'RCPT TO:<admin1@lg.example.jp>' "$env" &&
	grep -qx 'RCPT TO:<admin2@lg.example.jp>' "$env" && mk_ok || mk_fail "envelope: $(tr '\n' ' ' < "$env")"
decode "$f" > "$T/d1"
[ "$(sed -n 1p "$T/d1")" = "[mukaika] 日次集計 $day (3 件)" ] && mk_ok || mk_fail "subject: $(sed -n 1p "$T/d1")"
[ "$(sed -n 2p "$T/d1")" = "auto-generated daily-summary" ] && mk_ok || mk_fail "headers: $(sed -n 2p "$T/d1")"
tail -n +3 "$T/d1" | cmp -s - "$T/report.txt" && mk_ok || mk_fail "mailed body differs from mukaika report"
grep -q '^items 3 (mail 2, file 1)' "$T/report.txt" && mk_ok || mk_fail "report: $(head -3 "$T/report.txt")"
conf "$T/c-en" "$SP"
sed -i 's/^\[general\]$/[general]\nlanguage = en/' "$T/c-en"
"$MK" report --config "$T/c-en" --mail > /dev/null 2>&1 && [ "$(nmail)" = 2 ] &&
	[ "$(decode "$(newest)" | sed -n 1p)" = "[mukaika] daily summary $day (3 items)" ] && mk_ok ||
	mk_fail "English summary: $(decode "$(newest)" | sed -n 1p)"

# ---- 2. health alerts ---------------------------------------------------------------
n0=$(nmail)
"$MK" health --config "$T/c" --skip clock --mail > /dev/null 2>&1
[ "$(nmail)" = "$n0" ] && mk_ok || mk_fail "an alert while everything is OK"
touch -d '30 hours ago' "$T/db"/*
"$MK" health --config "$T/c" --skip clock --mail > "$T/h.out" 2>&1; rc=$?
[ $rc = 2 ] && [ "$(nmail)" = $((n0 + 1)) ] && mk_ok || mk_fail "stale DB: exit $rc, $(nmail) mails: $(cat "$T/h.out")"
decode "$(newest)" > "$T/d2"
grep -q '^\[mukaika\] 監視 CRITICAL: signatures 30 h old, stale' "$T/d2" && mk_ok ||
	mk_fail "alert subject: $(head -1 "$T/d2")"
grep -q 'auto-generated health' "$T/d2" && grep -q 'ウイルス定義が古いか' "$T/d2" &&
	grep -q '^MUKAIKA CRITICAL - signatures 30 h old' "$T/d2" && mk_ok || mk_fail "alert body: $(cat "$T/d2")"
"$MK" health --config "$T/c" --skip clock --mail > /dev/null 2>&1
[ "$(nmail)" = $((n0 + 1)) ] && mk_ok || mk_fail "the same alert mailed twice"
touch "$T/db"/*
"$MK" health --config "$T/c" --skip clock --mail > /dev/null 2>&1; rc=$?
[ $rc = 0 ] && [ "$(nmail)" = $((n0 + 2)) ] && decode "$(newest)" | grep -q 'すべての確認が OK に戻りました' &&
	mk_ok || mk_fail "all-clear: exit $rc, $(nmail) mails"
# relay down: not mailed, tried again next time
touch -d '30 hours ago' "$T/db"/*
conf "$T/c-dead" "$DEAD"
"$MK" health --config "$T/c-dead" --skip clock --mail > /dev/null 2> "$T/h.err"; rc=$?
[ $rc = 2 ] && [ "$(nmail)" = $((n0 + 2)) ] && grep -q 'alert not mailed' "$T/h.err" && mk_ok ||
	mk_fail "relay down: exit $rc, $(cat "$T/h.err")"
"$MK" health --config "$T/c" --skip clock --mail > /dev/null 2>&1
[ "$(nmail)" = $((n0 + 3)) ] && mk_ok || mk_fail "the failed alert was not sent again"
touch "$T/db"/*
# the changes that were handled are audit events, listed by mukaika report
"$MK" report --config "$T/c" > "$T/r3.txt" 2>&1
grep -q '^health alerts 3 ' "$T/r3.txt" && [ "$(grep -c ' UTC  CRITICAL  signatures 30 h old' "$T/r3.txt")" = 2 ] &&
	grep -q ' UTC  OK  ' "$T/r3.txt" && mk_ok || mk_fail "report's health alerts: $(grep -A4 '^health alerts' "$T/r3.txt")"

# ---- 3. no admins, relay down, bad address ---------------------------------------------
mk_write_conf "$T/c-none" "$T/state" "$T/db"
n0=$(nmail)
"$MK" report --config "$T/c-none" --mail > /dev/null 2> "$T/e"; rc=$?
[ $rc = 0 ] && [ "$(nmail)" = "$n0" ] && grep -q 'notify.admins is empty' "$T/e" && mk_ok ||
	mk_fail "no admins: exit $rc $(cat "$T/e")"
"$MK" report --config "$T/c-dead" --mail > /dev/null 2> "$T/e"; rc=$?
[ $rc = 75 ] && mk_ok || mk_fail "relay down: exit $rc $(cat "$T/e")"
conf "$T/c-bad" "$SP"
sed -i 's/^admins = .*/admins = admin1@lg.example.jp, <evil>/' "$T/c-bad"
"$MK" report --config "$T/c-bad" --mail > /dev/null 2> "$T/e"; rc=$?
[ $rc = 78 ] && [ "$(nmail)" = "$n0" ] && mk_ok || mk_fail "bad address: exit $rc $(cat "$T/e")"
"$MK" report --config "$T/c" --mail --format csv > /dev/null 2>&1; rc=$?
[ $rc = 64 ] && mk_ok || mk_fail "--mail --format csv: exit $rc"
mk_finish
