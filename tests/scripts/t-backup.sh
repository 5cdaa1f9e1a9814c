#!/bin/bash
# NAME
#   t-backup.sh - an online backup of the store restores to a working store
#
# DESCRIPTION
#   The procedure of docs/ja/backup.md: while items are being quarantined and
#   audit events written (a background loop of `mukaika sanitize` and
#   `mukaika purge`), `sqlite3 .backup` copies the database, then the
#   originals are copied (the audit head and key before the database).  The copy, as a new state directory, passes
#   `PRAGMA integrity_check` and `mukaika audit verify`; every item it lists
#   has its original (named by its sha256) and its report; the writer was
#   not disturbed (every sanitize exited as expected).
. "$(dirname "$0")/lib.sh"
mk_init
command -v sqlite3 > /dev/null || { echo "SKIP: no sqlite3"; exit 77; }
N=${MK_BACKUP_ITEMS:-40}

writer() {
	local i rc
	for ((i = 1; i <= N; i++)); do
		printf '%s %d\n' "$(head -c 68 "$T/eicar.com")" "$i" > "$T/w.bin"
		"$MK" sanitize --config "$CONF" --file --id "bk-$i" --name "f$i.bin" -q \
			-o "$T/w.out" "$T/w.bin" > /dev/null 2>&1
		rc=$?
		[ $rc = 2 ] || [ $rc = 3 ] || echo "sanitize bk-$i: exit $rc" >> "$T/writer.err"
		"$MK" purge --config "$CONF" > /dev/null 2>&1 || echo "purge $i failed" >> "$T/writer.err"
	done
}
"$MK" sanitize --config "$CONF" --file --id bk-0 --name f0.bin -q -o "$T/w0.out" \
	"$T/eicar.com" > /dev/null 2>&1
writer &
wpid=$!
for _ in $(seq 50); do
	[ "$(sqlite3 "$T/state/mukaika.db" 'SELECT count(*) FROM items' 2> /dev/null)" -ge 5 ] 2> /dev/null && break
	sleep 0.1
done
mkdir -p "$T/bk"
# docs/ja/backup.md: the audit head and key first, then the database, then originals
for f in audit.head audit.key; do
	[ -f "$T/state/$f" ] && cp -p "$T/state/$f" "$T/bk/"
done
# .timeout: a writer may hold the lock for a moment (as in production)
sqlite3 -cmd '.timeout 30000' "$T/state/mukaika.db" ".backup '$T/bk/mukaika.db'" && mk_ok || mk_fail "sqlite3 .backup failed"
cp -a "$T/state/quarantine" "$T/bk/quarantine"
during=$(kill -0 $wpid 2> /dev/null && echo yes || echo no)
wait $wpid
echo "backup taken while the writer ran: $during"
[ -s "$T/writer.err" ] && mk_fail "writer: $(head -3 "$T/writer.err")" || mk_ok

# restore into a new state directory
mkdir -p "$T/restored"
cp -p "$T/bk"/* "$T/restored/" 2> /dev/null; cp -a "$T/bk/quarantine" "$T/restored/"
mk_write_conf "$T/restored.conf" "$T/restored" "$T/db"
[ "$(sqlite3 "$T/restored/mukaika.db" 'PRAGMA integrity_check')" = ok ] && mk_ok ||
	mk_fail "integrity_check of the restored database"
"$MK" audit verify --config "$T/restored.conf" > "$T/verify" 2>&1 && mk_ok ||
	mk_fail "audit verify: $(cat "$T/verify")"
"$MK" quarantine list --config "$T/restored.conf" > "$T/list" 2>&1
n=$(wc -l < "$T/list")
[ "$n" -ge 5 ] && mk_ok || mk_fail "restored store lists $n items"
echo "restored: $n items of $((N + 1))"
missing=0
while read -r id sha; do
	f=$T/restored/quarantine/objects/${sha:0:2}/${sha:2}
	[ -f "$f" ] && [ "$(sha256sum < "$f" | cut -d' ' -f1)" = "$sha" ] || { missing=$((missing + 1)); echo "no original for $id"; }
	"$MK" quarantine show --config "$T/restored.conf" "$id" > /dev/null 2>&1 || { missing=$((missing + 1)); echo "no report for $id"; }
done < <(sqlite3 -separator ' ' "$T/restored/mukaika.db" 'SELECT id, sha256 FROM items')
[ $missing = 0 ] && mk_ok || mk_fail "$missing originals or reports missing after restore"
mk_finish
