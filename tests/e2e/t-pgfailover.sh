#!/bin/bash
# NAME
#   t-pgfailover.sh - end-to-end: the PostgreSQL store goes away while mail
#   flows through the real gateway, and comes back
#
# DESCRIPTION
#   A throwaway PostgreSQL (tests/tools/pgtmp.sh) as the gateway's store
#   (store.backend = postgresql), one private gateway (gateway-start.sh).
#     1. A mail whose zip holds EICAR, through the queueing relay:
#        delivered (sanitized, notice), its original held in the database.
#     2. The server stopped (pg_ctl -m fast): three such mails sent to the
#        relay stay deferred in Postfix's queue (the milter tempfails: the
#        original cannot be kept), a direct one gets 451; nothing is
#        delivered.
#     3. The server started again, postqueue -f: the three are delivered,
#        each exactly once, and held in the database exactly once (items
#        by Message-Id; no item twice, none lost).
#   The milter is never restarted: its store handle reconnects.
. "$(dirname "$0")/lib.sh"
e2e_init
PGT="$MK_SRCDIR/tests/tools/pgtmp.sh"
PGDIR=$T/pg
PG=$(bash "$PGT" start "$PGDIR") || { echo "SKIP: no postgresql"; exit 77; }
trap 'bash "$PGT" stop "$PGDIR"; e2e_cleanup' EXIT
PSQL=(psql "$PG" -qAtX)
printf '[store]\nbackend = postgresql\npostgresql = %s\n' "$PG" >"$T/extra.conf"
e2e_start "$T/extra.conf"
D=$T/data
mkdir -p "$D"
e2e_eicar "$D/eicar.com"
mkmail() {   # mkmail ID: $D/ID.eml, a text mail with files.zip holding EICAR
	python3 - "$D" "$1" <<'PY'
import sys, zipfile
from email.message import EmailMessage
d, mid = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(d + '/files.zip', 'w') as z:
    z.write(d + '/eicar.com', 'eicar.com')
m = EmailMessage()
m['From'] = 'sender@example.org'
m['To'] = 'user@lgwan.example'
m['Subject'] = 'failover ' + mid
m['Message-ID'] = '<' + mid + '@example.org>'
m.set_content('see attachment')
m.add_attachment(open(d + '/files.zip', 'rb').read(), maintype='application',
                 subtype='zip', filename='files.zip')
open(d + '/' + mid + '.eml', 'w', newline='\r\n').write(m.as_string())
PY
}
items() { "${PSQL[@]}" -c "SELECT count(*) FROM items" 2>/dev/null; }
delivered() { grep -l -r -F "<$1@example.org>" "$GW_SINK_DIR" 2>/dev/null | wc -l; }

# ---- 1. store up -----------------------------------------------------------
mkmail fo-0
e2e_swaks "$GW_RELAY_PORT" --data "$D/fo-0.eml"
if e2e_wait_sink 1 60 && [ "$(items)" = 1 ]; then ok "store up: delivered, original held in postgresql"
else fail "store up: sink $(e2e_sink_count), items $(items)"; fi

# ---- 2. store down ----------------------------------------------------------
bash "$PGT" stop "$PGDIR"
n0=$(e2e_sink_count)
for i in 1 2 3; do mkmail "fo-$i"; e2e_swaks "$GW_RELAY_PORT" --data "$D/fo-$i.eml"; done
if e2e_wait_deferred 3 90; then ok "store down: three mails deferred in the queue"
else fail "store down: not deferred (queue: $(e2e_queue_count))"; fi
mkmail fo-direct
e2e_swaks "$GW_SMTP_PORT" --data "$D/fo-direct.eml"
[ "$(e2e_data_code)" = 451 ] && ok "store down: direct mail gets 451" ||
	fail "store down: direct mail: $(e2e_data_reply)"
[ "$(e2e_sink_count)" = "$n0" ] && ok "store down: nothing delivered" || fail "delivered while the store was down"

# ---- 3. store back ---------------------------------------------------------------
bash "$PGT" restart "$PGDIR" || fail "postgresql did not come back"
postqueue -c "$GW_POSTFIX_CONF" -f
if e2e_wait_queue_empty 90 && e2e_wait_sink $((n0 + 3)) 30; then
	ok "store back: the deferred mails delivered"
else
	fail "store back: queue $(e2e_queue_count), sink $(e2e_sink_count)"
fi
for i in 0 1 2 3; do
	[ "$(delivered "fo-$i")" = 1 ] && ok "fo-$i delivered exactly once" ||
		fail "fo-$i delivered $(delivered "fo-$i") times"
done
[ "$(delivered fo-direct)" = 0 ] && ok "the refused direct mail was not delivered" ||
	fail "the direct mail was delivered"
n=$(items)
[ "$n" = 4 ] && ok "four items held, none lost, none twice" || fail "items held: $n (want 4)"
e2e_finish
