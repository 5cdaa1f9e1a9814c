/*
 * NAME
 *   test_clamav - unit tests for the libclamav scanner (filters/f_clamav.c)
 *
 * DESCRIPTION
 *   Real libclamav with the generated test database (mkt_write_sigdb):
 *   EICAR as a whole file and inside text, every ClamAV test file, clean
 *   buffers, heuristic alerts on real corpus files, the engine limits, and
 *   the fail-closed database checks (missing, empty, stale, corrupt), plus
 *   concurrent scans on one scanner.
 */
#include <string.h>
#include <glib/gstdio.h>
#include <utime.h>
#include <time.h>

#include "f_clamav.h"
#include "finding.h"
#include "testutil.h"

/* every test gets mkt_fx (testutil.h): a temp dir and its config */

static mk_scanner *
new_scanner(void)
{
	mk_error err = { 0 };
	mk_scanner *s = mk_scanner_new(mkt_fx.cfg, &err);

	ck_assert_msg(s != NULL, "scanner: %s", err.msg);
	return s;
}

/* Scan BUF, return the result; HITS joined by ',' into *names. */
static int
scan(mk_scanner *s, const void *buf, gsize len, char **names)
{
	GPtrArray *hits = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	int rc = mk_scanner_scan(s, buf, len, hits, &err);

	ck_assert_msg(rc >= 0, "scan failed: %s", err.msg);
	g_ptr_array_add(hits, NULL);
	*names = g_strjoinv(",", (char **)hits->pdata);
	ck_assert_int_eq(rc == 1, (*names)[0] != '\0');
	g_ptr_array_unref(hits);
	return rc;
}

static const struct {
	const char *prefix;
	bool eicar;
	const char *suffix;
	int expect;
	const char *name;     /* substring of the hit names */
} buf_rows[] = {
	{ "", true, "", 1, "Eicar-Test-Signature" },
	{ "Dear user,\nplease find the test string: ", true,
	  "\nregards\n", 1, "Eicar-Test-Signature-Body" },
	{ "Content-Type: text/plain\r\n\r\n", true, "\r\n", 1, "Eicar" },
	{ "hello, world\n", false, "", 0, NULL },
	{ "", false, "", 0, NULL },
	/* EICAR minus its last byte is not EICAR */
	{ "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H",
	  false, "", 0, NULL },
};

START_TEST(test_buffer_rows)
{
	mk_scanner *s = new_scanner();
	char *buf = g_strconcat(buf_rows[_i].prefix,
	                        buf_rows[_i].eicar ? mkt_eicar() : "",
	                        buf_rows[_i].suffix, NULL);
	char *names = NULL;
	int rc = scan(s, buf, strlen(buf), &names);

	ck_assert_int_eq(rc, buf_rows[_i].expect);
	if (buf_rows[_i].name != NULL)
		ck_assert_msg(strstr(names, buf_rows[_i].name) != NULL,
		              "hits '%s' lack %s", names, buf_rows[_i].name);
	if (rc == 1)
		ck_assert_msg(g_str_has_suffix(names, ".UNOFFICIAL") ||
		              strstr(names, "Eicar") != NULL, "%s", names);
	g_free(names);
	g_free(buf);
	mk_scanner_free(&s);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_clamav_testfiles)
{
	const char *dir = g_getenv("MK_TESTFILES");
	mk_scanner *s = new_scanner();
	GDir *d;
	const char *name;
	int n = 0;

	dir = dir != NULL ? dir : "/usr/share/clamav-testfiles";
	d = g_dir_open(dir, 0, NULL);
	ck_assert_msg(d != NULL, "no %s", dir);
	while ((name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, name, NULL);
		GBytes *b = mkt_read(p);
		gsize len;
		const void *data = g_bytes_get_data(b, &len);
		char *names = NULL;

		ck_assert_msg(scan(s, data, len, &names) == 1, "%s not detected",
		              name);
		ck_assert_msg(strstr(names, "ClamAV-Test-File") != NULL, "%s: %s",
		              name, names);
		n++;
		g_free(names);
		g_bytes_unref(b);
		g_free(p);
	}
	g_dir_close(d);
	ck_assert_int_ge(n, 44);
	mk_scanner_free(&s);
}
END_TEST

/* Real corpus files and the heuristic switches. */
static const struct {
	const char *path;        /* under $MK_SHARED */
	bool macros, encrypted;  /* clamav.alert_* */
	int expect;
	int finding;             /* mk_scanner_hit_finding of the first hit */
} corpus_rows[] = {
	{ "corpora/oletools/olevba/sample_with_vba.ppt", true, true, 1,
	  MK_F_ACTIVE_CONTENT },
	{ "corpora/oletools/olevba/sample_with_vba.ppt", false, true, 0, -1 },
	{ "corpora/oletools/rtfobj/issue_185.rtf.zip", true, true, 1,
	  MK_F_ENCRYPTED },
	{ "corpora/oletools/rtfobj/issue_185.rtf.zip", true, false, 0, -1 },
	{ "corpora/oletools/basic/text", true, true, 0, -1 },
};

START_TEST(test_corpus_rows)
{
	char *path = mkt_shared_path(corpus_rows[_i].path);
	GBytes *b = mkt_read(path);
	gsize len;
	const void *data = g_bytes_get_data(b, &len);
	mk_scanner *s;
	char *names = NULL;
	char **first;

	mkt_fx.cfg->clamav.alert_macros = corpus_rows[_i].macros;
	mkt_fx.cfg->clamav.alert_encrypted = corpus_rows[_i].encrypted;
	s = new_scanner();
	ck_assert_int_eq(scan(s, data, len, &names), corpus_rows[_i].expect);
	if (corpus_rows[_i].expect == 1) {
		first = g_strsplit(names, ",", 2);
		ck_assert_msg(mk_scanner_hit_finding(first[0]) ==
		              corpus_rows[_i].finding, "%s", names);
		g_strfreev(first);
	}
	g_free(names);
	mk_scanner_free(&s);
	g_bytes_unref(b);
	g_free(path);
}
END_TEST

/* Content over clamav.max_filesize is a limit hit, never a silent clean. */
START_TEST(test_max_filesize)
{
	mk_scanner *s;
	char *names = NULL;
	char buf[4096];

	memset(buf, 'a', sizeof buf);
	mkt_fx.cfg->clamav.max_filesize = sizeof buf / 2;
	mkt_fx.cfg->clamav.heuristic_alerts = false;
	s = new_scanner();
	ck_assert_int_eq(scan(s, buf, sizeof buf, &names), 1);
	ck_assert_msg(strstr(names, "Heuristics.Limits.Exceeded") != NULL, "%s",
	              names);
	ck_assert_int_eq(mk_scanner_hit_finding(names), MK_F_LIMIT);
	g_free(names);
	ck_assert_int_eq(scan(s, buf, sizeof buf / 4, &names), 0);
	g_free(names);
	mk_scanner_free(&s);
}
END_TEST

static void
age_files(const char *dir, time_t back)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	time_t t = time(NULL) - back;
	struct utimbuf u = { t, t };

	ck_assert_ptr_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, name, NULL);

		ck_assert_int_eq(utime(p, &u), 0);
		g_free(p);
	}
	g_dir_close(d);
}

enum { DB_EMPTY, DB_MISSING, DB_OLD, DB_CORRUPT, DB_NO_SIGFILES, DB_UNSET,
       DB_OLD_UNCHECKED, DB_RECENT };

static const struct {
	int kind;
	int expect;            /* 0 = loads, else the error code */
	const char *msg;       /* substring of the error message */
} db_rows[] = {
	{ DB_EMPTY, MK_ERR_TEMP, "is empty" },
	{ DB_MISSING, MK_ERR_TEMP, "signature database" },
	{ DB_OLD, MK_ERR_TEMP, "hours old" },
	{ DB_CORRUPT, MK_ERR_TEMP, "cannot load" },
	{ DB_NO_SIGFILES, MK_ERR_TEMP, "is empty" },
	{ DB_UNSET, MK_ERR_TEMP, "database_dir" },
	{ DB_OLD_UNCHECKED, 0, NULL },
	{ DB_RECENT, 0, NULL },
};

static void
prepare_db(int kind, const char *db)
{
	char *p = g_build_filename(db, "bad.ndb", NULL);
	char *readme = g_build_filename(db, "README.txt", NULL);

	switch (kind) {
	case DB_EMPTY:
		mkt_rm_rf(db);
		ck_assert_int_eq(g_mkdir(db, 0700), 0);
		break;
	case DB_MISSING:
		mkt_rm_rf(db);
		break;
	case DB_OLD:
		mkt_fx.cfg->clamav.max_db_age_hours = 72;
		age_files(db, 10 * 24 * 3600);
		break;
	case DB_OLD_UNCHECKED:
		mkt_fx.cfg->clamav.max_db_age_hours = 0;
		age_files(db, 10 * 24 * 3600);
		break;
	case DB_RECENT:
		mkt_fx.cfg->clamav.max_db_age_hours = 72;
		age_files(db, 71 * 3600);
		break;
	case DB_CORRUPT:
		ck_assert(g_file_set_contents(p, "Broken:0:*:zz-not-hex\n", -1,
		                              NULL));
		break;
	case DB_NO_SIGFILES:
		mkt_rm_rf(db);
		ck_assert_int_eq(g_mkdir(db, 0700), 0);
		ck_assert(g_file_set_contents(readme, "no sigs\n", -1, NULL));
		break;
	case DB_UNSET:
		mkt_fx.cfg->clamav.database_dir[0] = '\0';
		break;
	}
	g_free(readme);
	g_free(p);
}

START_TEST(test_db_rows)
{
	char *db = g_strdup(mkt_fx.cfg->clamav.database_dir);
	mk_error err = { 0 };
	mk_scanner *s;

	prepare_db(db_rows[_i].kind, db);
	s = mk_scanner_new(mkt_fx.cfg, &err);
	if (db_rows[_i].expect == 0) {
		ck_assert_msg(s != NULL, "%s", err.msg);
		ck_assert_int_eq(mk_scanner_fresh(s, &err), 0);
		ck_assert_msg(strstr(mk_scanner_describe(s), "signatures") != NULL,
		              "%s", mk_scanner_describe(s));
		mk_scanner_free(&s);
	} else {
		ck_assert_ptr_null(s);
		ck_assert_int_eq(err.code, db_rows[_i].expect);
		ck_assert_msg(strstr(err.msg, db_rows[_i].msg) != NULL, "%s",
		              err.msg);
	}
	g_free(db);
}
END_TEST

/* A database that goes stale after loading is noticed by _fresh(). */
START_TEST(test_fresh_after_aging)
{
	mk_error err = { 0 };
	mk_scanner *s = new_scanner();
	const char *d = mk_scanner_describe(s);

	ck_assert_msg(g_str_has_prefix(d, "clamav 1.") &&
	              strstr(d, mkt_fx.cfg->clamav.database_dir) != NULL &&
	              strstr(d, "(age 0h)") != NULL, "%s", d);
	ck_assert_int_eq(mk_scanner_fresh(s, &err), 0);
	age_files(mkt_fx.cfg->clamav.database_dir, 73 * 3600);
	ck_assert_int_eq(mk_scanner_fresh(s, &err), MK_ERR_TEMP);
	ck_assert(strstr(err.msg, "hours old") != NULL);
	mk_scanner_free(&s);
}
END_TEST

static const struct {
	const char *name;
	int finding;
} hit_rows[] = {
	{ "Eicar-Test-Signature", MK_F_VIRUS },
	{ "Win.Test.EICAR_HDB-1", MK_F_VIRUS },
	{ "Heuristics.Encrypted.Zip", MK_F_ENCRYPTED },
	{ "Heuristics.Encrypted.PDF", MK_F_ENCRYPTED },
	{ "Heuristics.OLE2.ContainsMacros", MK_F_ACTIVE_CONTENT },
	{ "Heuristics.OLE2.ContainsMacros.VBA", MK_F_ACTIVE_CONTENT },
	{ "Doc.Macros", MK_F_ACTIVE_CONTENT },
	{ "Heuristics.Limits.Exceeded.MaxFileSize", MK_F_LIMIT },
	{ "Heuristics.Unknown", MK_F_VIRUS },
	{ "Heuristics.Phishing.Email.SpoofedDomain", MK_F_VIRUS },
	{ NULL, MK_F_VIRUS },
};

START_TEST(test_hit_rows)
{
	ck_assert_int_eq(mk_scanner_hit_finding(hit_rows[_i].name),
	                 hit_rows[_i].finding);
}
END_TEST

typedef struct {
	mk_scanner *s;
	const char *clean_file;
	int wrong;
} thread_arg;

static gpointer
scan_thread(gpointer data)
{
	thread_arg *a = data;
	const char *e = mkt_eicar();
	const char *clean = "nothing to see here\n";

	for (int i = 0; i < 50; i++) {
		GPtrArray *hits = g_ptr_array_new_with_free_func(g_free);
		mk_error err = { 0 };
		int bad = i % 2 == 0;
		const char *buf = bad ? e : clean;

		if (mk_scanner_scan(a->s, buf, strlen(buf), hits, &err) != bad ||
		    (hits->len > 0) != bad)
			g_atomic_int_inc(&a->wrong);
		g_ptr_array_unref(hits);
	}
	return NULL;
}

START_TEST(test_threads)
{
	thread_arg a = { .s = new_scanner() };
	GThread *t[4];

	for (gsize i = 0; i < G_N_ELEMENTS(t); i++)
		t[i] = g_thread_new("scan", scan_thread, &a);
	for (gsize i = 0; i < G_N_ELEMENTS(t); i++)
		g_thread_join(t[i]);
	ck_assert_int_eq(a.wrong, 0);
	mk_scanner_free(&a.s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("clamav");
	TCase *tc = tcase_create("clamav");

	tcase_add_checked_fixture(tc, mkt_fx_setup, mkt_fx_teardown);
	tcase_add_loop_test(tc, test_buffer_rows, 0, G_N_ELEMENTS(buf_rows));
	tcase_add_test(tc, test_clamav_testfiles);
	tcase_add_loop_test(tc, test_corpus_rows, 0, G_N_ELEMENTS(corpus_rows));
	tcase_add_test(tc, test_max_filesize);
	tcase_add_loop_test(tc, test_db_rows, 0, G_N_ELEMENTS(db_rows));
	tcase_add_test(tc, test_fresh_after_aging);
	tcase_add_loop_test(tc, test_hit_rows, 0, G_N_ELEMENTS(hit_rows));
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
