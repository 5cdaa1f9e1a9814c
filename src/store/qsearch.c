/*
 * NAME
 *   qsearch - search, status changes, deletion and retention purge of
 *   quarantine items (see qstore.h)
 *
 * DESCRIPTION
 *   Search builds one SELECT from fixed clause strings; every value from
 *   the caller is a bound parameter (substring matches use instr(), so no
 *   LIKE wildcards from the input).  Deleting an item removes its row (its
 *   requests and decisions cascade) and then its object file unless
 *   another item has the same sha256.  Audit rows are never touched here.
 *
 * FAILURE
 *   sqlite and filesystem failures are MK_ERR_TEMP; an unknown id is
 *   MK_ERR_NOINPUT; a malformed id MK_ERR_USAGE.  A removed row whose
 *   object cannot be unlinked is reported but the row stays deleted (the
 *   next purge does not see it; the object is orphaned, not exposed).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"

bool
mk_codes_have(const char *list, const char *code)
{
	char **v = g_strsplit(list != NULL ? list : "", ",", -1);
	bool found = false;

	for (char **p = v; *p && !found; p++)
		found = strcmp(g_strstrip(*p), code) == 0;
	g_strfreev(v);
	return found;
}

bool
mk_qstore_valid_id(const char *id)
{
	gsize n = 0;

	if (id == NULL)
		return false;
	for (const char *p = id; *p; p++, n++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
			return false;
	return n >= 1 && n <= 64;
}

/* WHERE clause for F; binds are appended to VALS in order (text or int64
 * boxed as strings with a leading type byte). */
static char *
where_clause(const mk_qfilter *f, GPtrArray *vals)
{
	GString *w = g_string_new(" WHERE 1");

#define ADD(cond, v) do { g_string_append(w, " AND " cond); \
	g_ptr_array_add(vals, (gpointer)(v)); } while (0)
	if (f == NULL)
		return g_string_free(w, FALSE);
	if (f->since > 0)
		ADD("received >= CAST(? AS INTEGER)", g_strdup_printf("%" G_GINT64_FORMAT, f->since));
	if (f->until > 0)
		ADD("received < CAST(? AS INTEGER)", g_strdup_printf("%" G_GINT64_FORMAT, f->until));
	if (f->sender && *f->sender)
		ADD("instr(lower(coalesce(sender,'')), lower(?)) > 0", g_strdup(f->sender));
	if (f->recipient && *f->recipient)
		ADD("instr(lower(coalesce(recipients,'')), lower(?)) > 0", g_strdup(f->recipient));
	if (f->verdict && *f->verdict)
		ADD("verdict = ?", g_strdup(f->verdict));
	if (f->finding && *f->finding)
		ADD("instr(',' || coalesce(findings,'') || ',', ',' || ? || ',') > 0",
		    g_strdup(f->finding));
	if (f->status && *f->status)
		ADD("status = ?", g_strdup(f->status));
	if (f->text && *f->text)
		ADD("(instr(lower(coalesce(subject,'')), lower(?1000)) > 0 OR "
		    "instr(id, ?1000) > 0)", g_strdup(f->text));
#undef ADD
	return g_string_free(w, FALSE);
}

static int
prepare_filtered(sqlite3 *db, const char *head, const mk_qfilter *f,
                 const char *tail, sqlite3_stmt **st, mk_error *err)
{
	GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
	char *where = where_clause(f, vals);
	char *sql = g_strconcat(head, where, tail, NULL);
	int rc = 0;

	/* ?1000 is the text filter, used twice; rename it to the next index */
	for (char *p = strstr(sql, "?1000"); p != NULL; p = strstr(sql, "?1000")) {
		char num[8];
		char *fixed;

		g_snprintf(num, sizeof num, "?%u", vals->len);
		*p = '\0';
		fixed = g_strconcat(sql, num, p + 5, NULL);
		g_free(sql);
		sql = fixed;
	}
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		rc = mk_sq_fail(db, err, "search");
		goto out;
	}
	for (guint i = 0; i < vals->len; i++)
		sqlite3_bind_text(*st, (int)i + 1, g_ptr_array_index(vals, i), -1,
		                  SQLITE_TRANSIENT);
out:
	g_free(sql);
	g_free(where);
	g_ptr_array_unref(vals);
	return rc;
}

int
sq_qstore_search(mk_store *q, const mk_qfilter *f, GPtrArray **out,
                 mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	GPtrArray *a = g_ptr_array_new_with_free_func(qstore_record_free_func);
	char tail[96];
	int rc, s;

	*out = NULL;
	g_snprintf(tail, sizeof tail, " ORDER BY received DESC, id DESC LIMIT %d OFFSET %d",
	           f && f->limit > 0 ? f->limit : -1, f && f->offset > 0 ? f->offset : 0);
	if ((rc = prepare_filtered(db, "SELECT " QSTORE_ITEM_COLS " FROM items", f,
	                           tail, &st, err)) != 0)
		goto out;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		mk_qrecord *r = qstore_row_record(st, err);

		if (r == NULL) {
			rc = MK_ERR_TEMP;
			goto out;
		}
		g_ptr_array_add(a, r);
	}
	if (s != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "search");
out:
	sqlite3_finalize(st);
	if (rc == 0)
		*out = g_ptr_array_ref(a);
	g_ptr_array_unref(a);
	return rc;
}

int
sq_qstore_count(mk_store *q, const mk_qfilter *f, gint64 *n, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc;

	*n = 0;
	if ((rc = prepare_filtered(db, "SELECT count(*) FROM items", f, "", &st,
	                           err)) != 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = mk_sq_fail(db, err, "count");
	sqlite3_finalize(st);
	return rc;
}

static int
exec_bound(sqlite3 *db, const char *sql, const char *a, const char *b,
           int *changes, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, sql);
	if (a != NULL)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, sql);
	else if (changes != NULL)
		*changes = sqlite3_changes(db);
	sqlite3_finalize(st);
	return rc;
}

int
sq_qstore_set_status(mk_store *q, const char *id, const char *status,
                     mk_error *err)
{
	int n = 0;
	int rc;

	if (!mk_qstore_valid_id(id)) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine: malformed id");
		return MK_ERR_USAGE;
	}
	rc = exec_bound(mk_sq_db(q), "UPDATE items SET status = ?2 WHERE id = ?1",
	                id, status, &n, err);
	if (rc == 0 && n == 0) {
		mk_error_set(err, MK_ERR_NOINPUT, "quarantine: no item %s", id);
		rc = MK_ERR_NOINPUT;
	}
	return rc;
}

int
sq_qstore_set_result(mk_store *q, const char *id, mk_verdict verdict,
                     const char *findings, const char *report_json, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (!mk_qstore_valid_id(id) || report_json == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine: malformed id or no report");
		return MK_ERR_USAGE;
	}
	if (sqlite3_prepare_v2(db, "UPDATE items SET verdict = ?2, findings = ?3, "
	                       "report = ?4 WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, mk_verdict_name(verdict), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, findings != NULL ? findings : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, report_json, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "set result");
	else if (sqlite3_changes(db) == 0) {
		mk_error_set(err, MK_ERR_NOINPUT, "quarantine: no item %s", id);
		rc = MK_ERR_NOINPUT;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Unlink the object of SHA when no row refers to it any more. */
static int
drop_object(mk_store *q, const char *sha, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	gint64 refs = 1;
	char *path;
	int rc = 0;

	if (!qstore_valid_sha256(sha))
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM items WHERE sha256 = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "refcount");
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		refs = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (refs > 0)
		return 0;
	path = qstore_object_path(q, sha, NULL);
	if (unlink(path) < 0 && errno != ENOENT) {
		mk_error_set(err, MK_ERR_TEMP, "quarantine: unlink %s: %s", path,
		             g_strerror(errno));
		rc = MK_ERR_TEMP;
	}
	g_free(path);
	return rc;
}

int
sq_qstore_delete(mk_store *q, const char *id, mk_error *err)
{
	mk_qrecord *r = NULL;
	int n = 0;
	int rc;

	if (!mk_qstore_valid_id(id)) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine: malformed id");
		return MK_ERR_USAGE;
	}
	if ((rc = mk_qstore_get(q, id, &r, err)) != 0)
		return rc;
	rc = exec_bound(mk_sq_db(q), "DELETE FROM items WHERE id = ?1", id,
	                NULL, &n, err);
	if (rc == 0)
		rc = drop_object(q, r->sha256, err);
	mk_qrecord_free(&r);
	return rc;
}

int
sq_qstore_purge(mk_store *q, gint64 now, int *n, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	int rc = 0;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT id FROM items WHERE expires < ?1", -1,
	                       &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "purge");
	sqlite3_bind_int64(st, 1, now);
	while (sqlite3_step(st) == SQLITE_ROW)
		g_ptr_array_add(ids, g_strdup((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	for (guint i = 0; i < ids->len && rc == 0; i++) {
		rc = mk_qstore_delete(q, g_ptr_array_index(ids, i), err);
		if (rc == 0)
			(*n)++;
	}
	g_ptr_array_unref(ids);
	return rc;
}
