/*
 * NAME
 *   test_qstore - unit tests for the quarantine store (src/store/qstore.c)
 *
 * DESCRIPTION
 *   Real SQLite files and object files in a temporary state directory:
 *   put/get/list/object round trips, dedupe of identical originals,
 *   refusal of tampered objects and malformed hashes, reopen, idempotent
 *   migrations (concurrent handles too) and store failures (unwritable or
 *   impossible paths) as MK_ERR_TEMP.
 */
#include <sqlite3.h>

#include "review_sql.h"
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qstore.h"
#include "testutil.h"
#include "util.h"

/* every test gets mkt_fx (testutil.h): a temp dir and its config */

static mk_store *
open_store(void)
{
	mk_error err = { 0 };
	mk_store *q = mk_store_open(mkt_fx.cfg, &err);

	ck_assert_msg(q != NULL, "open: %s", err.msg);
	return q;
}

static const struct {
	const char *id, *channel, *sender, *recipients, *subject, *findings;
	mk_verdict verdict;
	const char *content;
	gint64 received;
} rows[] = {
	{ "20240101-000000-00000001", "mail", "a@example.com",
	  "b@example.jp,c@example.jp", "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8",
	  "virus", MK_V_REJECTED, "From: a\r\n\r\nEICAR-ish\r\n", 1700000000 },
	{ "20240101-000000-00000002", "file", NULL, "owner", "invoice.pdf.exe",
	  "double_extension,executable", MK_V_QUARANTINED, "MZ\x90\x00", 1700000100 },
	{ "20240101-000000-00000003", "mail", "", "d@example.jp", NULL, NULL,
	  MK_V_CLEANED, "", 1700000050 },
	/* same content as row 0: one object */
	{ "20240101-000000-00000004", "mail", "x@example.com", "y@example.jp",
	  "again", "virus", MK_V_TEMPFAIL, "From: a\r\n\r\nEICAR-ish\r\n",
	  1700000200 },
};

static void
put_row(mk_store *q, int i)
{
	mk_error err = { 0 };
	mk_qmeta m = {
		.id = rows[i].id, .channel = rows[i].channel,
		.sender = rows[i].sender, .recipients = rows[i].recipients,
		.subject = rows[i].subject, .verdict = rows[i].verdict,
		.findings = rows[i].findings, .report_json = "{\"n\":1}",
		.received = rows[i].received,
	};
	GBytes *b = g_bytes_new_static(rows[i].content,
	                               strlen(rows[i].content));

	ck_assert_msg(mk_qstore_put(q, &m, b, &err) == 0, "put: %s", err.msg);
	g_bytes_unref(b);
}

static void
check_record(const mk_qrecord *r, int i)
{
	char sha[65];

	mk_sha256_hex(rows[i].content, strlen(rows[i].content), sha);
	ck_assert_str_eq(r->id, rows[i].id);
	ck_assert_str_eq(r->channel, rows[i].channel);
	ck_assert_pstr_eq(r->sender, rows[i].sender);
	ck_assert_pstr_eq(r->recipients, rows[i].recipients);
	ck_assert_pstr_eq(r->subject, rows[i].subject);
	ck_assert_pstr_eq(r->findings, rows[i].findings);
	ck_assert_str_eq(r->report_json, "{\"n\":1}");
	ck_assert_str_eq(r->sha256, sha);
	ck_assert_str_eq(r->status, "held");
	ck_assert_int_eq(r->verdict, rows[i].verdict);
	ck_assert_int_eq(r->size, (gint64)strlen(rows[i].content));
	ck_assert_int_eq(r->received, rows[i].received);
	ck_assert_int_eq(r->expires, rows[i].received +
	                 mkt_fx.cfg->quarantine.retention_days * 86400);
}

START_TEST(test_roundtrip_rows)
{
	mk_store *q = open_store();
	mk_qrecord *r = NULL;
	mk_error err = { 0 };
	GBytes *obj;

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
		put_row(q, (int)i);
	ck_assert_int_eq(mk_qstore_get(q, rows[_i].id, &r, &err), 0);
	check_record(r, _i);
	obj = mk_qstore_object(q, r->sha256, &err);
	ck_assert_msg(obj != NULL, "%s", err.msg);
	ck_assert_int_eq(g_bytes_get_size(obj), strlen(rows[_i].content));
	ck_assert(strlen(rows[_i].content) == 0 ||
	          memcmp(g_bytes_get_data(obj, NULL), rows[_i].content,
	                 strlen(rows[_i].content)) == 0);
	g_bytes_unref(obj);
	mk_qrecord_free(&r);
	ck_assert_ptr_null(r);
	mk_store_close(&q);
	ck_assert_ptr_null(q);
}
END_TEST

/* Newest first; limit honoured; 0 = all. */
static const struct {
	int limit;
	int n;
	const char *ids;   /* last digits of ids in order */
} list_rows[] = {
	{ 0, 4, "4,2,3,1" },
	{ 2, 2, "4,2" },
	{ 1, 1, "4" },
	{ 10, 4, "4,2,3,1" },
};

START_TEST(test_list_rows)
{
	mk_store *q = open_store();
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	GString *ids = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
		put_row(q, (int)i);
	ck_assert_int_eq(mk_qstore_list(q, list_rows[_i].limit, &a, &err), 0);
	ck_assert_int_eq(a->len, list_rows[_i].n);
	for (guint i = 0; i < a->len; i++) {
		const mk_qrecord *r = a->pdata[i];

		g_string_append_printf(ids, "%s%c", i ? "," : "",
		                       r->id[strlen(r->id) - 1]);
	}
	ck_assert_str_eq(ids->str, list_rows[_i].ids);
	g_string_free(ids, TRUE);
	g_ptr_array_unref(a);
	mk_store_close(&q);
}
END_TEST

static int
count_objects(const char *dir)
{
	char *argv[] = { "find", (char *)dir, "-type", "f", NULL };
	char *out = NULL;
	int n = 0;

	ck_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
	                       &out, NULL, NULL, NULL));
	for (const char *p = out; *p; p++)
		n += *p == '\n';
	g_free(out);
	return n;
}

START_TEST(test_dedupe_and_layout)
{
	mk_store *q = open_store();
	char *qdir = g_build_filename(mkt_fx.cfg->general.state_dir, "quarantine", NULL);
	char *objs = g_build_filename(qdir, "objects", NULL);
	char *tmpd = g_build_filename(qdir, "tmp", NULL);
	char sha[65];
	char *path;
	char pre[3];
	struct stat st;

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
		put_row(q, (int)i);
	if (mkt_pg()) {                             /* originals in the database */
		ck_assert_int_eq(mkt_raw_int(mkt_fx.cfg, "SELECT count(DISTINCT sha256) "
		                             "FROM objects"), 3);
		goto out;
	}
	ck_assert_int_eq(count_objects(objs), 3);   /* rows 0 and 3 share */
	ck_assert_int_eq(count_objects(tmpd), 0);   /* nothing left behind */
	mk_sha256_hex(rows[1].content, strlen(rows[1].content), sha);
	g_strlcpy(pre, sha, sizeof pre);
	path = g_build_filename(objs, pre, sha + 2, NULL);
	ck_assert_msg(g_file_test(path, G_FILE_TEST_IS_REGULAR), "%s", path);
	ck_assert_int_eq(stat(qdir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(stat(objs, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	g_free(path);
out:
	g_free(tmpd);
	g_free(objs);
	g_free(qdir);
	mk_store_close(&q);
}
END_TEST

/* Damaged objects are refused with MK_ERR_DATA; bad hashes never touch
 * the filesystem. */
static const struct {
	const char *sha;      /* NULL: the stored object's hash */
	bool tamper;
	int expect;
} obj_rows[] = {
	{ NULL, true, MK_ERR_DATA },
	{ NULL, false, 0 },
	{ "../../../../etc/passwd", false, MK_ERR_USAGE },
	{ "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
	  false, MK_ERR_USAGE },
	{ "0000000000000000000000000000000000000000000000000000000000000000",
	  false, MK_ERR_NOINPUT },
	{ "", false, MK_ERR_USAGE },
};

START_TEST(test_object_rows)
{
	mk_store *q = open_store();
	mk_qrecord *r = NULL;
	mk_error err = { 0 };
	GBytes *b;
	const char *sha;

	put_row(q, 1);
	ck_assert_int_eq(mk_qstore_get(q, rows[1].id, &r, &err), 0);
	sha = obj_rows[_i].sha != NULL ? obj_rows[_i].sha : r->sha256;
	if (obj_rows[_i].tamper && mkt_pg()) {
		char *sql = g_strdup_printf("UPDATE objects SET data = '\\x4d5a9001'::bytea "
		                            "WHERE sha256 = '%s'", sha);

		ck_assert_int_eq(mkt_raw_exec(mkt_fx.cfg, sql), 0);
		g_free(sql);
	} else if (obj_rows[_i].tamper) {
		char *qdir = g_build_filename(mkt_fx.cfg->general.state_dir, "quarantine",
		                              "objects", NULL);
		char pre[3] = { sha[0], sha[1], 0 };
		char *path = g_build_filename(qdir, pre, sha + 2, NULL);

		ck_assert(g_file_set_contents(path, "MZ\x90\x01", 4, NULL));
		g_free(path);
		g_free(qdir);
	}
	b = mk_qstore_object(q, sha, &err);
	if (obj_rows[_i].expect == 0) {
		ck_assert_msg(b != NULL, "%s", err.msg);
		g_bytes_unref(b);
	} else {
		ck_assert_ptr_null(b);
		ck_assert_int_eq(err.code, obj_rows[_i].expect);
	}
	mk_qrecord_free(&r);
	mk_store_close(&q);
}
END_TEST

START_TEST(test_reopen_and_migrations)
{
	mk_store *q = open_store();
	mk_store *q2 = open_store();   /* concurrent handle, same files */
	mk_qrecord *r = NULL;
	mk_error err = { 0 };
	sqlite3_stmt *st = NULL;

	put_row(q, 0);
	put_row(q2, 1);
	mk_store_close(&q);
	mk_store_close(&q2);
	for (int i = 0; i < 3; i++) {
		q = open_store();
		ck_assert_int_eq(mk_qstore_get(q, rows[0].id, &r, &err), 0);
		check_record(r, 0);
		mk_qrecord_free(&r);
		ck_assert_int_eq(mk_qstore_get(q, rows[1].id, &r, &err), 0);
		mk_qrecord_free(&r);
		if (mkt_pg()) {
			ck_assert_int_eq(mkt_raw_int(mkt_fx.cfg, "SELECT max(version) FROM "
			                             "schema_version"), 1);
			mk_store_close(&q);
			continue;
		}
		ck_assert_int_eq(mkt_raw_int(mkt_fx.cfg, "SELECT max(version) FROM "
		                             "schema_version"), 6);
		ck_assert_int_eq(sqlite3_prepare_v2(mkt_raw_db(mkt_fx.cfg),
		                 "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), 6);   /* v6: schema_version, mfa */
		sqlite3_finalize(st);
		ck_assert_int_eq(sqlite3_prepare_v2(mkt_raw_db(mkt_fx.cfg),
		                 "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
		mk_store_close(&q);
	}
}
END_TEST

/* A store made by the previous release (schema v4: the v1 items table,
 * review_sql.h v2..v4) with an item, an account and an audit event opens,
 * is upgraded to v5 once, and keeps its rows. */
START_TEST(test_upgrade_from_v4)
{
	char *path = mk_config_state_path(mkt_fx.cfg, mkt_fx.cfg->quarantine.db, "mukaika.db");
	sqlite3 *db = NULL;
	mk_qrecord *r = NULL;
	mk_user *u = NULL;
	mk_error err = { 0 };
	mk_store *q;

	if (mkt_pg())
		return;                              /* postgresql: schema_version from v1 */
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
	    "CREATE TABLE items (id TEXT PRIMARY KEY, channel TEXT NOT NULL, sender TEXT,"
	    " recipients TEXT, subject TEXT, verdict TEXT NOT NULL, findings TEXT,"
	    " report TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
	    " received INTEGER NOT NULL, expires INTEGER NOT NULL,"
	    " status TEXT NOT NULL DEFAULT 'held');"
	    "CREATE INDEX items_received ON items(received);"
	    MK_SCHEMA_V2 MK_SCHEMA_V3 MK_SCHEMA_V4
	    "PRAGMA user_version = 4;"
	    "INSERT INTO items VALUES ('old-1', 'mail', 'a@example.jp', 'b@example.jp', 's',"
	    " 'quarantined', 'virus', '{}', '" "0000000000000000000000000000000000000000000000000000000000000000"
	    "', 1, 100, 200, 'held');"
	    "INSERT INTO users (name, role, pwhash, created) VALUES ('olduser', 'admin', 'x', 1);",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (int i = 0; i < 2; i++) {
		q = mk_store_open(mkt_fx.cfg, &err);
		ck_assert_msg(q != NULL, "%s", err.msg);
		ck_assert_int_eq(mk_qstore_get(q, "old-1", &r, &err), 0);
		ck_assert_str_eq(r->findings, "virus");
		mk_qrecord_free(&r);
		ck_assert_int_eq(mk_user_get(q, "olduser", &u, &err), 0);
		mk_user_free(&u);
		mk_store_close(&q);
	}
	ck_assert_int_eq(mkt_raw_int(mkt_fx.cfg, "SELECT max(version) FROM schema_version"), 6);
	ck_assert_int_eq(mkt_raw_int(mkt_fx.cfg, "SELECT count(*) FROM schema_version"), 6);
	ck_assert_int_eq(mkt_raw_int(mkt_fx.cfg, "PRAGMA user_version"), 6);
	ck_assert_int_eq(mkt_raw_int(mkt_fx.cfg, "SELECT count(*) FROM sqlite_master WHERE "
	                             "name IN ('mfa', 'mfa_recovery')"), 2);
	g_free(path);
}
END_TEST

/* store.backend names a backend; an unknown one, or postgresql without
 * its connection string, is a configuration error at open, never a fall
 * back to another. */
static const struct {
	const char *backend;
	int expect;
} backend_rows[] = {
	{ "sqlite", 0 },
	{ "postgresql", MK_ERR_CONFIG },
	{ "nosuch", MK_ERR_CONFIG },
};

START_TEST(test_backend_rows)
{
	mk_error err = { 0 };
	mk_store *q;

	g_free(mkt_fx.cfg->store.backend);
	mkt_fx.cfg->store.backend = g_strdup(backend_rows[_i].backend);
	q = mk_store_open(mkt_fx.cfg, &err);
	if (mkt_pg() && _i == 1) {                  /* the connection string is set */
		ck_assert_msg(q != NULL, "%s", err.msg);
		mk_store_close(&q);
		return;
	}
	ck_assert_int_eq(q != NULL, backend_rows[_i].expect == 0);
	if (q == NULL)
		ck_assert_int_eq(err.code, backend_rows[_i].expect);
	mk_store_close(&q);
}
END_TEST

static const struct {
	const char *id;
	int expect;
} get_rows[] = {
	{ "no-such-id", MK_ERR_NOINPUT },
	{ "", MK_ERR_NOINPUT },
	{ "' OR '1'='1", MK_ERR_NOINPUT },
	{ "20240101-000000-00000001", 0 },
};

START_TEST(test_get_rows)
{
	mk_store *q = open_store();
	mk_qrecord *r = NULL;
	mk_error err = { 0 };

	put_row(q, 0);
	ck_assert_int_eq(mk_qstore_get(q, get_rows[_i].id, &r, &err),
	                 get_rows[_i].expect);
	ck_assert_int_eq(r != NULL, get_rows[_i].expect == 0);
	mk_qrecord_free(&r);
	mk_store_close(&q);
}
END_TEST

static int
count_rows(mk_store *q, const char *id)
{
	char *sql = g_strdup_printf("SELECT count(*) FROM items WHERE id = '%s'", id);
	int n;

	(void)q;
	n = (int)mkt_raw_int(mkt_fx.cfg, sql);
	g_free(sql);
	return n;
}

START_TEST(test_duplicate_id_and_usage)
{
	mk_store *q = open_store();
	mk_error err = { 0 };
	mk_qmeta m = { .id = rows[0].id, .channel = "mail",
	               .report_json = "{}" };
	GBytes *b = g_bytes_new_static("x", 1);

	put_row(q, 0);
	/* the same id and original again (a re-run) is a no-op ... */
	put_row(q, 0);
	ck_assert_int_eq(count_rows(q, rows[0].id), 1);
	/* ... the same id with another original is refused */
	ck_assert_int_eq(mk_qstore_put(q, &m, b, &err), MK_ERR_DATA);
	ck_assert_msg(strstr(err.msg, "different original") != NULL, "%s", err.msg);
	ck_assert_int_eq(count_rows(q, rows[0].id), 1);
	m.id = NULL;
	ck_assert_int_eq(mk_qstore_put(q, &m, b, &err), MK_ERR_USAGE);
	/* the handle still works after a failed transaction */
	put_row(q, 1);
	g_bytes_unref(b);
	mk_store_close(&q);
}
END_TEST

/* Store under paths that cannot be created or written. */
enum { RO_STATE_UNDER_FILE, RO_DB_UNDER_FILE, RO_READONLY_DIR };

/* Open the store as an unprivileged user in a child (root ignores mode
 * bits); the child exits with the negated error code. */
static int
open_unprivileged(void)
{
	int status = 0;
	pid_t pid;

	ck_assert_int_eq(chmod(mkt_fx.dir, 0755), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		mk_error err = { 0 };
		mk_store *q;

		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(1);
		q = mk_store_open(mkt_fx.cfg, &err);
		_exit(q == NULL && err.msg[0] != '\0' ? -err.code : 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return -WEXITSTATUS(status);
}

START_TEST(test_unwritable_rows)
{
	char *file = g_build_filename(mkt_fx.dir, "plainfile", NULL);
	char *ro = g_build_filename(mkt_fx.dir, "ro", NULL);
	mk_error err = { 0 };
	mk_store *q;

	ck_assert(g_file_set_contents(file, "x", 1, NULL));
	switch (_i) {
	case RO_STATE_UNDER_FILE:
		g_free(mkt_fx.cfg->general.state_dir);
		mkt_fx.cfg->general.state_dir = g_build_filename(file, "state", NULL);
		break;
	case RO_DB_UNDER_FILE:
		if (mkt_pg()) {     /* a database that cannot be reached */
			g_free(mkt_fx.cfg->store.postgresql);
			mkt_fx.cfg->store.postgresql = g_strdup_printf("host=%s/nosock dbname=x",
			                                               mkt_fx.dir);
			break;
		}
		g_free(mkt_fx.cfg->quarantine.db);
		mkt_fx.cfg->quarantine.db = g_build_filename(file, "x", "q.db", NULL);
		break;
	case RO_READONLY_DIR:
		ck_assert_int_eq(g_mkdir_with_parents(ro, 0555), 0);
		ck_assert_int_eq(chmod(ro, 0555), 0);
		g_free(mkt_fx.cfg->general.state_dir);
		mkt_fx.cfg->general.state_dir = g_build_filename(ro, "state", NULL);
		ck_assert_int_eq(open_unprivileged(), MK_ERR_TEMP);
		goto out;
	}
	q = mk_store_open(mkt_fx.cfg, &err);
	ck_assert_ptr_null(q);
	ck_assert_int_eq(err.code, MK_ERR_TEMP);
	ck_assert(err.msg[0] != '\0');
out:
	g_free(ro);
	g_free(file);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("qstore");
	TCase *tc = tcase_create("qstore");

	tcase_add_checked_fixture(tc, mkt_fx_setup, mkt_fx_teardown);
	tcase_add_loop_test(tc, test_roundtrip_rows, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_list_rows, 0, G_N_ELEMENTS(list_rows));
	tcase_add_test(tc, test_dedupe_and_layout);
	tcase_add_loop_test(tc, test_object_rows, 0, G_N_ELEMENTS(obj_rows));
	tcase_add_test(tc, test_reopen_and_migrations);
	tcase_add_test(tc, test_upgrade_from_v4);
	tcase_add_loop_test(tc, test_get_rows, 0, G_N_ELEMENTS(get_rows));
	tcase_add_loop_test(tc, test_backend_rows, 0, G_N_ELEMENTS(backend_rows));
	tcase_add_test(tc, test_duplicate_id_and_usage);
	tcase_add_loop_test(tc, test_unwritable_rows, 0, RO_READONLY_DIR + 1);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
