/*
 * NAME
 *   pg_items - the PostgreSQL backend's items, originals and processed
 *   rows (qstore.h, stats.h)
 *
 * DESCRIPTION
 *   An original is kept once per sha256 in table objects, cut into
 *   chunks of MK_PG_CHUNK bytes; put() writes the chunks (unless the
 *   object is there) and the item row in one transaction, so a gateway
 *   that dies midway leaves nothing.  A transaction-scoped advisory lock
 *   on the hash orders put() and delete() of the same original (a delete
 *   never removes an object a concurrent put is about to use).  object()
 *   re-hashes what it reads.  Search values are bound parameters; text
 *   matches use strpos(), so no LIKE wildcards from the input.
 *
 * FAILURE
 *   As qstore.h: database failures MK_ERR_TEMP; unknown id
 *   MK_ERR_NOINPUT; damaged object MK_ERR_DATA; malformed input
 *   MK_ERR_USAGE.
 */
#include <string.h>

#include "pg_int.h"
#include "util.h"

#define MK_PG_CHUNK (1024 * 1024)
#define SECS_PER_DAY 86400

/* The advisory lock of one original (its hash), held to the commit. */
static int
lock_object(mk_store *s, const char *sha, mk_error *err)
{
	const char *p[] = { sha };

	return pg_cmd(s, "object lock", "SELECT pg_advisory_xact_lock(hashtext($1))", 1, p,
	              NULL, err);
}

int
pg_object_write(mk_store *s, const char *sha, GBytes *data, mk_error *err)
{
	gsize len = 0;
	const char *buf = g_bytes_get_data(data, &len);
	const char *p[] = { sha };
	PGresult *r;
	bool have;

	r = pg_run(s, "object", "SELECT 1 FROM objects WHERE sha256 = $1 AND seq = 0", 1, p,
	           err);
	if (r == NULL)
		return MK_ERR_TEMP;
	have = PQntuples(r) > 0;
	PQclear(r);
	for (gsize off = 0, seq = 0; !have && (off < len || seq == 0); off += MK_PG_CHUNK, seq++) {
		char b[24];
		const char *v[] = { sha, pg_i64(b, (gint64)seq), buf + off };
		int lens[] = { 0, 0, (int)MIN((gsize)MK_PG_CHUNK, len - off) };
		int fmts[] = { 0, 0, 1 };

		if (len == 0)
			v[2] = "";
		r = PQexecParams(PG(s)->conn, "INSERT INTO objects (sha256, seq, data) VALUES "
		                 "($1, $2, $3) ON CONFLICT DO NOTHING", 3, NULL, v, lens, fmts, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			mk_error_set(err, MK_ERR_TEMP, "store: object: %s",
			             PQerrorMessage(PG(s)->conn));
			PQclear(r);
			return MK_ERR_TEMP;
		}
		PQclear(r);
	}
	return 0;
}

/* 0: ID is new; 1: there with the same original; MK_ERR_DATA otherwise. */
static int
same_item(mk_store *s, const char *id, const char *sha, mk_error *err)
{
	const char *p[] = { id };
	PGresult *r = pg_run(s, "lookup", "SELECT sha256 FROM items WHERE id = $1", 1, p, err);
	int rc = 0;

	if (r == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) > 0)
		rc = strcmp(PQgetvalue(r, 0, 0), sha) == 0 ? 1 : MK_ERR_DATA;
	PQclear(r);
	if (rc == MK_ERR_DATA)
		mk_error_set(err, MK_ERR_DATA, "quarantine put: id %s already holds a "
		             "different original", id);
	return rc;
}

static int
insert_row(mk_store *s, const mk_qmeta *m, const char *sha, gsize len, mk_error *err)
{
	char b1[24], b2[24], b3[24];
	const char *v[] = {
		m->id, m->channel, m->sender, m->recipients, m->subject,
		mk_verdict_name(m->verdict), m->findings, m->report_json, sha,
		pg_i64(b1, (gint64)len), pg_i64(b2, m->received),
		pg_i64(b3, m->received + PG(s)->retention_days * SECS_PER_DAY),
	};

	return pg_cmd(s, "insert", "INSERT INTO items (" PG_ITEM_COLS ") VALUES "
	              "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'held')", 12, v, NULL, err);
}

int
pg_item_put(mk_store *s, const mk_qmeta *m, GBytes *original, mk_error *err)
{
	char sha[65];
	gsize len = 0;
	const void *buf;
	int rc;

	if (m == NULL || original == NULL || m->id == NULL || m->channel == NULL ||
	    m->report_json == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine put: missing id, channel, report "
		             "or content");
		return MK_ERR_USAGE;
	}
	buf = g_bytes_get_data(original, &len);
	mk_sha256_hex(buf, len, sha);
	if ((rc = pg_begin(s, err)) != 0)
		return rc;
	if ((rc = lock_object(s, sha, err)) == 0 && (rc = same_item(s, m->id, sha, err)) == 0 &&
	    (rc = pg_object_write(s, sha, original, err)) == 0)
		rc = insert_row(s, m, sha, len, err);
	if (rc == 1) {
		pg_end(s, MK_ERR_TEMP, NULL);   /* the same job again: nothing to do */
		return 0;
	}
	return pg_end(s, rc, err);
}

static mk_qrecord *
row_record(const PGresult *r, int i, mk_error *err)
{
	mk_qrecord *q = g_new0(mk_qrecord, 1);

	q->id = pg_text(r, i, 0);
	q->channel = pg_text(r, i, 1);
	q->sender = pg_text(r, i, 2);
	q->recipients = pg_text(r, i, 3);
	q->subject = pg_text(r, i, 4);
	q->findings = pg_text(r, i, 6);
	q->report_json = pg_text(r, i, 7);
	q->sha256 = pg_text(r, i, 8);
	q->size = pg_int(r, i, 9);
	q->received = pg_int(r, i, 10);
	q->expires = pg_int(r, i, 11);
	q->status = pg_text(r, i, 12);
	if (qstore_parse_verdict(PQgetvalue(r, i, 5), &q->verdict) != 0) {
		mk_error_set(err, MK_ERR_TEMP, "quarantine db: item %s has an unknown verdict",
		             q->id != NULL ? q->id : "?");
		mk_qrecord_free(&q);
	}
	return q;
}

/* Every row of R as records (*out) or MK_ERR_TEMP. */
static int
records(PGresult *r, GPtrArray **out, mk_error *err)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(qstore_record_free_func);

	for (int i = 0; i < PQntuples(r); i++) {
		mk_qrecord *q = row_record(r, i, err);

		if (q == NULL) {
			g_ptr_array_unref(a);
			PQclear(r);
			return MK_ERR_TEMP;
		}
		g_ptr_array_add(a, q);
	}
	PQclear(r);
	*out = a;
	return 0;
}

int
pg_item_get(mk_store *s, const char *id, mk_qrecord **out, mk_error *err)
{
	const char *p[] = { id != NULL ? id : "" };
	PGresult *r;
	int rc = 0;

	*out = NULL;
	r = pg_run(s, "select", "SELECT " PG_ITEM_COLS " FROM items WHERE id = $1", 1, p, err);
	if (r == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) == 0) {
		mk_error_set(err, MK_ERR_NOINPUT, "quarantine: no item %s", p[0]);
		rc = MK_ERR_NOINPUT;
	} else if ((*out = row_record(r, 0, err)) == NULL) {
		rc = MK_ERR_TEMP;
	}
	PQclear(r);
	return rc;
}

int
pg_item_list(mk_store *s, int limit, GPtrArray **out, mk_error *err)
{
	char b[24];
	const char *p[] = { limit > 0 ? pg_i64(b, limit) : NULL };
	PGresult *r;

	*out = NULL;
	r = pg_run(s, "list", "SELECT " PG_ITEM_COLS " FROM items ORDER BY received DESC, "
	           "id DESC LIMIT $1::bigint", 1, p, err);
	return r != NULL ? records(r, out, err) : MK_ERR_TEMP;
}

GBytes *
pg_item_object(mk_store *s, const char *sha256, mk_error *err)
{
	const char *p[] = { sha256 };
	GByteArray *a;
	PGresult *r;
	char got[65];

	if (!qstore_valid_sha256(sha256)) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine: not a sha256 hash");
		return NULL;
	}
	r = PQexecParams(PG(s)->conn, "SELECT data FROM objects WHERE sha256 = $1 ORDER BY seq",
	                 1, NULL, p, NULL, NULL, 1);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		mk_error_set(err, MK_ERR_TEMP, "store: object: %s", PQerrorMessage(PG(s)->conn));
		PQclear(r);
		return NULL;
	}
	if (PQntuples(r) == 0) {
		mk_error_set(err, MK_ERR_NOINPUT, "quarantine object %s is missing", sha256);
		PQclear(r);
		return NULL;
	}
	a = g_byte_array_new();
	for (int i = 0; i < PQntuples(r); i++)
		g_byte_array_append(a, (const guint8 *)PQgetvalue(r, i, 0),
		                    (guint)PQgetlength(r, i, 0));
	PQclear(r);
	mk_sha256_hex(a->data, a->len, got);
	if (strcmp(got, sha256) != 0) {
		mk_error_set(err, MK_ERR_DATA, "quarantine object %s is damaged (content "
		             "hashes to %s)", sha256, got);
		g_byte_array_unref(a);
		return NULL;
	}
	return g_byte_array_free_to_bytes(a);
}

/* WHERE clause for F; its values are appended to VALS ($1, $2... in order). */
static char *
where_clause(const mk_qfilter *f, GPtrArray *vals)
{
	GString *w = g_string_new(" WHERE true");

#define ADD(fmt, v) do { g_ptr_array_add(vals, (gpointer)(v)); \
	g_string_append_printf(w, " AND " fmt, vals->len); } while (0)
	if (f == NULL)
		return g_string_free(w, FALSE);
	if (f->since > 0)
		ADD("received >= $%u::bigint", g_strdup_printf("%" G_GINT64_FORMAT, f->since));
	if (f->until > 0)
		ADD("received < $%u::bigint", g_strdup_printf("%" G_GINT64_FORMAT, f->until));
	if (f->sender && *f->sender)
		ADD("strpos(lower(coalesce(sender,'')), lower($%u::text)) > 0",
		    g_strdup(f->sender));
	if (f->recipient && *f->recipient)
		ADD("strpos(lower(coalesce(recipients,'')), lower($%u::text)) > 0",
		    g_strdup(f->recipient));
	if (f->verdict && *f->verdict)
		ADD("verdict = $%u::text", g_strdup(f->verdict));
	if (f->finding && *f->finding)
		ADD("strpos(',' || coalesce(findings,'') || ',', ',' || $%u::text || ',') > 0",
		    g_strdup(f->finding));
	if (f->status && *f->status)
		ADD("status = $%u::text", g_strdup(f->status));
	if (f->text && *f->text)
		ADD("(strpos(lower(coalesce(subject,'')), lower($%1$u::text)) > 0 OR "
		    "strpos(id, $%1$u::text) > 0)", g_strdup(f->text));
#undef ADD
	return g_string_free(w, FALSE);
}

static PGresult *
run_filtered(mk_store *s, const char *head, const mk_qfilter *f, const char *tail,
             mk_error *err)
{
	GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
	char *where = where_clause(f, vals);
	char *sql = g_strconcat(head, where, tail, NULL);
	PGresult *r = pg_run(s, "search", sql, (int)vals->len,
	                     (const char *const *)vals->pdata, err);

	g_free(sql);
	g_free(where);
	g_ptr_array_unref(vals);
	return r;
}

int
pg_item_search(mk_store *s, const mk_qfilter *f, GPtrArray **out, mk_error *err)
{
	char tail[96], lim[24];
	PGresult *r;

	*out = NULL;
	if (f != NULL && f->limit > 0)
		g_snprintf(lim, sizeof lim, "%d", f->limit);
	else
		g_strlcpy(lim, "ALL", sizeof lim);
	g_snprintf(tail, sizeof tail, " ORDER BY received DESC, id DESC LIMIT %s OFFSET %d",
	           lim, f != NULL && f->offset > 0 ? f->offset : 0);
	r = run_filtered(s, "SELECT " PG_ITEM_COLS " FROM items", f, tail, err);
	return r != NULL ? records(r, out, err) : MK_ERR_TEMP;
}

int
pg_item_count(mk_store *s, const mk_qfilter *f, gint64 *n, mk_error *err)
{
	PGresult *r = run_filtered(s, "SELECT count(*) FROM items", f, "", err);

	*n = 0;
	if (r == NULL)
		return MK_ERR_TEMP;
	*n = pg_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_item_set_status(mk_store *s, const char *id, const char *status, mk_error *err)
{
	const char *p[] = { id, status };
	int n = 0, rc;

	if (!mk_qstore_valid_id(id)) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine: malformed id");
		return MK_ERR_USAGE;
	}
	rc = pg_cmd(s, "status", "UPDATE items SET status = $2 WHERE id = $1", 2, p, &n, err);
	if (rc == 0 && n == 0) {
		mk_error_set(err, MK_ERR_NOINPUT, "quarantine: no item %s", id);
		rc = MK_ERR_NOINPUT;
	}
	return rc;
}

int
pg_item_set_result(mk_store *s, const char *id, mk_verdict verdict,
                   const char *findings, const char *report_json, mk_error *err)
{
	const char *p[] = { id, mk_verdict_name(verdict), findings != NULL ? findings : "",
	                    report_json };
	int n = 0, rc;

	if (!mk_qstore_valid_id(id) || report_json == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine: malformed id or no report");
		return MK_ERR_USAGE;
	}
	rc = pg_cmd(s, "set result", "UPDATE items SET verdict = $2, findings = $3, "
	            "report = $4 WHERE id = $1", 4, p, &n, err);
	if (rc == 0 && n == 0) {
		mk_error_set(err, MK_ERR_NOINPUT, "quarantine: no item %s", id);
		rc = MK_ERR_NOINPUT;
	}
	return rc;
}

int
pg_item_delete(mk_store *s, const char *id, mk_error *err)
{
	mk_qrecord *q = NULL;
	int rc;

	if (!mk_qstore_valid_id(id)) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine: malformed id");
		return MK_ERR_USAGE;
	}
	if ((rc = pg_item_get(s, id, &q, err)) != 0)
		return rc;
	if ((rc = pg_begin(s, err)) == 0) {
		const char *p[] = { id };
		const char *h[] = { q->sha256 };

		if ((rc = lock_object(s, q->sha256, err)) == 0 &&
		    (rc = pg_cmd(s, "delete", "DELETE FROM items WHERE id = $1", 1, p, NULL,
		                 err)) == 0)
			rc = pg_cmd(s, "delete", "DELETE FROM objects WHERE sha256 = $1 AND NOT "
			            "EXISTS (SELECT 1 FROM items WHERE sha256 = $1)", 1, h, NULL, err);
		rc = pg_end(s, rc, err);
	}
	mk_qrecord_free(&q);
	return rc;
}

int
pg_item_purge(mk_store *s, gint64 now, int *n, mk_error *err)
{
	char b[24];
	const char *p[] = { pg_i64(b, now) };
	PGresult *r;
	int rc = 0;

	*n = 0;
	if ((r = pg_run(s, "purge", "SELECT id FROM items WHERE expires < $1::bigint", 1, p,
	                err)) == NULL)
		return MK_ERR_TEMP;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++)
		if ((rc = mk_qstore_delete(s, PQgetvalue(r, i, 0), err)) == 0)
			(*n)++;
	PQclear(r);
	return rc;
}

int
pg_stats_add(mk_store *s, const mk_qmeta *m, gint64 size, bool stored, mk_error *err)
{
	char b1[24], b2[24];

	if (m == NULL || m->id == NULL || m->channel == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "stats: missing id or channel");
		return MK_ERR_USAGE;
	}
	{
		const char *p[] = { m->id, pg_i64(b1, m->received), m->channel,
		                    mk_verdict_name(m->verdict), m->findings ? m->findings : "",
		                    pg_i64(b2, size), stored ? "1" : "0" };

		return pg_cmd(s, "stats", "INSERT INTO processed (id, received, channel, verdict, "
		              "findings, size, stored) VALUES ($1,$2,$3,$4,$5,$6,$7) "
		              "ON CONFLICT (id) DO NOTHING", 7, p, NULL, err);
	}
}

static void
stat_free_func(gpointer p)
{
	mk_stat_row *r = p;

	mk_stat_row_free(&r);
}

int
pg_stats_list(mk_store *s, gint64 from, gint64 until, GPtrArray **out, mk_error *err)
{
	char b1[24], b2[24];
	const char *p[] = { pg_i64(b1, from), pg_i64(b2, until) };
	PGresult *r;

	*out = NULL;
	if ((r = pg_run(s, "stats", "SELECT id, received, channel, verdict, findings, size, "
	                "stored FROM processed WHERE received >= $1::bigint AND received < "
	                "$2::bigint ORDER BY received, id", 2, p, err)) == NULL)
		return MK_ERR_TEMP;
	*out = g_ptr_array_new_with_free_func(stat_free_func);
	for (int i = 0; i < PQntuples(r); i++) {
		mk_stat_row *row = g_new0(mk_stat_row, 1);

		row->id = pg_text(r, i, 0);
		row->received = pg_int(r, i, 1);
		row->channel = pg_text(r, i, 2);
		if (qstore_parse_verdict(PQgetvalue(r, i, 3), &row->verdict) != 0)
			row->verdict = MK_V_TEMPFAIL;
		row->findings = pg_text(r, i, 4);
		row->size = pg_int(r, i, 5);
		row->stored = pg_int(r, i, 6) != 0;
		g_ptr_array_add(*out, row);
	}
	PQclear(r);
	return 0;
}
