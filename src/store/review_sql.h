/*
 * NAME
 *   review_sql.h - schema v2..v4 of the quarantine database: review
 *   accounts, sessions, release requests, decisions, policy exceptions, the
 *   append-only audit table (v2); unconfirmed grants and deletion requests
 *   (v3); processed-item rows (v4)
 *
 * DESCRIPTION
 *   Included by qstore.c only, as entries 2..4 of its migrations array.
 *
 *   Rules the database itself enforces (so that no code path, CLI or web,
 *   can skip them):
 *   - two-person rule: a trigger refuses a decision whose approver is the
 *     requester of the request, and an exception approved by its requester;
 *   - one open request (pending or approved) per item (partial unique index);
 *   - audit is append-only: UPDATE is always refused; DELETE is refused
 *     unless the row is older than audit_keep.days (the configured
 *     audit.retention_days, which the purge function writes into
 *     audit_keep in the same transaction it deletes in and records as an
 *     audit event); INSERT OR REPLACE over an existing id is refused
 *     (REPLACE would delete without firing the delete trigger); audit_keep cannot be deleted nor set below one day.
 *     Each audit row carries sha256(prev hash, fields): `mukaika audit
 *     verify` detects rows changed or removed outside the program.
 */
#ifndef MK_REVIEW_SQL_H
#define MK_REVIEW_SQL_H

#define MK_SCHEMA_V2 \
	"CREATE TABLE users (" \
	" name TEXT PRIMARY KEY," \
	" role TEXT NOT NULL CHECK (role IN ('viewer','operator','approver','admin'))," \
	" pwhash TEXT NOT NULL," \
	" must_change INTEGER NOT NULL DEFAULT 1," \
	" failed INTEGER NOT NULL DEFAULT 0," \
	" failed_since_login INTEGER NOT NULL DEFAULT 0," \
	" locked_until INTEGER NOT NULL DEFAULT 0," \
	" disabled INTEGER NOT NULL DEFAULT 0," \
	" last_login INTEGER NOT NULL DEFAULT 0," \
	" last_login_ip TEXT," \
	" created INTEGER NOT NULL);" \
	"CREATE TABLE sessions (" \
	" token_hash TEXT PRIMARY KEY," \
	" user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE," \
	" csrf TEXT NOT NULL," \
	" ip TEXT," \
	" created INTEGER NOT NULL," \
	" last_seen INTEGER NOT NULL);" \
	"CREATE TABLE requests (" \
	" id INTEGER PRIMARY KEY," \
	" item TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE," \
	" requester TEXT NOT NULL," \
	" created INTEGER NOT NULL," \
	" reason TEXT NOT NULL," \
	" status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN" \
	"  ('pending','approved','denied','released','failed')));" \
	"CREATE UNIQUE INDEX requests_open ON requests(item)" \
	" WHERE status IN ('pending','approved');" \
	"CREATE TABLE decisions (" \
	" id INTEGER PRIMARY KEY," \
	" request INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE," \
	" approver TEXT NOT NULL," \
	" created INTEGER NOT NULL," \
	" decision TEXT NOT NULL CHECK (decision IN ('approve','deny'))," \
	" comment TEXT);" \
	"CREATE TRIGGER decisions_two_person BEFORE INSERT ON decisions" \
	" WHEN new.approver = (SELECT requester FROM requests WHERE id = new.request)" \
	" BEGIN SELECT RAISE(ABORT, 'two-person rule: the requester cannot decide'); END;" \
	"CREATE TABLE exceptions (" \
	" id INTEGER PRIMARY KEY," \
	" pattern TEXT NOT NULL," \
	" action TEXT NOT NULL CHECK (action IN ('allow','sanitize','strip','quarantine','reject'))," \
	" reason TEXT NOT NULL," \
	" requester TEXT NOT NULL," \
	" approver TEXT," \
	" created INTEGER NOT NULL," \
	" approved INTEGER," \
	" expires INTEGER NOT NULL," \
	" revoked INTEGER);" \
	"CREATE TRIGGER exceptions_two_person BEFORE UPDATE OF approver ON exceptions" \
	" WHEN new.approver = old.requester" \
	" BEGIN SELECT RAISE(ABORT, 'two-person rule: the requester cannot approve'); END;" \
	"CREATE TABLE audit (" \
	" id INTEGER PRIMARY KEY AUTOINCREMENT," \
	" ts INTEGER NOT NULL," \
	" who TEXT NOT NULL," \
	" ip TEXT NOT NULL," \
	" what TEXT NOT NULL," \
	" item TEXT," \
	" result TEXT NOT NULL," \
	" detail TEXT," \
	" prev TEXT NOT NULL," \
	" hash TEXT NOT NULL);" \
	"CREATE INDEX audit_ts ON audit(ts);" \
	"CREATE TABLE audit_keep (" \
	" one INTEGER PRIMARY KEY CHECK (one = 1)," \
	" days INTEGER NOT NULL CHECK (days >= 1));" \
	"INSERT INTO audit_keep VALUES (1, 1830);" \
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit" \
	" BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;" \
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit" \
	" WHEN old.ts >= CAST(strftime('%s','now') AS INTEGER)" \
	"  - 86400 * (SELECT days FROM audit_keep)" \
	" BEGIN SELECT RAISE(ABORT, 'audit is append-only: only events older" \
	" than audit.retention_days may be purged'); END;" \
	"CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit" \
	" WHEN new.id > 0 AND new.id <= (SELECT coalesce(max(id), 0) FROM audit)" \
	" BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;" \
	"CREATE TRIGGER audit_keep_no_delete BEFORE DELETE ON audit_keep" \
	" BEGIN SELECT RAISE(ABORT, 'audit retention row is required'); END;"

/* v3: no one-person release through a second account.  users.granted_by
 * names the admin whose grant (add, role) or password reset of the
 * account no other admin has confirmed yet; while it is set, the account
 * and that admin cannot decide each other's requests.  requests.kind:
 * a release of the original, or the deletion of an item (two admins). */
#define MK_SCHEMA_V3 \
	"ALTER TABLE users ADD COLUMN granted_by TEXT;" \
	"ALTER TABLE requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'release'" \
	" CHECK (kind IN ('release','delete'));" \
	"CREATE TRIGGER decisions_unconfirmed BEFORE INSERT ON decisions" \
	" WHEN (SELECT granted_by FROM users WHERE name = new.approver)" \
	"  = (SELECT requester FROM requests WHERE id = new.request)" \
	" OR (SELECT u.granted_by FROM users u JOIN requests r ON u.name = r.requester" \
	"  WHERE r.id = new.request) = new.approver" \
	" BEGIN SELECT RAISE(ABORT, 'two-person rule: an account set up or reset by" \
	" the other party is not confirmed by another admin'); END;"

/* v4: one row per processed item, for `mukaika report` (stats.h). */
#define MK_SCHEMA_V4 \
	"CREATE TABLE processed (" \
	" id TEXT PRIMARY KEY," \
	" received INTEGER NOT NULL," \
	" channel TEXT NOT NULL," \
	" verdict TEXT NOT NULL," \
	" findings TEXT," \
	" size INTEGER NOT NULL," \
	" stored INTEGER NOT NULL);" \
	"CREATE INDEX processed_received ON processed(received);"

/* v5: a pending account (granted_by set: users.h) decides nothing until
 * another admin confirms it, whoever asked. */
#define MK_SCHEMA_V5 \
	"CREATE TRIGGER decisions_pending BEFORE INSERT ON decisions" \
	" WHEN (SELECT granted_by FROM users WHERE name = new.approver) IS NOT NULL" \
	" BEGIN SELECT RAISE(ABORT, 'two-person rule: an account awaiting" \
	" confirmation by a second admin cannot decide'); END;"

/* v6: the versions applied, one row each (the same table as the
 * postgresql backend's; PRAGMA user_version stays the authority here),
 * and the second-factor tables (mfa.c used to create them on first use:
 * IF NOT EXISTS keeps a store that has them). */
#define MK_SCHEMA_V6 \
	"CREATE TABLE schema_version (" \
	" version INTEGER PRIMARY KEY," \
	" applied INTEGER NOT NULL);" \
	"INSERT INTO schema_version SELECT column1, CAST(strftime('%s','now') AS INTEGER)" \
	" FROM (VALUES (1), (2), (3), (4), (5));" \
	"CREATE TABLE IF NOT EXISTS mfa (" \
	" user TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE," \
	" box BLOB NOT NULL," \
	" confirmed INTEGER NOT NULL DEFAULT 0," \
	" last_step INTEGER NOT NULL DEFAULT 0," \
	" created INTEGER NOT NULL);" \
	"CREATE TABLE IF NOT EXISTS mfa_recovery (" \
	" user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE," \
	" hash TEXT NOT NULL," \
	" used INTEGER NOT NULL DEFAULT 0," \
	" PRIMARY KEY (user, hash));"

#endif
