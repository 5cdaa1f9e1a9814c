#!/bin/bash
# NAME
#   t-bomb.sh - end-to-end: a parser bomb through real Postfix is held with a
#   report, the milter survives it and serves the next mail
#
# DESCRIPTION
#   One private gateway (scripts/gateway-start.sh) whose archive limits let a
#   bzip2 stream decoding to 4 GiB (512 streams of 8 MiB of "A" and 64 KiB of
#   noise, as t-sandbox.sh and t-parser-bomb.lua) reach its parser, with
#   worker.max_memory = 256M.  The bomb goes in as an attachment over SMTP:
#     1. accepted (250), delivered with X-Mukaika-Status: quarantined and a
#        report id, the bomb not delivered, worker_crash in the milter log;
#     2. the same mukaika-milter process (pid unchanged) is still running,
#        without uid/gid 0;
#     3. the next mail (an HTML body) is delivered sanitized.
#   Parsed in the milter process (before issue 13), the bomb took the
#   milter's memory and the mail was tempfailed for ever.
. "$(dirname "$0")/lib.sh"
e2e_init
printf '[limits]\nmax_member_size = 16G\nmax_unpacked_size = 64G\nmax_compression_ratio = 100000\n[worker]\nmax_memory = 256M\n' \
	>"$T/extra.conf"
e2e_start "$T/extra.conf"
pid=$(cat "$GW_MILTER_PID")
D=$T/data
mkdir -p "$D"

python3 - "$D/bomb.eml" "$D/next.eml" <<'PY'
import bz2, os, sys
from email.message import EmailMessage
s = bz2.compress(b"A" * (8 << 20), 9) * 512 + os.urandom(64 << 10)
m = EmailMessage()
m['From'] = 'Sender <bomb@example.org>'
m['To'] = 'user@lgwan.example'
m['Subject'] = 'bomb e2e'
m.set_content('see attached')
m.add_attachment(s, maintype='application', subtype='octet-stream', filename='data.bz2')
open(sys.argv[1], 'w', newline='\r\n').write(m.as_string())
n = EmailMessage()
n['From'] = 'Sender <next@example.org>'
n['To'] = 'user@lgwan.example'
n['Subject'] = 'after the bomb'
n.set_content('<html><body><p>hello <a href="http://a.example/">x</a></p></body></html>',
              subtype='html')
open(sys.argv[2], 'w', newline='\r\n').write(n.as_string())
PY

# delivered FROM: the sink file of the mail with envelope sender FROM
delivered() {
	local f=
	for _ in $(seq 300); do
		f=$(e2e_sink_by_sender "$1") && [ -n "$f" ] && break
		sleep 0.2
	done
	echo "$f"
}

if e2e_swaks "$GW_SMTP_PORT" --from bomb@example.org --data "$D/bomb.eml" &&
   [ "$(e2e_data_code)" = 250 ]; then
	ok "bomb mail accepted"
else
	fail "bomb mail: $(e2e_data_reply)"
fi
f=$(delivered bomb@example.org)
if [ -z "$f" ]; then
	fail "bomb mail: nothing delivered"
elif ! grep -qi '^X-Mukaika-Status: *quarantined' "$f"; then
	fail "bomb mail: not held ($(grep -i '^X-Mukaika-Status' "$f"))"
elif out=$(python3 "$E2E_DIR/check_mail.py" sanitized "$f" 2>&1) &&
     ! grep -q 'QlpoOTFBWSZTW' "$f"; then   # base64 of a bzip2 stream start
	ok "bomb mail held with a report, bomb not delivered ($out)"
else
	fail "bomb mail: ${out:-the bzip2 stream was delivered}"
fi
if e2e_wait_log "worker_crash" 1 10; then
	ok "worker_crash in the milter log"
else
	fail "no worker_crash in the milter log"
fi
if [ "$(cat "$GW_MILTER_PID")" = "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	ok "mukaika-milter $pid still running"
else
	fail "mukaika-milter $pid is gone"
fi
e2e_privs "mukaika-milter after the bomb" "$pid"

if e2e_swaks "$GW_SMTP_PORT" --from next@example.org --data "$D/next.eml" &&
   [ "$(e2e_data_code)" = 250 ]; then
	ok "next mail accepted"
else
	fail "next mail: $(e2e_data_reply)"
fi
f=$(delivered next@example.org)
if [ -z "$f" ]; then
	fail "next mail: nothing delivered"
elif out=$(python3 "$E2E_DIR/check_mail.py" sanitized "$f" 2>&1); then
	ok "next mail delivered sanitized ($out)"
else
	fail "next mail: $out"
fi
e2e_finish
