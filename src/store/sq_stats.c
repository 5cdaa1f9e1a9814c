/*
 * NAME
 *   sq_stats - the SQLite backend's processed-item rows (stats.h)
 *
 * DESCRIPTION
 *   Table processed (schema v4, qstore.c): one row per id, INSERT OR
 *   IGNORE so a re-run keeps the first.
 */
#include <string.h>

#include "stats.h"
#include "store_int.h"

int
sq_stats_add(mk_store *q, const mk_qmeta *m, gint64 size, bool stored, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (m == NULL || m->id == NULL || m->channel == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "stats: missing id or channel");
		return MK_ERR_USAGE;
	}
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO processed (id, received, channel, "
	                       "verdict, findings, size, stored) VALUES (?1,?2,?3,?4,?5,?6,?7)",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, m->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, m->received);
	sqlite3_bind_text(st, 3, m->channel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, mk_verdict_name(m->verdict), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->findings != NULL ? m->findings : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, size);
	sqlite3_bind_int(st, 7, stored ? 1 : 0);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "stats");
	sqlite3_finalize(st);
	return rc;
}

static void
row_free_func(gpointer p)
{
	mk_stat_row *r = p;

	mk_stat_row_free(&r);
}

int
sq_stats_list(mk_store *q, gint64 from, gint64 until, GPtrArray **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int s;

	*out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT id, received, channel, verdict, findings, size, "
	                       "stored FROM processed WHERE received >= ?1 AND received < ?2 "
	                       "ORDER BY received, id", -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	*out = g_ptr_array_new_with_free_func(row_free_func);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		mk_stat_row *r = g_new0(mk_stat_row, 1);

		r->id = g_strdup((const char *)sqlite3_column_text(st, 0));
		r->received = sqlite3_column_int64(st, 1);
		r->channel = g_strdup((const char *)sqlite3_column_text(st, 2));
		if (qstore_parse_verdict((const char *)sqlite3_column_text(st, 3),
		                         &r->verdict) != 0)
			r->verdict = MK_V_TEMPFAIL;
		r->findings = g_strdup((const char *)sqlite3_column_text(st, 4));
		r->size = sqlite3_column_int64(st, 5);
		r->stored = sqlite3_column_int(st, 6) != 0;
		g_ptr_array_add(*out, r);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return mk_sq_fail(db, err, "stats");
	}
	return 0;
}

void
mk_stat_row_free(mk_stat_row **rp)
{
	if (rp == NULL || *rp == NULL)
		return;
	g_free((*rp)->id);
	g_free((*rp)->channel);
	g_free((*rp)->findings);
	g_free(*rp);
	*rp = NULL;
}
