/*
 * NAME
 *   sq_mfa - the SQLite backend's second-factor records (mfa.h)
 *
 * DESCRIPTION
 *   Tables (schema v5, review_sql.h; stores older than that kept them
 *   from first use, CREATE TABLE IF NOT EXISTS):
 *     mfa(user PK -> users, box BLOB, confirmed, last_step, created)
 *     mfa_recovery(user -> users, hash, used, PK (user, hash))
 */
#include <string.h>

#include "mfa.h"
#include "store_int.h"

static int
fail(sqlite3 *db, mk_error *err, const char *what)
{
	return mk_sq_fail(db, err, what);
}

/* One statement: text U, then int64 A (if HAVE_A), text T (if not NULL). */
static int
run(sqlite3 *db, const char *sql, const char *u, bool have_a, gint64 a, const char *t,
    int *changes, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, i = 1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, err, "prepare");
	sqlite3_bind_text(st, i++, u, -1, SQLITE_TRANSIENT);
	if (have_a)
		sqlite3_bind_int64(st, i++, a);
	if (t != NULL)
		sqlite3_bind_text(st, i++, t, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = fail(db, err, "update");
	else if (changes != NULL)
		*changes = sqlite3_changes(db);
	sqlite3_finalize(st);
	return rc;
}

int
sq_mfa_get(mk_store *s, const char *user, mk_mfa_rec **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(s);
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	*out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT box, confirmed, last_step, created FROM mfa "
	                       "WHERE user = ?1", -1, &st, NULL) != SQLITE_OK)
		return fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*out = g_new0(mk_mfa_rec, 1);
		(*out)->box = g_bytes_new(sqlite3_column_blob(st, 0),
		                          (gsize)sqlite3_column_bytes(st, 0));
		(*out)->confirmed = sqlite3_column_int(st, 1) != 0;
		(*out)->last_step = sqlite3_column_int64(st, 2);
		(*out)->created = sqlite3_column_int64(st, 3);
	} else if (step == SQLITE_DONE) {
		mk_error_set(err, MK_ERR_NOINPUT, "no second factor for \"%s\"", user);
		rc = MK_ERR_NOINPUT;
	} else {
		rc = fail(db, err, "select");
	}
	sqlite3_finalize(st);
	return rc;
}

int
sq_mfa_enrol(mk_store *s, const char *user, const guint8 *box, gsize len, gint64 now,
             mk_error *err)
{
	sqlite3 *db = mk_sq_db(s);
	sqlite3_stmt *st = NULL;
	int rc;

	/* a confirmed key stays: the INSERT then fails (only clear removes it) */
	if ((rc = run(db, "DELETE FROM mfa WHERE user = ?1 AND confirmed = 0", user, false, 0,
	              NULL, NULL, err)) != 0)
		return rc;
	if (sqlite3_prepare_v2(db, "INSERT INTO mfa (user, box, created) VALUES (?1, ?2, ?3)",
	                       -1, &st, NULL) != SQLITE_OK)
		return fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, box, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		mk_error_set(err, MK_ERR_USAGE, "\"%s\" has a second factor already", user);
		rc = MK_ERR_USAGE;
	}
	sqlite3_finalize(st);
	return rc;
}

int
sq_mfa_confirm(mk_store *s, const char *user, gint64 step, GPtrArray *hashes,
               mk_error *err)
{
	sqlite3 *db = mk_sq_db(s);
	int rc, n = 0;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, err, "begin");
	rc = run(db, "UPDATE mfa SET confirmed = 1, last_step = ?2 WHERE user = ?1 "
	         "AND confirmed = 0 AND last_step < ?2", user, true, step, NULL, &n, err);
	if (rc == 0 && n != 1) {
		mk_error_set(err, MK_ERR_USAGE, "no enrolment waiting for \"%s\"", user);
		rc = MK_ERR_USAGE;
	}
	for (guint i = 0; rc == 0 && i < hashes->len; i++)
		rc = run(db, "INSERT INTO mfa_recovery (user, hash) VALUES (?1, ?2)", user,
		         false, 0, g_ptr_array_index(hashes, i), NULL, err);
	if (sqlite3_exec(db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK &&
	    rc == 0)
		rc = fail(db, err, "commit");
	return rc;
}

static int
once(int rc, int n, mk_error *err, const char *what)
{
	if (rc == 0 && n != 1) {
		mk_error_set(err, MK_ERR_USAGE, "%s already used", what);
		return MK_ERR_USAGE;
	}
	return rc;
}

int
sq_mfa_use_step(mk_store *s, const char *user, gint64 step, mk_error *err)
{
	int n = 0, rc = run(mk_sq_db(s), "UPDATE mfa SET last_step = ?2 WHERE user = ?1 AND confirmed = 1 "
	                    "AND last_step < ?2", user, true, step, NULL, &n, err);

	return once(rc, n, err, "code");
}

int
sq_mfa_use_recovery(mk_store *s, const char *user, const char *hash, mk_error *err)
{
	int n = 0, rc = run(mk_sq_db(s), "UPDATE mfa_recovery SET used = 1 WHERE user = ?1 AND hash = ?2 "
	                    "AND used = 0", user, false, 0, hash, &n, err);

	return once(rc, n, err, "recovery code");
}

int
sq_mfa_clear(mk_store *s, const char *user, mk_error *err)
{
	sqlite3 *db = mk_sq_db(s);
	int rc = run(db, "DELETE FROM mfa_recovery WHERE user = ?1", user, false, 0, NULL,
	             NULL, err);

	return rc != 0 ? rc : run(db, "DELETE FROM mfa WHERE user = ?1", user, false, 0, NULL,
	                          NULL, err);
}
