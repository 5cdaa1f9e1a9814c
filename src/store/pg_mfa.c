/*
 * NAME
 *   pg_mfa - the PostgreSQL backend's second-factor records (mfa.h)
 *
 * DESCRIPTION
 *   Tables mfa and mfa_recovery (pg_schema.c), column "user" quoted.  The
 *   box is bytea, written in binary, read as hex.  use_step and
 *   use_recovery are one UPDATE each, so two logins on two hosts cannot
 *   both use one code.
 *
 * FAILURE
 *   As mfa.h: database MK_ERR_TEMP, none MK_ERR_NOINPUT, used or refused
 *   MK_ERR_USAGE.
 */
#include <string.h>

#include "pg_int.h"

int
pg_mfa_get(mk_store *s, const char *user, mk_mfa_rec **out, mk_error *err)
{
	const char *p[] = { user };
	const char *hex;
	PGresult *r;
	GByteArray *box;

	*out = NULL;
	if ((r = pg_run(s, "mfa", "SELECT encode(box, 'hex'), confirmed, last_step, created "
	                "FROM mfa WHERE \"user\" = $1", 1, p, err)) == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) == 0) {
		PQclear(r);
		mk_error_set(err, MK_ERR_NOINPUT, "no second factor for \"%s\"", user);
		return MK_ERR_NOINPUT;
	}
	box = g_byte_array_new();
	for (hex = PQgetvalue(r, 0, 0); hex[0] && hex[1]; hex += 2) {
		guint8 b = (guint8)(g_ascii_xdigit_value(hex[0]) << 4 |
		                    g_ascii_xdigit_value(hex[1]));

		g_byte_array_append(box, &b, 1);
	}
	*out = g_new0(mk_mfa_rec, 1);
	(*out)->box = g_byte_array_free_to_bytes(box);
	(*out)->confirmed = pg_int(r, 0, 1) != 0;
	(*out)->last_step = pg_int(r, 0, 2);
	(*out)->created = pg_int(r, 0, 3);
	PQclear(r);
	return 0;
}

int
pg_mfa_enrol(mk_store *s, const char *user, const guint8 *box, gsize len, gint64 now,
             mk_error *err)
{
	char b[24];
	const char *d[] = { user };
	const char *v[] = { user, (const char *)box, pg_i64(b, now) };
	int lens[] = { 0, (int)len, 0 };
	int fmts[] = { 0, 1, 0 };
	PGresult *r;
	int rc;

	/* a confirmed key stays: the INSERT then fails (only clear removes it) */
	if ((rc = pg_cmd(s, "mfa", "DELETE FROM mfa WHERE \"user\" = $1 AND confirmed = 0", 1,
	                 d, NULL, err)) != 0)
		return rc;
	r = PQexecParams(PG(s)->conn, "INSERT INTO mfa (\"user\", box, created) VALUES "
	                 "($1, $2, $3)", 3, NULL, v, lens, fmts, 0);
	rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

		if (st != NULL && strcmp(st, PG_UNIQUE) == 0) {
			mk_error_set(err, MK_ERR_USAGE, "\"%s\" has a second factor already", user);
			rc = MK_ERR_USAGE;
		} else {
			mk_error_set(err, MK_ERR_TEMP, "store: mfa: %s", PQerrorMessage(PG(s)->conn));
			rc = MK_ERR_TEMP;
		}
	}
	PQclear(r);
	return rc;
}

int
pg_mfa_confirm(mk_store *s, const char *user, gint64 step, GPtrArray *hashes,
               mk_error *err)
{
	char b[24];
	const char *p[] = { user, pg_i64(b, step) };
	int rc, n = 0;

	if ((rc = pg_begin(s, err)) != 0)
		return rc;
	rc = pg_cmd(s, "mfa", "UPDATE mfa SET confirmed = 1, last_step = $2 WHERE \"user\" = $1 "
	            "AND confirmed = 0 AND last_step < $2", 2, p, &n, err);
	if (rc == 0 && n != 1) {
		mk_error_set(err, MK_ERR_USAGE, "no enrolment waiting for \"%s\"", user);
		rc = MK_ERR_USAGE;
	}
	for (guint i = 0; rc == 0 && i < hashes->len; i++) {
		const char *h[] = { user, g_ptr_array_index(hashes, i) };

		rc = pg_cmd(s, "mfa", "INSERT INTO mfa_recovery (\"user\", hash) VALUES ($1, $2)",
		            2, h, NULL, err);
	}
	return pg_end(s, rc, err);
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
pg_mfa_use_step(mk_store *s, const char *user, gint64 step, mk_error *err)
{
	char b[24];
	const char *p[] = { user, pg_i64(b, step) };
	int n = 0;
	int rc = pg_cmd(s, "mfa", "UPDATE mfa SET last_step = $2 WHERE \"user\" = $1 AND "
	                "confirmed = 1 AND last_step < $2", 2, p, &n, err);

	return once(rc, n, err, "code");
}

int
pg_mfa_use_recovery(mk_store *s, const char *user, const char *hash, mk_error *err)
{
	const char *p[] = { user, hash };
	int n = 0;
	int rc = pg_cmd(s, "mfa", "UPDATE mfa_recovery SET used = 1 WHERE \"user\" = $1 AND "
	                "hash = $2 AND used = 0", 2, p, &n, err);

	return once(rc, n, err, "recovery code");
}

int
pg_mfa_clear(mk_store *s, const char *user, mk_error *err)
{
	const char *p[] = { user };
	int rc = pg_cmd(s, "mfa", "DELETE FROM mfa_recovery WHERE \"user\" = $1", 1, p, NULL,
	                err);

	return rc != 0 ? rc : pg_cmd(s, "mfa", "DELETE FROM mfa WHERE \"user\" = $1", 1, p,
	                             NULL, err);
}
