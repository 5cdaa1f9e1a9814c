#!/bin/bash
# NAME
#   t-store-pg.sh - the store test suite again, against a real PostgreSQL
#
# DESCRIPTION
#   Starts a throwaway server (tests/tools/pgtmp.sh) and runs the store's
#   Check suites (qstore, users, release, audit, exceptions, unlock, accounts,
#   stats) with MK_STORE_BACKEND=postgresql: every test case gets its own
#   schema on that server (testutil.c, mkt_config).  Then the rules the
#   database itself enforces, through psql as the gateway's role would
#   reach them: the audit table refuses UPDATE, DELETE of recent events
#   and TRUNCATE; a decision by the requester is refused.
#
# EXIT STATUS
#   0 all passed, 1 a failure, 77 no PostgreSQL server installed.
. "$(dirname "$0")/lib.sh"
mk_init
PGT="$MK_SRCDIR/tests/tools/pgtmp.sh"
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-120}
PGDIR=$(mktemp -d /tmp/mk-pg.XXXXXX)
rmdir "$PGDIR"
PG=$(bash "$PGT" start "$PGDIR") || { rc=$?; [ $rc -eq 77 ] && mk_skip "no postgresql"; exit $rc; }
trap 'bash "$PGT" stop "$PGDIR"; rm -rf "$PGDIR" "$T"' EXIT
PSQL=(psql "$PG" -qAtX -v ON_ERROR_STOP=1)

suites=(tests/test_qstore tests/web/test_users tests/web/test_release
	tests/web/test_audit tests/web/test_exceptions tests/web/test_unlock tests/web/test_stats tests/web/test_accounts)
for t in "${suites[@]}"; do          # all at once: the server serializes little
	name=${t##*/}
	( MK_STORE_BACKEND=postgresql MK_TEST_PG="$PG" CK_VERBOSITY=minimal \
		"$MK_BUILDDIR/$t" >"$T/$name.log" 2>&1; echo $? >"$T/$name.rc" ) &
done
wait
for t in "${suites[@]}"; do
	name=${t##*/}
	if [ "$(cat "$T/$name.rc")" = 0 ]; then
		mk_ok
	else
		mk_fail "$name on postgresql: $(grep -E ':[EF]:' "$T/$name.log" | head -5)"
	fi
done

# The database's own rules, on a store the CLI made (mukaika user add).
cat >>"$CONF" <<CFG
[store]
backend = postgresql
postgresql = $PG
CFG
"$MK" user add --config "$CONF" adm1 admin >/dev/null 2>"$T/err" || mk_fail "user add: $(cat "$T/err")"
"$MK" user list --config "$CONF" 2>"$T/err" | grep -q adm1 && mk_ok || mk_fail "user list: $(cat "$T/err")"
"${PSQL[@]}" -c "SELECT max(version) FROM schema_version" | grep -qx 1 && mk_ok \
	|| mk_fail "schema_version"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM audit")
[ "$n" -ge 1 ] && mk_ok || mk_fail "no audit event for user add"
for sql in "UPDATE audit SET who = 'x'" "DELETE FROM audit" "TRUNCATE audit" \
	"DELETE FROM audit_keep" "UPDATE audit_keep SET days = 0"; do
	if "${PSQL[@]}" -c "$sql" >/dev/null 2>&1; then
		mk_fail "the database allowed: $sql"
	else
		mk_ok
	fi
done
"${PSQL[@]}" -c "INSERT INTO items (id, channel, verdict, report, sha256, size, received, expires)
	VALUES ('i1', 'mail', 'quarantined', '{}', 'x', 1, 1, 2);
	INSERT INTO requests (item, requester, created, reason) VALUES ('i1', 'adm1', 1, 'r')" \
	|| mk_fail "setup of the two-person check"
if "${PSQL[@]}" -c "INSERT INTO decisions (request, approver, created, decision)
	SELECT id, 'adm1', 1, 'approve' FROM requests" >/dev/null 2>&1; then
	mk_fail "the database let the requester decide"
else
	mk_ok
fi
"${PSQL[@]}" -c "INSERT INTO exceptions (pattern, action, reason, requester, created, expires)
	VALUES ('@example.jp', 'strip', 'r', 'adm1', 1, 9999999999)" || mk_fail "exception setup"
if "${PSQL[@]}" -c "UPDATE exceptions SET approver = 'adm1', approved = 2" >/dev/null 2>&1; then
	mk_fail "the database let the proposer approve"
else
	mk_ok
fi
"$MK" audit verify --config "$CONF" >"$T/verify" 2>&1 && mk_ok || mk_fail "audit verify: $(cat "$T/verify")"
mk_finish
