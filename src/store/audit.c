/*
 * NAME
 *   audit - append-only, hash-chained audit events (see audit.h)
 *
 * DESCRIPTION
 *   add() reads the newest row's id and MAC and inserts the new row with
 *   the next id in one BEGIN IMMEDIATE transaction (or inside the
 *   caller's), so concurrent writers (web, CLI, daemons) keep one chain;
 *   the MAC is audit_chain.h's.  The checkpoint moves when the
 *   transaction commits (sq_end).  purge() deletes the oldest events
 *   (never the newest) and records in its own, keyed event where the kept
 *   chain starts (MK_AUDIT_ANCHOR); verify is audit_verify.c.
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
#include "log.h"
#include "util.h"

#define SECS_PER_DAY 86400
#define AUDIT_COLS "id, ts, who, ip, what, item, result, detail, prev, hash"

/* Id and MAC of the newest event (0 and the genesis value when none). */
int
sq_audit_head(sqlite3 *db, gint64 *id, char mac[65], mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, s;

	*id = 0;
	g_strlcpy(mac, MK_AUDIT_GENESIS, 65);
	if (sqlite3_prepare_v2(db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_text(st, 1) != NULL) {
		*id = sqlite3_column_int64(st, 0);
		g_strlcpy(mac, (const char *)sqlite3_column_text(st, 1), 65);
	} else if (s != SQLITE_DONE) {
		rc = mk_sq_fail(db, err, "head");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The next id: after the newest event, and never at or below the
 * checkpoint (newest events removed: the gap stays visible). */
gint64
mk_audit_next_id(mk_store *q, gint64 last)
{
	char mac[65];
	gint64 ck = 0;

	if (mk_audit_checkpoint_read(q->checkpoint, &ck, mac, NULL) == 0 && ck > last) {
		mk_log(MK_LOG_ERROR, NULL, "audit: the store's newest event %" G_GINT64_FORMAT
		       " is behind the checkpoint %" G_GINT64_FORMAT ": events were removed",
		       last, ck);
		return ck + 1;
	}
	return last + 1;
}

static int
insert(mk_store *q, gint64 now, const char *const f[6], mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	char prev[65], mac[65];
	sqlite3_stmt *st = NULL;
	gint64 last = 0, id;
	int rc;

	if ((rc = sq_audit_head(db, &last, prev, err)) != 0)
		return rc;
	id = mk_audit_next_id(q, last);
	mk_audit_mac(q->audit_key, prev, id, now, f, mac);
	if (sqlite3_prepare_v2(db, "INSERT INTO audit (id, ts, who, ip, what, item, result, "
	                       "detail, prev, hash) VALUES (?10,?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, now);
	for (int i = 0; i < 6; i++)
		if (f[i] != NULL)
			sqlite3_bind_text(st, i + 2, f[i], -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, prev, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 10, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mk_sq_fail(db, err, "insert");
	sqlite3_finalize(st);
	if (rc == 0) {                 /* the checkpoint moves once committed */
		q->head_id = id;
		g_strlcpy(q->head_mac, mac, sizeof q->head_mac);
	}
	return rc;
}

int
sq_audit_add(mk_store *q, gint64 now, const char *who, const char *ip,
             const char *what, const char *item, const char *result,
             const char *detail, mk_error *err)
{
	const char *f[6] = { who ? who : "-", ip ? ip : "-", what, item,
	                     result ? result : "ok", detail };
	bool own = sqlite3_get_autocommit(mk_sq_db(q)) != 0;
	int rc;

	if (what == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "audit: event without a name");
		return MK_ERR_USAGE;
	}
	if (own && (rc = sq_begin(q, err)) != 0)
		return rc;
	rc = insert(q, now, f, err);
	return own ? sq_end(q, rc, err) : rc;
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

/* Delete the oldest events before CUTOFF, never the newest one (the
 * chain's head stays in the store): *first = the first event kept,
 * PREV = the MAC it follows. */
static int
purge_prefix(sqlite3 *db, gint64 cutoff, int *n, gint64 *first, char prev[65],
             mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT id, prev FROM audit WHERE id >= (SELECT "
	                       "coalesce(min(id), 0) FROM audit WHERE ts >= ?1 OR id = "
	                       "(SELECT max(id) FROM audit)) ORDER BY id LIMIT 1", -1, &st,
	                       NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, cutoff);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*first = sqlite3_column_int64(st, 0);
		g_strlcpy(prev, (const char *)sqlite3_column_text(st, 1), 65);
	}
	sqlite3_finalize(st);
	if (*first == 0)
		return 0;                      /* no events at all */
	rc = exec_int(db, "DELETE FROM audit WHERE id < ?1", *first, n, err);
	return rc;
}

int
sq_audit_purge(mk_store *q, gint64 now, gint64 retention_days, int *n,
               mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	char detail[256], prev[65] = MK_AUDIT_GENESIS;
	gint64 first = 0;
	int rc;

	*n = 0;
	if (retention_days < 1) {
		mk_error_set(err, MK_ERR_USAGE, "audit: retention must be at least one day");
		return MK_ERR_USAGE;
	}
	if ((rc = sq_begin(q, err)) != 0)
		return rc;
	if ((rc = exec_int(db, "UPDATE audit_keep SET days = ?1", retention_days, NULL, err)) != 0 ||
	    (rc = purge_prefix(db, now - retention_days * SECS_PER_DAY, n, &first, prev,
	                       err)) != 0)
		goto out;
	g_snprintf(detail, sizeof detail, "%d events older than %" G_GINT64_FORMAT
	           " days removed; " MK_AUDIT_ANCHOR, *n, retention_days,
	           first > 0 ? first : 1, prev);
	rc = mk_audit_add(q, now, "system", "local", "audit.purge", NULL, "ok", detail, err);
out:
	if ((rc = sq_end(q, rc, err)) != 0)
		*n = 0;
	return rc;
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
