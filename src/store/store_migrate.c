/*
 * NAME
 *   store_migrate - move a SQLite store into an empty PostgreSQL store
 *   (mk_store_migrate, store_migrate.h)
 *
 * DESCRIPTION
 *   The source is opened read-only (its schema must be current: open it
 *   once with this version first).  Every row is copied as it is - ids,
 *   statuses, password hashes, session hashes, the audit events with
 *   their prev and MAC - so the chain still verifies with the same
 *   audit.key, and each original is read from the source's object files,
 *   checked against its sha256 and written as chunks.  Everything goes
 *   in one transaction on the target: a failure leaves it empty.  A
 *   target that already holds items, accounts or audit events is
 *   refused (never a merge).  Account grants (users.granted_by) are
 *   written after the decisions, so the two-person trigger judges each
 *   old decision as it was made.  Identity counters are moved past the
 *   copied ids.
 *
 * NEVER
 *   Never writes to the source.
 *
 * FAILURE
 *   MK_ERR_TEMP database failures (nothing kept on the target);
 *   MK_ERR_USAGE a non-empty target or an unknown source schema;
 *   MK_ERR_DATA an original missing or damaged.
 */
#include <sqlite3.h>
#include <string.h>

#include "pg_int.h"
#include "store_migrate.h"
#include "util.h"

/* Tables in copy order: NAME, the source's columns (SELECT list), the
 * target's columns; a column "hex(x)" in the source goes into
 * decode($n, 'hex') on the target. */
static const struct {
	const char *table, *src, *dst;
} tables[] = {
	{ "items", PG_ITEM_COLS, PG_ITEM_COLS },
	{ "users", "name, role, pwhash, must_change, failed, failed_since_login, locked_until, "
	  "disabled, last_login, last_login_ip, created",
	  "name, role, pwhash, must_change, failed, failed_since_login, locked_until, "
	  "disabled, last_login, last_login_ip, created" },
	{ "sessions", "token_hash, user, csrf, ip, created, last_seen",
	  "token_hash, \"user\", csrf, ip, created, last_seen" },
	{ "requests", "id, item, requester, created, reason, status, kind",
	  "id, item, requester, created, reason, status, kind" },
	{ "decisions", "id, request, approver, created, decision, comment",
	  "id, request, approver, created, decision, comment" },
	{ "exceptions", "id, pattern, action, reason, requester, approver, created, approved, "
	  "expires, revoked", "id, pattern, action, reason, requester, approver, created, "
	  "approved, expires, revoked" },
	{ "audit", "id, ts, who, ip, what, item, result, detail, prev, hash",
	  "id, ts, who, ip, what, item, result, detail, prev, hash" },
	{ "processed", "id, received, channel, verdict, findings, size, stored",
	  "id, received, channel, verdict, findings, size, stored" },
	{ "mfa", "user, hex(box), confirmed, last_step, created",
	  "\"user\", box, confirmed, last_step, created" },
	{ "mfa_recovery", "user, hash, used", "\"user\", hash, used" },
};

static int
sq_fail(sqlite3 *db, mk_error *err, const char *what)
{
	mk_error_set(err, MK_ERR_TEMP, "migrate: source %s: %s", what,
	             db != NULL ? sqlite3_errmsg(db) : "no handle");
	return MK_ERR_TEMP;
}

/* INSERT INTO T (DST) VALUES ($1, ... decode($k, 'hex') ...). */
static char *
insert_sql(const char *table, const char *src, const char *dst, int n)
{
	GString *g = g_string_new(NULL);
	char **cols = g_strsplit(src, ",", -1);

	g_string_printf(g, "INSERT INTO %s (%s) VALUES (", table, dst);
	for (int i = 0; i < n; i++)
		g_string_append_printf(g, strstr(cols[i], "hex(") != NULL
		                       ? "%sdecode($%d, 'hex')" : "%s$%d", i ? ", " : "", i + 1);
	g_string_append_c(g, ')');
	g_strfreev(cols);
	return g_string_free(g, FALSE);
}

static int
copy_table(sqlite3 *db, mk_store *dst, int t, gint64 *rows, mk_error *err)
{
	char *sel = g_strdup_printf("SELECT %s FROM %s", tables[t].src, tables[t].table);
	sqlite3_stmt *st = NULL;
	char *ins = NULL;
	int rc = 0, s, n;

	*rows = 0;
	if (sqlite3_prepare_v2(db, sel, -1, &st, NULL) != SQLITE_OK) {
		rc = sq_fail(db, err, tables[t].table);
		goto out;
	}
	n = sqlite3_column_count(st);
	ins = insert_sql(tables[t].table, tables[t].src, tables[t].dst, n);
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v[16];

		for (int i = 0; i < n && i < 16; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if ((rc = pg_cmd(dst, tables[t].table, ins, n, v, NULL, err)) == 0)
			(*rows)++;
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = sq_fail(db, err, tables[t].table);
out:
	sqlite3_finalize(st);
	g_free(ins);
	g_free(sel);
	return rc;
}

/* The originals: every distinct sha256 of the items, from OBJDIR. */
static int
copy_objects(sqlite3 *db, mk_store *dst, const char *objdir, gint64 *n, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, s;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT sha256 FROM items", -1, &st, NULL)
	    != SQLITE_OK)
		return sq_fail(db, err, "items");
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sha = (const char *)sqlite3_column_text(st, 0);
		char pre[3] = { 0 }, got[65];
		char *path;
		GBytes *b;

		if (!qstore_valid_sha256(sha)) {
			mk_error_set(err, MK_ERR_DATA, "migrate: an item has a malformed sha256");
			rc = MK_ERR_DATA;
			break;
		}
		memcpy(pre, sha, 2);
		path = g_build_filename(objdir, pre, sha + 2, NULL);
		if ((b = mk_read_file(path, 0, err)) == NULL) {
			mk_error_prefix(err, "migrate: original %s", sha);
			rc = MK_ERR_DATA;
		} else {
			gsize len = 0;
			const void *buf = g_bytes_get_data(b, &len);

			mk_sha256_hex(buf, len, got);
			if (strcmp(got, sha) != 0) {
				mk_error_set(err, MK_ERR_DATA, "migrate: original %s is damaged", sha);
				rc = MK_ERR_DATA;
			} else if ((rc = pg_object_write(dst, sha, b, err)) == 0) {
				(*n)++;
			}
			g_bytes_unref(b);
		}
		g_free(path);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = sq_fail(db, err, "items");
	sqlite3_finalize(st);
	return rc;
}

/* Grants after the decisions; audit_keep; identity counters past the ids. */
static int
finish(sqlite3 *db, mk_store *dst, mk_error *err)
{
	static const char *const seqs[] = { "requests", "decisions", "exceptions" };
	sqlite3_stmt *st = NULL;
	int rc = 0, s;

	if (sqlite3_prepare_v2(db, "SELECT name, granted_by FROM users WHERE granted_by IS "
	                       "NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return sq_fail(db, err, "users");
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v[] = { (const char *)sqlite3_column_text(st, 0),
		                    (const char *)sqlite3_column_text(st, 1) };

		rc = pg_cmd(dst, "users", "UPDATE users SET granted_by = $2 WHERE name = $1", 2,
		            v, NULL, err);
	}
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_prepare_v2(db, "SELECT days FROM audit_keep", -1, &st, NULL)
	    == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *v[] = { (const char *)sqlite3_column_text(st, 0) };

		rc = pg_cmd(dst, "audit_keep", "UPDATE audit_keep SET days = $1::integer", 1, v,
		            NULL, err);
	}
	sqlite3_finalize(st);
	for (gsize i = 0; rc == 0 && i < G_N_ELEMENTS(seqs); i++) {
		char *sql = g_strdup_printf("SELECT setval(pg_get_serial_sequence('%s', 'id'), "
		                            "coalesce(max(id), 0) + 1, false) FROM %s", seqs[i],
		                            seqs[i]);

		rc = pg_cmd(dst, "identity", sql, 0, NULL, NULL, err);
		g_free(sql);
	}
	return rc;
}

static int
target_empty(mk_store *dst, mk_error *err)
{
	PGresult *r = pg_run(dst, "target", "SELECT (SELECT count(*) FROM items) + (SELECT "
	                     "count(*) FROM users) + (SELECT count(*) FROM audit)", 0, NULL,
	                     err);
	gint64 n;

	if (r == NULL)
		return MK_ERR_TEMP;
	n = pg_int(r, 0, 0);
	PQclear(r);
	if (n != 0) {
		mk_error_set(err, MK_ERR_USAGE, "migrate: the target store is not empty (%"
		             G_GINT64_FORMAT " items, accounts and audit events): refused",
		             n);
		return MK_ERR_USAGE;
	}
	return 0;
}

static bool
has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
	                       "name = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

static int
copy_all(sqlite3 *db, mk_store *dst, const char *objdir, mk_migrate_counts *c,
         mk_error *err)
{
	int rc = 0;

	if ((rc = target_empty(dst, err)) != 0)
		return rc;
	for (gsize t = 0; rc == 0 && t < G_N_ELEMENTS(tables); t++) {
		gint64 rows = 0;

		if (!has_table(db, tables[t].table)) {
			if (strncmp(tables[t].table, "mfa", 3) == 0)
				continue;               /* no second factor ever set up */
			mk_error_set(err, MK_ERR_USAGE, "migrate: the source has no table %s "
			             "(open it once with this version to upgrade it)",
			             tables[t].table);
			return MK_ERR_USAGE;
		}
		if ((rc = copy_table(db, dst, (int)t, &rows, err)) == 0 && t < MK_MIGRATE_TABLES)
			c->rows[t] = rows;
		if (rc == 0 && t == 0)
			rc = copy_objects(db, dst, objdir, &c->originals, err);
	}
	return rc != 0 ? rc : finish(db, dst, err);
}

const char *
mk_migrate_table_name(int i)
{
	return i >= 0 && i < (int)G_N_ELEMENTS(tables) ? tables[i].table : NULL;
}

int
mk_store_migrate(const char *sqlite_path, const char *objdir, mk_store *dst,
                 mk_migrate_counts *c, mk_error *err)
{
	sqlite3 *db = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	if (dst == NULL || dst->ops != &mk_store_postgresql_ops) {
		mk_error_set(err, MK_ERR_USAGE, "migrate: the target must be a postgresql store");
		return MK_ERR_USAGE;
	}
	if (sqlite3_open_v2(sqlite_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = sq_fail(db, err, sqlite_path);
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, 5000);
	/* one read transaction: a consistent copy even while a gateway writes */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = sq_fail(db, err, "begin");
	} else if ((rc = pg_begin(dst, err)) == 0) {
		rc = pg_end(dst, copy_all(db, dst, objdir, c, err), err);
	}
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	if (rc != 0)
		memset(c, 0, sizeof *c);
	return rc;
}
