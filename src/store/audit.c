/*
 * NAME
 *   audit - append-only, hash-chained audit events (see audit.h)
 *
 * DESCRIPTION
 *   add() reads the newest row's hash and inserts the new row in one
 *   BEGIN IMMEDIATE transaction (or inside the caller's transaction), so
 *   concurrent writers (web, CLI) keep one chain.  Fields are hashed as
 *   prev \x1f ts \x1f who \x1f ip \x1f what \x1f item \x1f result \x1f detail.
 *
 * NEVER
 *   Never updates a row; deletes only through purge(), which the database
 *   limits to rows past the retention.
 *
 * FAILURE
 *   sqlite failures MK_ERR_TEMP (see audit.h).
 */
#include <string.h>

#include "store_int.h"
#include "audit.h"
#include "csvcell.h"
#include "json.h"
#include "util.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define SECS_PER_DAY 86400
#define AUDIT_COLS "id, ts, who, ip, what, item, result, detail, prev, hash"

static void
chain_hash(const char *prev, gint64 ts, const char *const f[6], char out[65])
{
	GString *g = g_string_new(prev);

	g_string_append_printf(g, "\x1f%" G_GINT64_FORMAT, ts);
	for (int i = 0; i < 6; i++) {
		g_string_append_c(g, '\x1f');
		g_string_append(g, f[i] != NULL ? f[i] : "");
	}
	mk_sha256_hex(g->str, g->len, out);
	g_string_free(g, TRUE);
}

static int
last_hash(sqlite3 *db, char out[65], mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, s;

	g_strlcpy(out, GENESIS, 65);
	if (sqlite3_prepare_v2(db, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		g_strlcpy(out, (const char *)sqlite3_column_text(st, 0), 65);
	else if (s != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "last");
	sqlite3_finalize(st);
	return rc;
}

static int
insert(sqlite3 *db, gint64 now, const char *const f[6], mk_error *err)
{
	char prev[65], hash[65];
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = last_hash(db, prev, err)) != 0)
		return rc;
	chain_hash(prev, now, f, hash);
	if (sqlite3_prepare_v2(db, "INSERT INTO audit (ts, who, ip, what, item, result, "
	                       "detail, prev, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, now);
	for (int i = 0; i < 6; i++)
		if (f[i] != NULL)
			sqlite3_bind_text(st, i + 2, f[i], -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, prev, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mk_sq_fail(db, err, "insert");
	sqlite3_finalize(st);
	return rc;
}

int
sq_audit_add(mk_store *q, gint64 now, const char *who, const char *ip,
             const char *what, const char *item, const char *result,
             const char *detail, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	const char *f[6] = { who ? who : "-", ip ? ip : "-", what, item,
	                     result ? result : "ok", detail };
	bool own = sqlite3_get_autocommit(db) != 0;
	int rc;

	if (what == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "audit: event without a name");
		return MK_ERR_USAGE;
	}
	if (own && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "begin");
	rc = insert(db, now, f, err);
	if (!own)
		return rc;
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = mk_sq_fail(db, err, "commit");
	if (rc != 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
sq_audit_count(mk_store *q, const char *what, const char *item, const char *result,
               gint64 since, gint64 *n, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM audit WHERE what = ?1 AND "
	                       "item = ?2 AND result = ?3 AND ts >= ?4", -1, &st,
	                       NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, what, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, item, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, result, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, since);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = mk_sq_fail(db, err, "count");
	sqlite3_finalize(st);
	return rc;
}

static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? g_strdup((const char *)t) : NULL;
}

static void
row_free_func(gpointer p)
{
	mk_audit_row *r = p;

	mk_audit_row_free(&r);
}

static void
bind_filter(sqlite3_stmt *st, const mk_audit_filter *f)
{
	sqlite3_bind_int64(st, 1, f && f->since > 0 ? f->since : 0);
	sqlite3_bind_int64(st, 2, f && f->until > 0 ? f->until : G_MAXINT64);
	sqlite3_bind_text(st, 3, f && f->who && *f->who ? f->who : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, f && f->what && *f->what ? f->what : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, f && f->item && *f->item ? f->item : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, f && f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int64(st, 7, f && f->offset > 0 ? f->offset : 0);
}

int
sq_audit_list(mk_store *q, const mk_audit_filter *f, GPtrArray **out,
              mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int s;

	*out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT " AUDIT_COLS " FROM audit WHERE ts >= ?1 "
	                       "AND ts < ?2 AND (?3 = '' OR who = ?3) AND (?4 = '' OR "
	                       "what = ?4 OR substr(what, 1, length(?4)) = ?4) AND "
	                       "(?5 = '' OR item = ?5) ORDER BY id DESC LIMIT ?6 OFFSET ?7",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	bind_filter(st, f);
	*out = g_ptr_array_new_with_free_func(row_free_func);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		mk_audit_row *r = g_new0(mk_audit_row, 1);

		r->id = sqlite3_column_int64(st, 0);
		r->ts = sqlite3_column_int64(st, 1);
		r->who = col(st, 2);
		r->ip = col(st, 3);
		r->what = col(st, 4);
		r->item = col(st, 5);
		r->result = col(st, 6);
		r->detail = col(st, 7);
		g_ptr_array_add(*out, r);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return mk_sq_fail(db, err, "list");
	}
	return 0;
}

static int
exec_int(sqlite3 *db, const char *sql, gint64 a, int *changes, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, sql);
	else if (changes != NULL)
		*changes = sqlite3_changes(db);
	sqlite3_finalize(st);
	return rc;
}

int
sq_audit_purge(mk_store *q, gint64 now, gint64 retention_days, int *n,
               mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	char detail[96];
	int rc;

	*n = 0;
	if (retention_days < 1) {
		mk_error_set(err, MK_ERR_USAGE, "audit: retention must be at least one day");
		return MK_ERR_USAGE;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "begin");
	if ((rc = exec_int(db, "UPDATE audit_keep SET days = ?1", retention_days, NULL, err)) != 0 ||
	    (rc = exec_int(db, "DELETE FROM audit WHERE ts < ?1",
	                   now - retention_days * SECS_PER_DAY, n, err)) != 0)
		goto out;
	g_snprintf(detail, sizeof detail, "%d events older than %" G_GINT64_FORMAT
	           " days removed", *n, retention_days);
	rc = mk_audit_add(q, now, "system", "local", "audit.purge", NULL, "ok", detail, err);
out:
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = mk_sq_fail(db, err, "commit");
	if (rc != 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		*n = 0;
	}
	return rc;
}

int
sq_audit_verify(mk_store *q, gint64 *bad, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	char want[65], prev[65] = "";
	int s;

	*bad = 0;
	if (sqlite3_prepare_v2(db, "SELECT " AUDIT_COLS " FROM audit ORDER BY id", -1,
	                       &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	while ((s = sqlite3_step(st)) == SQLITE_ROW && *bad == 0) {
		const char *f[6];
		const char *rprev = (const char *)sqlite3_column_text(st, 8);
		const char *rhash = (const char *)sqlite3_column_text(st, 9);

		for (int i = 0; i < 6; i++)
			f[i] = (const char *)sqlite3_column_text(st, i + 2);
		chain_hash(rprev ? rprev : "", sqlite3_column_int64(st, 1), f, want);
		if (rhash == NULL || strcmp(want, rhash) != 0 ||
		    (prev[0] != '\0' && strcmp(prev, rprev ? rprev : "") != 0))
			*bad = sqlite3_column_int64(st, 0);
		g_strlcpy(prev, rhash ? rhash : "", sizeof prev);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE && s != SQLITE_ROW)
		return mk_sq_fail(db, err, "verify");
	return 0;
}

char *
mk_audit_csv(GPtrArray *rows)
{
	GString *g = g_string_new("id,time,who,ip,what,item,result,detail\r\n");

	for (guint i = 0; i < rows->len; i++) {
		mk_audit_row *r = g_ptr_array_index(rows, i);
		GDateTime *t = g_date_time_new_from_unix_utc(r->ts);
		char *ts = t ? g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ") : g_strdup("");
		char id[24];

		g_snprintf(id, sizeof id, "%" G_GINT64_FORMAT, r->id);
		mk_csv_cell(g, id, false);
		mk_csv_cell(g, ts, false);
		mk_csv_cell(g, r->who, false);
		mk_csv_cell(g, r->ip, false);
		mk_csv_cell(g, r->what, false);
		mk_csv_cell(g, r->item, false);
		mk_csv_cell(g, r->result, false);
		mk_csv_cell(g, r->detail, true);
		g_free(ts);
		if (t != NULL)
			g_date_time_unref(t);
	}
	return g_string_free(g, FALSE);
}

char *
mk_audit_json(GPtrArray *rows)
{
	mk_json *j = mk_json_new(false);

	mk_json_begin_array(j, NULL);
	for (guint i = 0; i < rows->len; i++) {
		mk_audit_row *r = g_ptr_array_index(rows, i);

		mk_json_begin_object(j, NULL);
		mk_json_int(j, "id", r->id);
		mk_json_int(j, "ts", r->ts);
		mk_json_string(j, "who", r->who);
		mk_json_string(j, "ip", r->ip);
		mk_json_string(j, "what", r->what);
		mk_json_string(j, "item", r->item);
		mk_json_string(j, "result", r->result);
		mk_json_string(j, "detail", r->detail);
		mk_json_end_object(j);
	}
	mk_json_end_array(j);
	return mk_json_finish(&j);
}

void
mk_audit_row_free(mk_audit_row **rp)
{
	mk_audit_row *r;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	g_free(r->who);
	g_free(r->ip);
	g_free(r->what);
	g_free(r->item);
	g_free(r->result);
	g_free(r->detail);
	g_free(r);
	*rp = NULL;
}
