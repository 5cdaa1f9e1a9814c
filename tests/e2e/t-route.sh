#!/bin/bash
# NAME
#   t-route.sh - end-to-end: the AV-only (outbound) route through real Postfix
#
# DESCRIPTION
#   One private gateway (scripts/gateway-start.sh) configured with
#   milter.outbound_domains = the municipality's domain and
#   milter.outbound_clients = 127.0.0.2 (the "LGWAN side" client).  The same
#   mail -- an HTML body and an .exe attachment -- is sent:
#     1. from 127.0.0.1 (not listed) with MAIL FROM at the municipal domain:
#        the forged sender must not buy the AV-only route; delivered
#        sanitized (text body, exe gone), milter log route=inbound;
#     2. from 127.0.0.2 (listed) with a municipal sender: AV-only route,
#        delivered with its HTML and attachment, route=outbound;
#     3. from 127.0.0.2 with a foreign sender: the domain narrows the
#        client's route: sanitized, route=inbound.
#   Delivered mail is matched by its envelope sender (smtp-sink's
#   X-Mail-Args line), never by a header the sender wrote.
. "$(dirname "$0")/lib.sh"
e2e_init
DOM=city.example.jp
printf '[milter]\noutbound_clients = 127.0.0.2/32\noutbound_domains = %s\n' "$DOM" >"$T/extra.conf"
e2e_start "$T/extra.conf"
e2e_privs "mukaika-milter after start" "$(cat "$GW_MILTER_PID")"
D=$T/data
mkdir -p "$D"

python3 - "$D/mail.eml" <<'PY'
import sys
from email.message import EmailMessage
m = EmailMessage()
m['From'] = 'Staff <staff@city.example.jp>'
m['To'] = 'user@lgwan.example'
m['Subject'] = 'route e2e'
m.set_content('<html><body><p>Invoice <a href="http://evil.example/x">here</a></p>'
              '</body></html>', subtype='html')
m.add_attachment(open('/bin/true', 'rb').read(), maintype='application',
                 subtype='octet-stream', filename='tool.exe')
open(sys.argv[1], 'w', newline='\r\n').write(m.as_string())
PY

# send FROM-ADDR LOCAL-IP: the mail, envelope sender FROM-ADDR
send() {
	e2e_swaks "$GW_SMTP_PORT" --from "$1" --local-interface "$2" --data "$D/mail.eml" &&
		[ "$(e2e_data_code)" = 250 ]
}

# check NAME FROM-ADDR MODE(sanitized|avonly) ROUTE
check() {
	local name=$1 from=$2 mode=$3 route=$4 f out
	f=
	for _ in $(seq 100); do
		f=$(e2e_sink_by_sender "$from") && [ -n "$f" ] && break
		sleep 0.2
	done
	if [ -z "$f" ]; then fail "$name: nothing delivered for <$from>"; return; fi
	if out=$(python3 "$E2E_DIR/check_mail.py" "$mode" "$f" 2>&1); then
		ok "$name: delivered $mode ($out)"
	else
		fail "$name: $out"
	fi
	if e2e_wait_log "from=<$from> .*route=$route " 1 10; then
		ok "$name: milter log says route=$route"
	else
		fail "$name: no 'from=<$from> ... route=$route' in the milter log"
	fi
}

send "x@$DOM" 127.0.0.1 && ok "forged municipal sender accepted" ||
	fail "forged sender: $(e2e_data_reply)"
check "forged municipal sender, unlisted client" "x@$DOM" sanitized inbound

send "y@$DOM" 127.0.0.2 && ok "listed client accepted" || fail "listed client: $(e2e_data_reply)"
check "listed client, municipal sender" "y@$DOM" avonly outbound

send "z@evil.example" 127.0.0.2 && ok "listed client, foreign sender accepted" ||
	fail "listed client, foreign sender: $(e2e_data_reply)"
check "listed client, foreign sender" "z@evil.example" sanitized inbound
e2e_finish
