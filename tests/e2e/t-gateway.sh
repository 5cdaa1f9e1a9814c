#!/bin/bash
# NAME
#   t-gateway.sh - end-to-end: real Postfix + mukaika-milter + smtp-sink + swaks
#
# DESCRIPTION
#   One private gateway (scripts/gateway-start.sh, loopback, free ports, temp
#   dir, 1M message cap) and, in order:
#     1. HTML mail with a macro .docx (a .docm in disguise), an executable and
#        a zip holding EICAR -> delivered: text/plain notice first, no exe, no
#        zip, no EICAR, X-Mukaika-* set, foreign headers gone, Received kept;
#        the original is in the quarantine (`mukaika quarantine list`).
#     1b. Japanese mails as Outlook (CP932), Thunderbird (ISO-2022-JP), a web
#        mailer (UTF-8) and a phone (Shift_JIS, half-width kana) build them
#        (tests/scripts/jp_profiles.py) -> subject, sender, file names and
#        body arrive exactly as sent.
#     2. EICAR as the only content -> 550 5.7.1 at end of data, nothing
#        delivered.
#     3. Over the size cap -> 552 5.3.4 (SIZE= at MAIL FROM, and a body).
#     4. Signature DB removed + SIGHUP -> 451; the mail (sent to the queueing
#        relay) stays in Postfix's queue; DB back + SIGHUP + postqueue -f ->
#        delivered sanitized, exactly once.
#     5. Milter frozen, mail in flight, milter killed -> Postfix tempfails
#        (milter_default_action), mail stays queued; milter restarted +
#        postqueue -f -> delivered sanitized, exactly once.
#   After the start and the restart: the milter and its workers hold no uid
#   or gid 0 (e2e_privs).  Everything is stopped and removed at exit.
. "$(dirname "$0")/lib.sh"
e2e_init
printf '[limits]\nmax_message_size = 1M\n' >"$T/extra.conf"
e2e_start "$T/extra.conf"
e2e_privs "mukaika-milter after start" "$(cat "$GW_MILTER_PID")"
CLI=$GW_CLI_BIN
D=$T/data
mkdir -p "$D"

# ---- 1. mixed mail ------------------------------------------------------------
e2e_eicar "$D/eicar.com"
python3 - "$D" "${MK_SHARED:-$MK_SRCDIR/../shared}/corpora/oletools/oleform/oleform-PR314.docm" <<'EOF'
import sys, zipfile, shutil
from email.message import EmailMessage
d, docm = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(d + '/files.zip', 'w') as z:
    z.write(d + '/eicar.com', 'eicar.com')
m = EmailMessage()
m['From'] = 'Sender <sender@example.org>'
m['To'] = 'user@lgwan.example'
m['Subject'] = 'mixed e2e'
m['Message-ID'] = '<mixed-e2e@example.org>'
m['X-Foreign'] = 'must not survive'
m.set_content('<html><body><p>Hello <b>world</b> '
              '<a href="http://evil.example/x">click</a></p></body></html>', subtype='html')
parts = [(docm, 'report.docx', 'application', 'vnd.openxmlformats-officedocument.wordprocessingml.document'),
         ('/bin/true', 'tool.exe', 'application', 'octet-stream'),
         (d + '/files.zip', 'files.zip', 'application', 'zip')]
for path, name, mt, st in parts:
    m.add_attachment(open(path, 'rb').read(), maintype=mt, subtype=st, filename=name)
open(d + '/mixed.eml', 'w', newline='\r\n').write(m.as_string())
EOF
if e2e_swaks "$GW_SMTP_PORT" --data "$D/mixed.eml" && [ "$(e2e_data_code)" = 250 ]; then
	ok "mixed mail accepted"
else
	fail "mixed mail not accepted: $(e2e_data_reply)"
fi
if [ "$(e2e_data_code)" != 250 ]; then
	:
elif e2e_wait_sink 1 20; then
	f=$(e2e_sink_find 'mixed-e2e@example.org')
	if out=$(python3 "$E2E_DIR/check_mail.py" sanitized "$f" 2>&1); then
		ok "mixed mail delivered sanitized ($out)"
		rid=${out#report=}
		if "$CLI" quarantine list --config "$GW_CONF" 2>/dev/null | grep -q -- "$rid"; then
			ok "original in quarantine ($rid)"
		else
			fail "report $rid not in 'mukaika quarantine list'"
		fi
	else
		fail "mixed mail: $out"
	fi
else
	fail "mixed mail not delivered"
fi

# ---- 1b. Japanese mails from the common mail programs -------------------------
python3 "$MK_SRCDIR/tests/scripts/jp_profiles.py" gen "$D/jp" outlook thunderbird webmail mobile
n0=$(e2e_sink_count)
for k in outlook thunderbird webmail mobile; do
	e2e_swaks "$GW_SMTP_PORT" --data "$D/jp/$k.eml" && [ "$(e2e_data_code)" = 250 ] ||
		fail "$k mail not accepted: $(e2e_data_reply)"
done
if e2e_wait_sink $((n0 + 4)) 30; then
	for k in outlook thunderbird webmail mobile; do
		f=$(e2e_sink_find "jp-$k@example.jp")
		[ -n "$f" ] && cp "$f" "$D/jp/$k.out"
	done
	if out=$(python3 "$MK_SRCDIR/tests/scripts/jp_profiles.py" check "$D/jp" 2>&1); then
		ok "Japanese sender profiles arrive as sent ($out)"
	else
		fail "Japanese sender profiles: $out"
	fi
else
	fail "Japanese sender profiles not delivered"
fi

# ---- 2. EICAR only -> 550 ------------------------------------------------------
n0=$(e2e_sink_count)
e2e_swaks "$GW_SMTP_PORT" --header 'Subject: eicar only' --body "$(cat "$D/eicar.com")"
c=$(e2e_data_code)
if [ "$c" = 550 ] && e2e_data_reply | grep -q '5\.7\.1'; then
	ok "EICAR-only mail rejected 550 5.7.1 at end of data"
else
	fail "EICAR-only mail: expected 550 5.7.1, got: $(e2e_data_reply)"
fi
sleep 1
[ "$(e2e_sink_count)" = "$n0" ] && ok "nothing delivered for EICAR" || fail "EICAR mail delivered"

# ---- 3. size cap ----------------------------------------------------------------
r=$(python3 -c "
import smtplib; s = smtplib.SMTP('127.0.0.1', $GW_SMTP_PORT); s.ehlo('client.example')
print(s.mail('big@example.org', ['SIZE=2000000'])[0]); s.quit()")
[ "$r" = 552 ] && ok "SIZE=2000000 refused 552 at MAIL FROM" || fail "SIZE= over cap: got $r"
e2e_wait_log 'from=<big@example.org> .*verdict=too-big' 1 10 &&
	ok "the refusal at MAIL FROM has its log line" || fail "no log line for the SIZE= refusal"
head -c 1500000 /dev/urandom | base64 >"$D/big.txt"
e2e_swaks "$GW_SMTP_PORT" --header 'Subject: big' --body "$D/big.txt"
c=$(e2e_data_code)
if [ "$c" = 552 ] && e2e_data_reply | grep -q '5\.3\.4'; then
	ok "1.9 MB body refused 552 5.3.4"
	e2e_wait_log 'verdict=too-big' 2 10 && ok "the refused body has its log line" ||
		fail "no log line for the refused body"
else
	fail "big body: expected 552 5.3.4, got: $(e2e_data_reply)"
fi

# ---- 4. signature DB unavailable -> 451, queued, later delivered -------------------
dbdir=$(sed -n 's/^database_dir = //p' "$GW_CONF")
mv "$dbdir" "$dbdir.off"
kill -HUP "$(cat "$GW_MILTER_PID")"
sleep 1
e2e_swaks "$GW_SMTP_PORT" --header 'Subject: direct while db off' --body 'x'
c=$(e2e_data_code)
[ "$c" = 451 ] && ok "DB unavailable: direct mail gets 451" || fail "DB unavailable: expected 451, got: $(e2e_data_reply)"
n0=$(e2e_sink_count)
e2e_swaks "$GW_RELAY_PORT" --header 'Message-Id: <dbdown@example.org>' --header 'Subject: db down' \
	--body 'queued while the database is away'
if e2e_wait_deferred 1 20; then ok "DB unavailable: mail deferred in the queue"; else fail "DB unavailable: mail not deferred (queue: $(e2e_queue_count))"; fi
[ "$(e2e_sink_count)" = "$n0" ] && ok "nothing delivered while DB unavailable" || fail "mail delivered while DB unavailable"
mv "$dbdir.off" "$dbdir"
kill -HUP "$(cat "$GW_MILTER_PID")"
e2e_wait_log 'engine ready' 2 20 || fail "engine not ready after DB restore"
postqueue -c "$GW_POSTFIX_CONF" -f
if e2e_wait_queue_empty 30 && e2e_wait_sink $((n0 + 1)) 10; then
	f=$(e2e_sink_find 'dbdown@example.org')
	if out=$(python3 "$E2E_DIR/check_mail.py" sanitized "$f" 2>&1); then
		ok "deferred mail delivered sanitized after DB restore"
	else
		fail "deferred mail after DB restore: $out"
	fi
	[ "$(grep -l -r 'dbdown@example.org' "$GW_SINK_DIR" | wc -l)" = 1 ] && ok "delivered exactly once" || fail "duplicate delivery"
else
	fail "deferred mail not delivered after DB restore"
fi

# ---- 5. milter killed mid-transaction --------------------------------------------------
n0=$(e2e_sink_count)
mpid=$(cat "$GW_MILTER_PID")
kill -STOP "$mpid"
e2e_swaks "$GW_RELAY_PORT" --header 'Message-Id: <killed@example.org>' --header 'Subject: killed' \
	--body 'in flight when the milter dies'
sleep 2
kill -KILL "$mpid"
if e2e_wait_deferred 1 40; then ok "milter killed: Postfix tempfailed, mail deferred"; else fail "milter killed: mail not deferred"; fi
[ "$(e2e_sink_count)" = "$n0" ] && ok "nothing delivered while milter dead" || fail "mail delivered without the milter"
"$GW_MILTER_BIN" --config "$GW_CONF" --pidfile "$GW_MILTER_PID" || fail "milter restart failed"
for _ in $(seq 100); do [ -S "$GW_SOCK" ] && [ -s "$GW_MILTER_PID" ] && break; sleep 0.1; done
e2e_wait_log 'listening on' 2 20 || true
e2e_privs "mukaika-milter after a restart" "$(cat "$GW_MILTER_PID")"
postqueue -c "$GW_POSTFIX_CONF" -f
if e2e_wait_queue_empty 30 && e2e_wait_sink $((n0 + 1)) 10; then
	f=$(e2e_sink_find 'killed@example.org')
	if out=$(python3 "$E2E_DIR/check_mail.py" sanitized "$f" 2>&1); then
		ok "mail delivered sanitized after milter restart"
	else
		fail "mail after milter restart: $out"
	fi
else
	fail "mail not delivered after milter restart (queue: $(e2e_queue_count))"
fi
e2e_finish
