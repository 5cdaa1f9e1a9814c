#!/bin/bash
# NAME
#   t-store-migrate.sh - `mukaika store migrate` from SQLite to PostgreSQL
#
# DESCRIPTION
#   A SQLite store with three quarantined items (two share one original),
#   accounts (one set up by another admin, not yet confirmed), a session,
#   a release request with its decision, a policy exception and audit
#   events is moved into a throwaway PostgreSQL server
#   (tests/tools/pgtmp.sh).  Checked on the target: every row count, each
#   original reassembled from its chunks hashes to its sha256, the CLI on
#   the postgresql backend lists the items and accounts, the audit chain
#   verifies with the same key and new events continue it; a second run
#   into the now non-empty target is refused (64) and a damaged original
#   fails the move (65) leaving the other target empty.
#
# EXIT STATUS
#   0 all passed, 1 a failure, 77 no PostgreSQL server or sqlite3.
. "$(dirname "$0")/lib.sh"
mk_init
command -v sqlite3 > /dev/null || { echo "SKIP: no sqlite3"; exit 77; }
PGT="$MK_SRCDIR/tests/tools/pgtmp.sh"
PGDIR=$(mktemp -d /tmp/mk-pg.XXXXXX)
rmdir "$PGDIR"
PG=$(bash "$PGT" start "$PGDIR") || { rc=$?; [ $rc -eq 77 ] && mk_skip "no postgresql"; exit $rc; }
trap 'bash "$PGT" stop "$PGDIR"; rm -rf "$PGDIR" "$T"' EXIT
PSQL=(psql "$PG" -qAtX -v ON_ERROR_STOP=1)
DB=$T/state/mukaika.db

# --- the SQLite store ------------------------------------------------------
for id in m-1 m-2 m-3; do
	cp "$T/eicar.com" "$T/$id.bin"
	[ "$id" = m-3 ] && printf 'x' >> "$T/$id.bin"      # a second original
	"$MK" sanitize --config "$CONF" --file --id "$id" --name "$id.bin" -q \
		-o "$T/$id.out" "$T/$id.bin" > /dev/null 2>&1
done
"$MK" user add --config "$CONF" --role admin adm1 > /dev/null 2>&1 || mk_fail "user add"
sqlite3 "$DB" "
	INSERT INTO users (name, role, pwhash, created, granted_by) VALUES
	 ('op1', 'operator', 'h1', 10, 'adm1'), ('apr1', 'approver', 'h2', 11, NULL);
	INSERT INTO sessions VALUES ('$(printf '%064d' 7)', 'op1', 'c', '192.0.2.1', 20, 21);
	INSERT INTO requests (id, item, requester, created, reason, status)
	 VALUES (7, 'm-1', 'op1', 30, 'needed', 'approved');
	INSERT INTO decisions (id, request, approver, created, decision, comment)
	 VALUES (9, 7, 'apr1', 31, 'approve', 'ok');
	INSERT INTO exceptions (id, pattern, action, reason, requester, approver, created,
	 approved, expires, revoked) VALUES (4, '@example.jp', 'strip', 'r', 'adm1', 'apr1',
	 40, 41, 9999999999, NULL);" || mk_fail "seeding the sqlite store"
"$MK" audit verify --config "$CONF" > /dev/null 2>&1 && mk_ok || mk_fail "source chain"
nev=$(sqlite3 "$DB" "SELECT count(*) FROM audit")
[ "$nev" -ge 1 ] && mk_ok || mk_fail "no audit events in the source"

# --- move it --------------------------------------------------------------
"$MK" store migrate --config "$CONF" --from "sqlite:$DB" --to "postgresql:$PG" \
	> "$T/mig" 2>&1 && mk_ok || mk_fail "migrate: $(cat "$T/mig")"
for row in "items 3" "users 3" "sessions 1" "requests 1" "decisions 1" "exceptions 1" \
	"audit $nev" "originals 2"; do
	grep -Eq "^${row% *} +${row#* }\$" "$T/mig" && mk_ok || mk_fail "want $row: $(cat "$T/mig")"
done
grep -q '^audit chain: verified' "$T/mig" && mk_ok || mk_fail "chain: $(cat "$T/mig")"
bad=$("${PSQL[@]}" -c "SELECT count(*) FROM (SELECT sha256, encode(sha256(string_agg(data,
	''::bytea ORDER BY seq)), 'hex') AS h FROM objects GROUP BY sha256) o WHERE h <> sha256")
[ "$bad" = 0 ] && mk_ok || mk_fail "$bad originals differ after the move"
"${PSQL[@]}" -c "SELECT granted_by FROM users WHERE name = 'op1'" | grep -qx adm1 && mk_ok \
	|| mk_fail "the pending grant was lost"

# --- use it ---------------------------------------------------------------
PCONF=$T/pg.conf
cp "$CONF" "$PCONF"
printf '[store]\nbackend = postgresql\npostgresql = %s\n' "$PG" >> "$PCONF"
[ "$("$MK" quarantine list --config "$PCONF" | wc -l)" = 3 ] && mk_ok || mk_fail "list on postgresql"
"$MK" user list --config "$PCONF" | grep -q apr1 && mk_ok || mk_fail "accounts on postgresql"
"$MK" purge --config "$PCONF" > "$T/p" 2>&1 && mk_ok || mk_fail "purge on postgresql: $(cat "$T/p")"
[ "$("${PSQL[@]}" -c "SELECT max(id) FROM audit")" -gt "$nev" ] && mk_ok || mk_fail "no new event"
"$MK" audit verify --config "$PCONF" > "$T/v" 2>&1 && mk_ok || mk_fail "verify on postgresql: $(cat "$T/v")"
# a new event continues the copied chain (ids after the source's)
"${PSQL[@]}" -c "INSERT INTO requests (item, requester, created, reason) VALUES ('m-2', 'op1', 50, 'x')
	RETURNING id" | grep -qx 8 && mk_ok || mk_fail "identity counter not moved past the copied ids"

# --- refusals -------------------------------------------------------------
"$MK" store migrate --config "$CONF" --from "sqlite:$DB" --to "postgresql:$PG" > "$T/again" 2>&1
[ $? = 64 ] && mk_ok || mk_fail "a second move into a non-empty store: $(cat "$T/again")"
psql "${PG/dbname=mukaika/dbname=postgres}" -qAtX -c "CREATE DATABASE m2"
PG2=${PG/dbname=mukaika/dbname=m2}
obj=$(find "$T/state/quarantine/objects" -type f | head -1)
printf 'tampered' > "$obj"
"$MK" store migrate --config "$CONF" --from "sqlite:$DB" --to "postgresql:$PG2" > "$T/dmg" 2>&1
[ $? = 65 ] && mk_ok || mk_fail "a damaged original: $(cat "$T/dmg")"
n=$(psql "$PG2" -qAtX -c "SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM objects)")
[ "$n" = 0 ] && mk_ok || mk_fail "a failed move left $n rows"
mk_finish
