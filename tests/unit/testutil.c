/*
 * NAME
 *   testutil - helpers shared by the unit tests (see testutil.h)
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

char *
mkt_tmpdir(void)
{
	GError *ge = NULL;
	char *d = g_dir_make_tmp("mukaika-test-XXXXXX", &ge);

	ck_assert_msg(d != NULL, "tmpdir: %s", ge ? ge->message : "?");
	return d;
}

void
mkt_rm_rf(const char *dir)
{
	char *argv[] = { "rm", "-rf", (char *)dir, NULL };

	if (dir != NULL && strlen(dir) > 5)
		g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
		             NULL, NULL, NULL, NULL);
}

const char *
mkt_eicar(void)
{
	static char buf[80];

	if (buf[0] == '\0')
		g_snprintf(buf, sizeof buf, "%s%s%s",
		           "X5O!P%@AP[4\\PZX54(P^)7CC)7}$",
		           "EICAR-STANDARD-ANTIVIRUS-",
		           "TEST-FILE!$H+H*");
	return buf;
}

void
mkt_write_sigdb(const char *dir)
{
	char *hdb = g_build_filename(dir, "test.hdb", NULL);
	char *ndb = g_build_filename(dir, "test.ndb", NULL);
	GString *hex = g_string_new(NULL);
	const char *e = mkt_eicar();
	const char *h =
		"44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n"
		"aa15bcf478d165efd2065190eb473bcb:544:ClamAV-Test-File\n";

	g_mkdir_with_parents(dir, 0700);
	for (const char *p = e; *p; p++)
		g_string_append_printf(hex, "%02x", (unsigned char)*p);
	char *n = g_strdup_printf("Eicar-Test-Signature-Body:0:*:%s\n", hex->str);
	ck_assert(g_file_set_contents(hdb, h, -1, NULL));
	ck_assert(g_file_set_contents(ndb, n, -1, NULL));
	g_free(n);
	g_string_free(hex, TRUE);
	g_free(hdb);
	g_free(ndb);
}

bool
mkt_pg(void)
{
	return g_strcmp0(g_getenv("MK_STORE_BACKEND"), "postgresql") == 0;
}

/* A new, empty schema on the server of $MK_TEST_PG (tests/tools/pgtmp.sh):
 * the connection string that works in it (caller frees). */
static char *
pg_fresh_schema(void)
{
	const char *base = g_getenv("MK_TEST_PG");
	char *name, *sql, *ci;
	PGconn *c;
	PGresult *r;

	ck_assert_msg(base != NULL, "MK_STORE_BACKEND=postgresql needs MK_TEST_PG");
	name = g_strdup_printf("t%08x%08x", g_random_int(), g_random_int());
	sql = g_strdup_printf("CREATE SCHEMA %s", name);
	c = PQconnectdb(base);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	ci = g_strdup_printf("%s options='-csearch_path=%s'", base, name);
	g_free(sql);
	g_free(name);
	return ci;
}

mk_config *
mkt_config(const char *dir)
{
	mk_config *cfg = mk_config_defaults();
	char *db = g_build_filename(dir, "db", NULL);

	mkt_write_sigdb(db);
	g_free(cfg->general.state_dir);
	cfg->general.state_dir = g_build_filename(dir, "state", NULL);
	g_mkdir_with_parents(cfg->general.state_dir, 0700);
	g_free(cfg->clamav.database_dir);
	cfg->clamav.database_dir = db;
	g_free(cfg->web.password_hash_cost);
	cfg->web.password_hash_cost = g_strdup("minimum");
	if (g_getenv("MK_STORE_BACKEND") != NULL) {   /* the same suites, another backend */
		g_free(cfg->store.backend);
		cfg->store.backend = g_strdup(g_getenv("MK_STORE_BACKEND"));
	}
	if (mkt_pg()) {
		g_free(cfg->store.postgresql);
		cfg->store.postgresql = pg_fresh_schema();
	}
	mkt_set_worker(cfg);   /* containers are unpacked by the worker */
	return cfg;
}

char *
mkt_shared_path(const char *rel)
{
	const char *s = g_getenv("MK_SHARED");

	return g_build_filename(s ? s : "../shared", rel, NULL);
}

char *
mkt_src_path(const char *rel)
{
	const char *s = g_getenv("MK_SRCDIR");

	return g_build_filename(s ? s : ".", rel, NULL);
}

void
mkt_set_worker(mk_config *cfg)
{
	const char *w = g_getenv("MK_WORKER");

	g_free(cfg->worker.path);
	cfg->worker.path = w ? g_strdup(w)
	                     : g_build_filename(g_getenv("MK_BUILDDIR"), "src",
	                                        "worker", "mukaika-worker", NULL);
}

mk_config *
mkt_worker_config(void)
{
	mk_config *cfg = mk_config_defaults();

	mkt_set_worker(cfg);
	return cfg;
}

char *
mkt_children_of(int pid)
{
	char *path = g_strdup_printf("/proc/%d/task/%d/children", pid, pid);
	char *txt = NULL;

	if (!g_file_get_contents(path, &txt, NULL, NULL))
		txt = g_strdup("");
	g_strstrip(txt);
	g_free(path);
	return txt;
}

GBytes *
mkt_read(const char *path)
{
	mk_error err = { 0 };
	GBytes *b = mk_read_file(path, 0, &err);

	ck_assert_msg(b != NULL, "%s", err.msg);
	return b;
}

int
mkt_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

mkt_fixture mkt_fx;

void
mkt_fixture_init(mkt_fixture *f)
{
	f->dir = mkt_tmpdir();
	f->cfg = mkt_config(f->dir);
}

static sqlite3 *raw_db;

sqlite3 *
mkt_raw_db(const mk_config *cfg)
{
	char *path;

	if (raw_db != NULL)
		return raw_db;
	path = mk_config_state_path(cfg, cfg->quarantine.db, "mukaika.db");
	ck_assert_int_eq(sqlite3_open_v2(path, &raw_db, SQLITE_OPEN_READWRITE, NULL),
	                 SQLITE_OK);
	sqlite3_busy_timeout(raw_db, 5000);
	g_free(path);
	return raw_db;
}

static PGconn *raw_pg;

static PGconn *
pg_raw(const mk_config *cfg)
{
	if (raw_pg == NULL) {
		raw_pg = PQconnectdb(cfg->store.postgresql);
		ck_assert_msg(PQstatus(raw_pg) == CONNECTION_OK, "%s", PQerrorMessage(raw_pg));
	}
	return raw_pg;
}

int
mkt_raw_exec(const mk_config *cfg, const char *sql)
{
	PGresult *r;
	int rc;

	if (!mkt_pg())
		return sqlite3_exec(mkt_raw_db(cfg), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	r = PQexec(pg_raw(cfg), sql);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK
	     ? 0 : -1;
	PQclear(r);
	return rc;
}

GPtrArray *
mkt_raw_rows(const mk_config *cfg, const char *sql)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

	if (!mkt_pg()) {
		sqlite3_stmt *st = NULL;

		ck_assert_int_eq(sqlite3_prepare_v2(mkt_raw_db(cfg), sql, -1, &st, NULL),
		                 SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int n = sqlite3_column_count(st);
			char **v = g_new0(char *, n + 1);

			for (int i = 0; i < n; i++)
				v[i] = g_strdup(sqlite3_column_text(st, i) != NULL
				                ? (const char *)sqlite3_column_text(st, i) : "");
			g_ptr_array_add(rows, v);
		}
		sqlite3_finalize(st);
		return rows;
	}
	{
		PGresult *r = PQexec(pg_raw(cfg), sql);

		ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s",
		              PQerrorMessage(pg_raw(cfg)));
		for (int i = 0; i < PQntuples(r); i++) {
			char **v = g_new0(char *, PQnfields(r) + 1);

			for (int c = 0; c < PQnfields(r); c++)
				v[c] = g_strdup(PQgetvalue(r, i, c));
			g_ptr_array_add(rows, v);
		}
		PQclear(r);
	}
	return rows;
}

gint64
mkt_raw_int(const mk_config *cfg, const char *sql)
{
	GPtrArray *rows = mkt_raw_rows(cfg, sql);
	gint64 v = -1;

	if (rows->len > 0 && ((char **)g_ptr_array_index(rows, 0))[0] != NULL)
		v = g_ascii_strtoll(((char **)g_ptr_array_index(rows, 0))[0], NULL, 10);
	g_ptr_array_unref(rows);
	return v;
}

void
mkt_raw_unguard(const mk_config *cfg)
{
	ck_assert_int_eq(mkt_raw_exec(cfg, mkt_pg()
	                 ? "ALTER TABLE audit DISABLE TRIGGER USER"
	                 : "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; "
	                   "DROP TRIGGER audit_no_replace"), 0);
}

void
mkt_fixture_clear(mkt_fixture *f)
{
	sqlite3_close(raw_db);
	raw_db = NULL;
	PQfinish(raw_pg);
	raw_pg = NULL;
	mk_config_unref(&f->cfg);
	mkt_rm_rf(f->dir);
	g_clear_pointer(&f->dir, g_free);
}

void
mkt_fx_setup(void)
{
	mkt_fixture_init(&mkt_fx);
}

void
mkt_fx_teardown(void)
{
	mkt_fixture_clear(&mkt_fx);
}

void
mkt_fx_store_setup(void)
{
	mk_error err = { 0 };

	mkt_fx_setup();
	g_free(mkt_fx.cfg->dropd.out_dir);
	mkt_fx.cfg->dropd.out_dir = g_build_filename(mkt_fx.dir, "out", NULL);
	g_mkdir_with_parents(mkt_fx.cfg->dropd.out_dir, 0700);
	mkt_fx.q = mk_store_open(mkt_fx.cfg, &err);
	ck_assert_msg(mkt_fx.q != NULL, "%s", err.msg);
}

void
mkt_fx_store_teardown(void)
{
	mk_store_close(&mkt_fx.q);
	mkt_fx_teardown();
}

static void
sink_reply(FILE *f, const mkt_sink *s, const char *line, bool *data)
{
	if (*data) {
		if (strcmp(line, ".\r\n") == 0) {
			*data = false;
			fputs("250 queued\r\n", f);
		}
	} else if (strncmp(line, "DATA", 4) == 0) {
		*data = true;
		fputs("354 go\r\n", f);
	} else if (strncmp(line, "QUIT", 4) == 0) {
		fputs("221 bye\r\n", f);
	} else if (strncmp(line, "RCPT", 4) == 0 && s->refuse_rcpt) {
		fputs("550 no\r\n", f);
	} else {
		fputs(strncmp(line, "EHLO", 4) == 0 ? "250-sink\r\n250 8BITMIME\r\n"
		                                    : "250 ok\r\n", f);
	}
	fflush(f);
}

static gpointer
sink_run(gpointer p)
{
	mkt_sink *s = p;
	int fd = accept(s->lfd, NULL, NULL);
	char buf[4096];
	bool data = false;
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r+");
	fputs("220 sink\r\n", f);
	fflush(f);
	while (fgets(buf, sizeof buf, f) != NULL) {
		g_string_append(s->log, buf);
		sink_reply(f, s, buf, &data);
		if (!data && strncmp(buf, "QUIT", 4) == 0)
			break;
	}
	fclose(f);
	return NULL;
}

void
mkt_sink_start(mkt_sink *s, mk_config *cfg)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;

	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s->lfd, 0);
	ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(s->lfd, 1), 0);
	ck_assert_int_eq(getsockname(s->lfd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	if (s->log == NULL)
		s->log = g_string_new(NULL);
	g_free(cfg->release.smtp_relay);
	cfg->release.smtp_relay = g_strdup_printf("127.0.0.1:%d", s->port);
	s->thread = g_thread_new("sink", sink_run, s);
}

void
mkt_sink_join(mkt_sink *s)
{
	if (s->thread != NULL)
		g_thread_join(s->thread);
	s->thread = NULL;
	if (s->lfd >= 0)
		close(s->lfd);
	s->lfd = -1;
}

void
mkt_sink_stop(mkt_sink *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	                         .sin_port = htons((guint16)s->port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
		(void)!write(fd, "QUIT\r\n", 6);
	mkt_sink_join(s);
	if (fd >= 0)
		close(fd);
}

void
mkt_sink_free(mkt_sink *s)
{
	if (s->log != NULL)
		g_string_free(s->log, TRUE);
	s->log = NULL;
}
