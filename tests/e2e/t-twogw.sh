#!/bin/bash
# NAME
#   t-twogw.sh - end-to-end: two gateways and two review hosts on one
#   PostgreSQL
#
# DESCRIPTION
#   A throwaway PostgreSQL (tests/tools/pgtmp.sh); two private gateways A
#   and B (gateway-start.sh: each its own Postfix, mukaika-milter, sink
#   and state directory) and two mukaika-web (WA, WB), all with
#   store.backend = postgresql and the same audit.key.
#     1. A mail with an executable goes through A, another through B:
#        both originals are held in the one database.
#     2. op1 requests the release of A's item on WB; ap1 approves it on
#        WA: it is delivered to the release relay exactly once, the
#        request is "released"; approving again on WB is refused.
#     3. Both review hosts take logins at the same time (each login and
#        each failure is an audit event): the one chain, written by two
#        hosts at once, verifies from either host.
. "$(dirname "$0")/lib.sh"
e2e_init
WEBBIN=$MK_BUILDDIR/src/web/mukaika-web
[ -x "$WEBBIN" ] || { echo "SKIP: no mukaika-web"; exit 77; }
PGT="$MK_SRCDIR/tests/tools/pgtmp.sh"
PGDIR=$T/pg
PG=$(bash "$PGT" start "$PGDIR") || { echo "SKIP: no postgresql"; exit 77; }
WPIDS=()
SPID=
cleanup2() {
	for p in "${WPIDS[@]}" $SPID; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for g in a b; do
		[ -f "$T/gw$g/gateway.env" ] && "$MK_SRCDIR/scripts/gateway-stop.sh" --dir "$T/gw$g" >/dev/null 2>&1
	done
	bash "$PGT" stop "$PGDIR"
	rm -rf "$T"
}
trap cleanup2 EXIT
PSQL=(psql "$PG" -qAtX)
DUSER=$("$MK_SRCDIR/scripts/daemon-user.sh") || { echo "ERROR: no daemon account"; exit 1; }
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# the one audit key of every host
mkdir -p "$T/shared" "$T/rsink"
head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n' > "$T/shared/audit.key"
chown -R "$DUSER:" "$T/shared"
chmod 0750 "$T/shared"
chmod 0640 "$T/shared/audit.key"
printf '[store]\nbackend = postgresql\npostgresql = %s\n[audit]\nkey_file = %s\n' \
	"$PG" "$T/shared/audit.key" >"$T/common.conf"

for g in a b; do
	"$MK_SRCDIR/scripts/gateway-start.sh" --dir "$T/gw$g" --builddir "$MK_BUILDDIR" \
		--extra-conf "$T/common.conf" >"$T/start-$g.out" 2>&1 ||
		{ echo "ERROR: gateway $g did not start"; cat "$T/start-$g.out"; exit 1; }
done
envof() { (. "$T/gw$1/gateway.env"; eval "echo \$$2"); }
CLI=$(envof a GW_CLI_BIN)

# release relay: one SMTP sink for both review hosts
python3 "$MK_SRCDIR/tests/web/smtp_sink.py" "$T/rsink.port" "$T/rsink" &
SPID=$!
for _ in $(seq 1 50); do [ -s "$T/rsink.port" ] && break; sleep 0.1; done

# two review hosts, each with its own state directory (its checkpoint)
for w in a b; do
	mkdir -p "$T/w$w/state" "$T/w$w/out"
	port=$(free_port)
	echo "$port" > "$T/w$w/port"
	{
		printf '[general]\nstate_dir = %s\nuser = %s\n' "$T/w$w/state" "$DUSER"
		printf '[clamav]\ndatabase_dir = %s\n' "$(sed -n 's/^database_dir = //p' "$(envof a GW_CONF)")"
		printf '[dropd]\nout_dir = %s\n' "$T/w$w/out"
		printf '[web]\nlisten = 127.0.0.1:%s\npassword_hash_cost = minimum\nlogin_burst = 200\n' "$port"
		printf '[release]\nsmtp_relay = 127.0.0.1:%s\nhelo = test.invalid\n' "$(cat "$T/rsink.port")"
		cat "$T/common.conf"
	} > "$T/w$w/web.conf"
done
CA=$T/wa/web.conf
ADMIN_PW='admin-password-0001'
temp=$("$CLI" user add --config "$CA" --role admin root) || fail "first admin"
MUKAIKA_PASSWORD=$temp MUKAIKA_NEW_PASSWORD=$ADMIN_PW "$CLI" user passwd --config "$CA" \
	--as root root </dev/null || fail "admin passwd"
account() {
	local t
	t=$(MUKAIKA_PASSWORD=$ADMIN_PW "$CLI" user add --config "$CA" --as root --role "$2" "$1" </dev/null) &&
	# set-up: one confirmed admin, so the shell confirms (two-person rule)
	"$CLI" user confirm --config "$CA" "$1" </dev/null >/dev/null &&
	MUKAIKA_PASSWORD=$t MUKAIKA_NEW_PASSWORD=$3 "$CLI" user passwd --config "$CA" --as "$1" "$1" </dev/null ||
		fail "account $1"
}
account op1 operator 'operator-password-01'
account ap1 approver 'approver-password-01'
for w in a b; do
	chown -R "$DUSER" "$T/w$w"
	"$WEBBIN" --foreground --config "$T/w$w/web.conf" >>"$T/w$w/web.log" 2>&1 &
	WPIDS+=($!)
done
for w in a b; do
	for _ in $(seq 1 100); do grep -q listening "$T/w$w/web.log" 2>/dev/null && break; sleep 0.1; done
	grep -q listening "$T/w$w/web.log" && ok "review host $w up" || { fail "web $w: $(tail -3 "$T/w$w/web.log")"; e2e_finish; }
done

# ---- 1. one mail through each gateway ---------------------------------------------
for g in a b; do
	port=$(envof "$g" GW_SMTP_PORT)
	swaks --server "127.0.0.1:$port" --helo client.example --from sender@example.org \
		--to user@lgwan.example --header "Subject: via $g" --header "Message-Id: <via-$g@example.org>" \
		--attach-type application/octet-stream --attach-name tool.exe --attach /bin/true \
		--timeout 60 >"$T/swaks-$g.out" 2>&1 || fail "swaks via $g"
done
n=$("${PSQL[@]}" -c "SELECT count(*) FROM items WHERE subject IN ('via a', 'via b')")
[ "$n" = 2 ] && ok "both gateways hold into the one database" || fail "items held: $n"
ID=$("${PSQL[@]}" -c "SELECT id FROM items WHERE subject = 'via a'")

# ---- 2. request on WB, approve on WA -----------------------------------------------
PYTHONPATH=$MK_SRCDIR/tests/web python3 - "$(cat "$T/wa/port")" "$(cat "$T/wb/port")" "$ID" \
	"$PG" >"$T/flow.out" 2>&1 <<'PY'
import re, subprocess, sys
from webclient import Client
pa, pb, item, pg = sys.argv[1:5]
A, B = "http://127.0.0.1:" + pa, "http://127.0.0.1:" + pb
op = Client(B, 20)
op.login("op1", "operator-password-01")
st, h, _ = op.req("POST", "/item/%s/request" % item, {"reason": "needed", "csrf": op.csrf("/items")})
print("request", st)
ap = Client(A, 20)
ap.login("ap1", "approver-password-01")
rid = subprocess.run(["psql", pg, "-qAtX", "-c", "SELECT id FROM requests WHERE item = '%s'"
                      % item], capture_output=True, text=True).stdout.strip()
print("rid", rid)
st, _, page = ap.req("POST", "/request/%s/approve" % rid, {"csrf": ap.csrf("/approvals"), "confirm": "1"})
print("approve", st)
if st != 303: print(re.sub(r"<[^>]+>", " ", page)[-600:])
ap2 = Client(B, 20)
ap2.login("ap1", "approver-password-01")
st, _, page = ap2.req("POST", "/request/%s/approve" % rid, {"csrf": ap2.csrf("/approvals"), "confirm": "1"})
print("again", st)
PY
grep -qx 'request 303' "$T/flow.out" && ok "op1 requested the release on review host B" || fail "request: $(cat "$T/flow.out")"
grep -qx 'approve 303' "$T/flow.out" && ok "ap1 approved it on review host A" || fail "approve: $(cat "$T/flow.out")"
grep -qx 'again 403' "$T/flow.out" && ok "a second approval on B is refused" || fail "again: $(cat "$T/flow.out")"
for _ in $(seq 1 50); do [ "$(ls "$T/rsink" 2>/dev/null | wc -l)" -ge 1 ] && break; sleep 0.1; done
sleep 1
n=$(grep -l -r -F '<via-a@example.org>' "$T/rsink" 2>/dev/null | wc -l)
[ "$n" = 1 ] && ok "released mail delivered exactly once" || fail "released mail delivered $n times"
st=$("${PSQL[@]}" -c "SELECT status FROM requests WHERE item = '$ID'")
[ "$st" = released ] && ok "request is released" || fail "request status: $st"

# ---- 3. both review hosts write the chain at once -------------------------------------
before=$("${PSQL[@]}" -c "SELECT count(*) FROM audit")
PYTHONPATH=$MK_SRCDIR/tests/web python3 - "$(cat "$T/wa/port")" "$(cat "$T/wb/port")" <<'PY'
import sys, threading
from webclient import Client
def hammer(port, k):
    for i in range(15):
        try:
            Client("http://127.0.0.1:" + port, 20).login("nobody%d%d" % (k, i), "x", mfa=False)
        except Exception:
            pass
ts = [threading.Thread(target=hammer, args=(p, k)) for k, p in enumerate(sys.argv[1:3] * 2)]
[t.start() for t in ts]
[t.join() for t in ts]
PY
after=$("${PSQL[@]}" -c "SELECT count(*) FROM audit")
echo "audit events written during the parallel logins: $((after - before))"
[ $((after - before)) -ge 20 ] && ok "both hosts wrote events at once ($((after - before)))" ||
	fail "only $((after - before)) events written"
for w in a b; do
	"$CLI" audit verify --config "$T/w$w/web.conf" >"$T/verify-$w" 2>&1 &&
		ok "audit chain verifies from review host $w" || fail "verify on $w: $(cat "$T/verify-$w")"
done
gaps=$("${PSQL[@]}" -c "SELECT count(*) FROM audit a WHERE id > 1 AND NOT EXISTS
	(SELECT 1 FROM audit b WHERE b.id = a.id - 1 AND b.hash = a.prev)")
[ "$gaps" = 0 ] && ok "one chain: every event follows the one before" || fail "$gaps events off the chain"
e2e_finish
