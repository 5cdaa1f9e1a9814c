/*
 * NAME
 *   pg_conn - the PostgreSQL backend's connection: open, statement
 *   helpers, transactions, reconnect (pg_int.h)
 *
 * DESCRIPTION
 *   store.postgresql is a libpq connection string; TLS is libpq's
 *   (sslmode=verify-full, sslrootcert, sslcert, sslkey), a password
 *   comes from ~/.pgpass or PGPASSFILE.  application_name is set to
 *   "mukaika" unless the string names one.  Every session runs with
 *   synchronous_commit on (a commit is durable on the primary, and on a
 *   synchronous standby when the server is configured so).
 *
 *   Reconnect: a connection found broken is reset (PQreset) before the
 *   next BEGIN or read.  A statement that failed with the connection is
 *   not sent again: the caller gets MK_ERR_TEMP (mail tempfails, a file
 *   stays in the drop folder) and the next operation reconnects.
 *
 * OWNS
 *   The connection of each handle.
 *
 * FAILURE
 *   Every database failure is MK_ERR_TEMP with libpq's message; an empty
 *   store.postgresql is MK_ERR_CONFIG.
 */
#include <string.h>

#include "pg_int.h"
#include "log.h"

const char *
pg_i64(char buf[24], gint64 v)
{
	g_snprintf(buf, 24, "%" G_GINT64_FORMAT, v);
	return buf;
}

static int
fail(mk_store *s, mk_error *err, const char *what, const PGresult *r)
{
	const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char *msg = g_strdup(r != NULL && *PQresultErrorMessage(r)
	                     ? PQresultErrorMessage(r) : PQerrorMessage(PG(s)->conn));

	g_strlcpy(PG(s)->sqlstate, state != NULL ? state : "", sizeof PG(s)->sqlstate);
	g_strstrip(msg);
	for (char *p = msg; *p; p++)          /* one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	mk_error_set(err, MK_ERR_TEMP, "store: %s: %s", what, *msg ? msg : "no connection");
	g_free(msg);
	return MK_ERR_TEMP;
}

/* A broken connection outside a transaction: reset it (one try). */
static void
revive(mk_store *s)
{
	if (PG(s)->in_tx || PQstatus(PG(s)->conn) == CONNECTION_OK)
		return;
	mk_log(MK_LOG_WARNING, NULL, "store: postgresql connection lost, reconnecting");
	PQreset(PG(s)->conn);
}

static bool
is_read(const char *sql)
{
	return g_ascii_strncasecmp(sql, "SELECT", 6) == 0;
}

PGresult *
pg_run(mk_store *s, const char *what, const char *sql, int n, const char *const *v,
       mk_error *err)
{
	PGresult *r;
	ExecStatusType st;

	revive(s);
	for (int attempt = 0; ; attempt++) {
		r = PQexecParams(PG(s)->conn, sql, n, NULL, v, NULL, NULL, 0);
		st = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			PG(s)->sqlstate[0] = '\0';
			return r;
		}
		if (attempt > 0 || PG(s)->in_tx || !is_read(sql) ||
		    PQstatus(PG(s)->conn) == CONNECTION_OK)
			break;
		PQclear(r);                       /* a read on a dead connection: */
		revive(s);                        /* again on a new one */
	}
	fail(s, err, what, r);
	PQclear(r);
	return NULL;
}

int
pg_cmd(mk_store *s, const char *what, const char *sql, int n, const char *const *v,
       int *changes, mk_error *err)
{
	PGresult *r = pg_run(s, what, sql, n, v, err);

	if (r == NULL)
		return MK_ERR_TEMP;
	if (changes != NULL)
		*changes = atoi(PQcmdTuples(r));
	PQclear(r);
	return 0;
}

char *
pg_text(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : g_strdup(PQgetvalue(r, row, col));
}

gint64
pg_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : g_ascii_strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int
pg_begin(mk_store *s, mk_error *err)
{
	int rc;

	revive(s);
	if ((rc = pg_cmd(s, "begin", "BEGIN", 0, NULL, NULL, err)) != 0 &&
	    PQstatus(PG(s)->conn) != CONNECTION_OK) {
		revive(s);                        /* BEGIN is safe to send again */
		rc = pg_cmd(s, "begin", "BEGIN", 0, NULL, NULL, err);
	}
	if (rc == 0)
		PG(s)->in_tx = 1;
	return rc;
}

int
pg_end(mk_store *s, int rc, mk_error *err)
{
	PG(s)->in_tx = 0;
	if (rc == 0)
		rc = pg_cmd(s, "commit", "COMMIT", 0, NULL, NULL, err);
	if (rc != 0) {
		PQclear(PQexec(PG(s)->conn, "ROLLBACK"));
		s->head_id = 0;                   /* that event is gone */
	} else {
		mk_store_head_flush(s);
	}
	return rc;
}

static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static char *
conninfo_of(const mk_config *cfg)
{
	const char *c = cfg->store.postgresql;

	if (strstr(c, "application_name") != NULL || strstr(c, "://") != NULL)
		return g_strdup(c);
	return g_strconcat(c, " application_name=mukaika", NULL);
}

mk_store *
pg_open(const mk_config *cfg, mk_error *err)
{
	pg_store *p;
	mk_store *s;

	if (cfg->store.postgresql == NULL || cfg->store.postgresql[0] == '\0') {
		mk_error_set(err, MK_ERR_CONFIG, "store.backend = postgresql needs "
		             "store.postgresql (a libpq connection string)");
		return NULL;
	}
	p = g_new0(pg_store, 1);
	s = &p->base;
	s->ops = &mk_store_postgresql_ops;
	p->conninfo = conninfo_of(cfg);
	p->retention_days = cfg->quarantine.retention_days;
	p->conn = PQconnectdb(p->conninfo);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		fail(s, err, "connect", NULL);
		pg_close(s);
		return NULL;
	}
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	if (pg_cmd(s, "session", "SET synchronous_commit = on", 0, NULL, NULL, err) != 0 ||
	    pg_migrate(s, err) != 0) {
		pg_close(s);
		return NULL;
	}
	return s;
}

void
pg_close(mk_store *s)
{
	PQfinish(PG(s)->conn);
	g_free(PG(s)->conninfo);
	g_free(PG(s));
}
