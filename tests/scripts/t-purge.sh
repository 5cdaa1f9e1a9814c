#!/bin/bash
# NAME
#   t-purge.sh - `mukaika purge`: the retention routine with disposal records
#
# DESCRIPTION
#   Three quarantined items; two are made 100 days old (received and expiry
#   moved back in the database, as time would).  --dry-run lists them and
#   deletes nothing; purge deletes exactly those two, each with an
#   "item.dispose" audit event naming it, keeps the third, and the audit
#   chain still verifies.
. "$(dirname "$0")/lib.sh"
mk_init
command -v sqlite3 > /dev/null || { echo "SKIP: no sqlite3"; exit 77; }
DB=$T/state/mukaika.db

for id in old-1 old-2 new-1; do
	cp "$T/eicar.com" "$T/$id.bin"
	"$MK" sanitize --config "$CONF" --file --id "$id" --name "$id.bin" -q \
		-o "$T/$id.out" "$T/$id.bin" > /dev/null 2>&1
done
n=$("$MK" quarantine list --config "$CONF" | wc -l)
[ "$n" = 3 ] && mk_ok || mk_fail "want 3 quarantined items, have $n"
sqlite3 "$DB" "UPDATE items SET received = received - 8640000, expires = expires - 8640000
	WHERE id IN ('old-1', 'old-2');" || mk_fail "cannot age the items"

"$MK" purge --config "$CONF" --dry-run > "$T/dry" 2>&1 && mk_ok || mk_fail "dry run failed: $(cat "$T/dry")"
[ "$(grep -c '^would dispose old-' "$T/dry")" = 2 ] && mk_ok || mk_fail "dry run: $(cat "$T/dry")"
n=$("$MK" quarantine list --config "$CONF" | wc -l)
[ "$n" = 3 ] && mk_ok || mk_fail "dry run deleted something ($n left)"

"$MK" purge --config "$CONF" > "$T/run" 2>&1 && mk_ok || mk_fail "purge failed: $(cat "$T/run")"
grep -qx '2 items disposed, 0 audit events purged' "$T/run" && mk_ok || mk_fail "purge said: $(cat "$T/run")"
"$MK" quarantine list --config "$CONF" > "$T/left"
{ grep -q '^new-1 ' "$T/left" && [ "$(wc -l < "$T/left")" = 1 ]; } && mk_ok ||
	mk_fail "left after purge: $(cat "$T/left")"
"$MK" audit list --config "$CONF" --what item.dispose > "$T/audit" 2>&1
for id in old-1 old-2; do
	grep "$id" "$T/audit" | grep -q "system" && mk_ok || mk_fail "no disposal record for $id: $(cat "$T/audit")"
done
"$MK" audit export --config "$CONF" --format json --what item.dispose > "$T/audit.json" 2>&1
[ "$(grep -o 'sha256 [0-9a-f]\{64\}' "$T/audit.json" | wc -l)" = 2 ] && mk_ok ||
	mk_fail "disposal records lack the sha256: $(head -c 300 "$T/audit.json")"
"$MK" audit verify --config "$CONF" > "$T/verify" 2>&1 && mk_ok || mk_fail "audit verify: $(cat "$T/verify")"
"$MK" purge --config "$CONF" > "$T/run2" 2>&1
grep -qx '0 items disposed, 0 audit events purged' "$T/run2" && mk_ok || mk_fail "second run: $(cat "$T/run2")"
mk_finish
