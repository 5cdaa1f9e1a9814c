/*
 * NAME
 *   pg_audit - the PostgreSQL backend's audit chain (audit.h; the chain's
 *   rules are audit_chain.h's)
 *
 * DESCRIPTION
 *   add() takes a transaction-scoped advisory lock on the chain before it
 *   reads the head, so writers on every host append one after another:
 *   the next writer reads the head the previous one committed (READ
 *   COMMITTED: each statement sees what committed before it).  The lock
 *   is held to the end of the writer's transaction, so an event written
 *   inside a larger transaction (a decision) keeps the chain ordered too.
 *   purge() and verify are audit.c's and audit_verify.c's, over rows read
 *   in id order in pages.
 *
 * NEVER
 *   Never updates an event; deletes only in purge(), which the schema
 *   limits to events past the retention.
 *
 * FAILURE
 *   Database MK_ERR_TEMP.
 */
#include <string.h>

#include "pg_int.h"
#include "audit.h"

#define SECS_PER_DAY 86400
#define PG_LOCK_AUDIT "1835728898"     /* pg_advisory_xact_lock key of the chain */
#define VERIFY_PAGE 5000

static int
insert(mk_store *s, gint64 now, const char *const f[6], mk_error *err)
{
	char prev[65] = MK_AUDIT_GENESIS, mac[65], b1[24], b2[24];
	gint64 last = 0, id;
	PGresult *r;
	int rc;

	if ((rc = pg_cmd(s, "audit lock", "SELECT pg_advisory_xact_lock(" PG_LOCK_AUDIT ")",
	                 0, NULL, NULL, err)) != 0)
		return rc;
	if ((r = pg_run(s, "audit head", "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
	                0, NULL, err)) == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) > 0) {
		last = pg_int(r, 0, 0);
		g_strlcpy(prev, PQgetvalue(r, 0, 1), sizeof prev);
	}
	PQclear(r);
	id = mk_audit_next_id(s, last);
	mk_audit_mac(s->audit_key, prev, id, now, f, mac);
	{
		const char *p[] = { pg_i64(b1, id), pg_i64(b2, now), f[0], f[1], f[2], f[3], f[4],
		                    f[5], prev, mac };

		rc = pg_cmd(s, "audit", "INSERT INTO audit (id, ts, who, ip, what, item, result, "
		            "detail, prev, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)", 10, p,
		            NULL, err);
	}
	if (rc == 0) {                     /* the checkpoint moves once committed */
		s->head_id = id;
		g_strlcpy(s->head_mac, mac, sizeof s->head_mac);
	}
	return rc;
}

int
pg_audit_add(mk_store *s, gint64 now, const char *who, const char *ip, const char *what,
             const char *item, const char *result, const char *detail, mk_error *err)
{
	const char *f[6] = { who ? who : "-", ip ? ip : "-", what, item,
	                     result ? result : "ok", detail };
	bool own = !PG(s)->in_tx;
	int rc;

	if (what == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "audit: event without a name");
		return MK_ERR_USAGE;
	}
	if (own && (rc = pg_begin(s, err)) != 0)
		return rc;
	rc = insert(s, now, f, err);
	return own ? pg_end(s, rc, err) : rc;
}

int
pg_audit_count(mk_store *s, const char *what, const char *item, const char *result,
               gint64 since, gint64 *n, mk_error *err)
{
	char b[24];
	const char *p[] = { what, item, result, pg_i64(b, since) };
	PGresult *r;

	*n = 0;
	if ((r = pg_run(s, "audit count", "SELECT count(*) FROM audit WHERE what = $1 AND "
	                "item = $2 AND result = $3 AND ts >= $4::bigint", 4, p, err)) == NULL)
		return MK_ERR_TEMP;
	*n = pg_int(r, 0, 0);
	PQclear(r);
	return 0;
}

static void
row_free_func(gpointer p)
{
	mk_audit_row *r = p;

	mk_audit_row_free(&r);
}

int
pg_audit_list(mk_store *s, const mk_audit_filter *f, GPtrArray **out, mk_error *err)
{
	char b1[24], b2[24], b3[24], b4[24];
	const char *p[] = {
		pg_i64(b1, f && f->since > 0 ? f->since : 0),
		pg_i64(b2, f && f->until > 0 ? f->until : G_MAXINT64),
		f && f->who && *f->who ? f->who : "",
		f && f->what && *f->what ? f->what : "",
		f && f->item && *f->item ? f->item : "",
		f && f->limit > 0 ? pg_i64(b3, f->limit) : NULL,
		pg_i64(b4, f && f->offset > 0 ? f->offset : 0),
	};
	PGresult *r;

	*out = NULL;
	if ((r = pg_run(s, "audit list", "SELECT id, ts, who, ip, what, item, result, detail "
	                "FROM audit WHERE ts >= $1::bigint AND ts < $2::bigint AND "
	                "($3::text = '' OR who = $3) AND ($4::text = '' OR what = $4 OR "
	                "left(what, length($4)) = $4) AND ($5::text = '' OR item = $5) "
	                "ORDER BY id DESC LIMIT $6::bigint OFFSET $7::bigint", 7, p,
	                err)) == NULL)
		return MK_ERR_TEMP;
	*out = g_ptr_array_new_with_free_func(row_free_func);
	for (int i = 0; i < PQntuples(r); i++) {
		mk_audit_row *a = g_new0(mk_audit_row, 1);

		a->id = pg_int(r, i, 0);
		a->ts = pg_int(r, i, 1);
		a->who = pg_text(r, i, 2);
		a->ip = pg_text(r, i, 3);
		a->what = pg_text(r, i, 4);
		a->item = pg_text(r, i, 5);
		a->result = pg_text(r, i, 6);
		a->detail = pg_text(r, i, 7);
		g_ptr_array_add(*out, a);
	}
	PQclear(r);
	return 0;
}

/* Delete the events before CUTOFF, never the newest: *first = the first
 * kept, PREV = the MAC it follows. */
static int
purge_prefix(mk_store *s, gint64 cutoff, int *n, gint64 *first, char prev[65],
             mk_error *err)
{
	char b[24];
	const char *p[] = { pg_i64(b, cutoff) };
	PGresult *r;

	if ((r = pg_run(s, "audit purge", "SELECT id, prev FROM audit WHERE id >= (SELECT "
	                "coalesce(min(id), 0) FROM audit WHERE ts >= $1::bigint OR id = "
	                "(SELECT max(id) FROM audit)) ORDER BY id LIMIT 1", 1, p, err)) == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) > 0) {
		*first = pg_int(r, 0, 0);
		g_strlcpy(prev, PQgetvalue(r, 0, 1), 65);
	}
	PQclear(r);
	if (*first == 0)
		return 0;
	{
		char f[24];
		const char *q[] = { pg_i64(f, *first) };

		return pg_cmd(s, "audit purge", "DELETE FROM audit WHERE id < $1::bigint", 1, q,
		              n, err);
	}
}

int
pg_audit_purge(mk_store *s, gint64 now, gint64 retention_days, int *n, mk_error *err)
{
	char detail[256], prev[65] = MK_AUDIT_GENESIS, b[24];
	const char *p[] = { pg_i64(b, retention_days) };
	gint64 first = 0;
	int rc;

	*n = 0;
	if (retention_days < 1) {
		mk_error_set(err, MK_ERR_USAGE, "audit: retention must be at least one day");
		return MK_ERR_USAGE;
	}
	if ((rc = pg_begin(s, err)) != 0)
		return rc;
	/* the chain's lock first: no event is appended while the prefix goes */
	if ((rc = pg_cmd(s, "audit lock", "SELECT pg_advisory_xact_lock(" PG_LOCK_AUDIT ")",
	                 0, NULL, NULL, err)) != 0 ||
	    (rc = pg_cmd(s, "audit keep", "UPDATE audit_keep SET days = $1::integer", 1, p,
	                 NULL, err)) != 0 ||
	    (rc = purge_prefix(s, now - retention_days * SECS_PER_DAY, n, &first, prev,
	                       err)) != 0)
		goto out;
	g_snprintf(detail, sizeof detail, "%d events older than %" G_GINT64_FORMAT
	           " days removed; " MK_AUDIT_ANCHOR, *n, retention_days,
	           first > 0 ? first : 1, prev);
	rc = mk_audit_add(s, now, "system", "local", "audit.purge", NULL, "ok", detail, err);
out:
	if ((rc = pg_end(s, rc, err)) != 0)
		*n = 0;
	return rc;
}

int
pg_audit_verify(mk_store *s, gint64 *bad, char **why, mk_error *err)
{
	mk_audit_walk w;
	PGresult *r;
	gint64 after = -1;
	char *anchor = NULL;
	int rows;

	*bad = 0;
	if (why != NULL)
		*why = NULL;
	if ((r = pg_run(s, "verify", "SELECT detail FROM audit WHERE what = 'audit.purge' AND "
	                "result = 'ok' ORDER BY id DESC LIMIT 1", 0, NULL, err)) == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) > 0)
		anchor = pg_text(r, 0, 0);
	PQclear(r);
	mk_audit_walk_start(s, &w, anchor);
	g_free(anchor);
	do {
		char b[24];
		const char *p[] = { pg_i64(b, after) };

		if ((r = pg_run(s, "verify", "SELECT id, ts, who, ip, what, item, result, detail, "
		                "prev, hash FROM audit WHERE id > $1::bigint ORDER BY id LIMIT "
		                G_STRINGIFY(VERIFY_PAGE), 1, p, err)) == NULL) {
			g_free(w.why);
			return MK_ERR_TEMP;
		}
		rows = PQntuples(r);
		for (int i = 0; i < rows; i++) {
			const char *f[6];

			for (int c = 0; c < 6; c++)
				f[c] = PQgetisnull(r, i, c + 2) ? NULL : PQgetvalue(r, i, c + 2);
			after = pg_int(r, i, 0);
			mk_audit_walk_row(s, &w, after, pg_int(r, i, 1), f, PQgetvalue(r, i, 8),
			                  PQgetvalue(r, i, 9));
		}
		PQclear(r);
	} while (rows == VERIFY_PAGE);
	mk_audit_walk_end(s, &w, bad, why);
	return 0;
}
