/*
 * NAME
 *   qstore - quarantine store: SQLite (WAL) metadata + content-addressed
 *   objects (see qstore.h)
 *
 * DESCRIPTION
 *   Layout under quarantine.dir (default STATE/quarantine, mode 0700):
 *     objects/ab/cdef...   the original, named by its sha256 hex ("ab" =
 *                          first two hex digits, the rest is the file name)
 *     tmp/obj-XXXXXX       objects being written
 *   An object is written to tmp/, fsynced, renamed into objects/ab/ and the
 *   directory fsynced; an object already present with the right size is
 *   kept (dedupe).  mk_qstore_object() re-hashes what it reads.
 *
 *   The sqlite file (quarantine.db, default STATE/mukaika.db) runs with
 *   journal_mode=WAL, synchronous=FULL, foreign_keys=ON and a busy timeout.
 *   Its schema is the array `migrations`: entry N upgrades user_version N to
 *   N+1 inside one BEGIN IMMEDIATE transaction that re-reads user_version,
 *   so concurrent openers apply each step once.  New issues append v2, v3...
 *   A database newer than this code is refused.
 *
 * OWNS
 *   Its sqlite connection, prepared statements and the files under
 *   quarantine.dir.  Never uses a name from the input as a path: objects are
 *   named by their hash, which is checked to be 64 hex digits.
 *
 * FAILURE
 *   Every store, sqlite or filesystem failure is MK_ERR_TEMP with the
 *   sqlite/OS message (callers tempfail and keep the item); an unknown id is
 *   MK_ERR_NOINPUT; an object whose content no longer matches its hash is
 *   MK_ERR_DATA; a malformed hash or missing field is MK_ERR_USAGE.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"
#include "review_sql.h"
#include "util.h"

/* Wait for another connection's write lock this long before failing
 * (an operational constant of the store, not a content limit). */
#define QSTORE_BUSY_TIMEOUT_MS 5000
#define SECS_PER_DAY 86400

static const char *const migrations[] = {
	/* v1 */
	"CREATE TABLE items ("
	" id TEXT PRIMARY KEY,"
	" channel TEXT NOT NULL,"
	" sender TEXT,"
	" recipients TEXT,"
	" subject TEXT,"
	" verdict TEXT NOT NULL,"
	" findings TEXT,"
	" report TEXT NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" received INTEGER NOT NULL,"
	" expires INTEGER NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'held');"
	"CREATE INDEX items_received ON items(received);",
	/* v2: review accounts, requests, decisions, exceptions, audit */
	MK_SCHEMA_V2,
	/* v3: unconfirmed grants and resets, deletion requests */
	MK_SCHEMA_V3,
	/* v4: one row per processed item (stats.h) */
	MK_SCHEMA_V4,
	/* v5: pending accounts decide nothing (users.h) */
	MK_SCHEMA_V5,
	/* v6: schema_version, the second-factor tables */
	MK_SCHEMA_V6,
};

/* From this version on each step is also a row of schema_version. */
#define FIRST_RECORDED 6

#define ITEM_COLS QSTORE_ITEM_COLS


static int
exec_sql(mk_store *q, const char *sql, mk_error *err)
{
	if (sqlite3_exec(SQ(q)->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return mk_sq_fail(SQ(q)->db, err, sql);
	return 0;
}

static int
user_version(mk_store *q, int *v, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(SQ(q)->db, "PRAGMA user_version", -1, &st, NULL)
	    != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		rc = mk_sq_fail(SQ(q)->db, err, "PRAGMA user_version");
	else
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

/* Apply one pending migration; *done = true when the schema is current. */
static int
migrate_step(mk_store *q, bool *done, mk_error *err)
{
	const int latest = (int)G_N_ELEMENTS(migrations);
	char *bump = NULL;
	int v = 0;
	int rc;

	if ((rc = exec_sql(q, "BEGIN IMMEDIATE", err)) != 0)
		return rc;
	if ((rc = user_version(q, &v, err)) != 0)
		goto out;
	if (v > latest) {
		mk_error_set(err, MK_ERR_TEMP, "quarantine db: schema version %d "
		             "is newer than this program (%d)", v, latest);
		rc = MK_ERR_TEMP;
		goto out;
	}
	*done = v == latest;
	if (*done)
		goto out;
	bump = v + 1 < FIRST_RECORDED
	       ? g_strdup_printf("PRAGMA user_version = %d", v + 1)
	       : g_strdup_printf("PRAGMA user_version = %d; INSERT INTO schema_version "
	                         "VALUES (%d, CAST(strftime('%%s','now') AS INTEGER))",
	                         v + 1, v + 1);
	if ((rc = exec_sql(q, migrations[v], err)) != 0 ||
	    (rc = exec_sql(q, bump, err)) != 0)
		goto out;
out:
	g_free(bump);
	if (rc == 0)
		return exec_sql(q, "COMMIT", err);
	sqlite3_exec(SQ(q)->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* journal_mode answers with the mode in force: insist on "wal". */
static int
set_wal(mk_store *q, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(SQ(q)->db, "PRAGMA journal_mode = WAL", -1, &st,
	                       NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		rc = mk_sq_fail(SQ(q)->db, err, "PRAGMA journal_mode");
	else if (sqlite3_column_text(st, 0) == NULL ||
	         g_ascii_strcasecmp((const char *)sqlite3_column_text(st, 0),
	                            "wal") != 0) {
		mk_error_set(err, MK_ERR_TEMP, "quarantine db: WAL journal not "
		             "available");
		rc = MK_ERR_TEMP;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
db_open(mk_store *q, const char *path, mk_error *err)
{
	static const char *const pragmas[] = {
		"PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
	};
	bool done = false;
	int rc;

	if (sqlite3_open_v2(path, &SQ(q)->db, SQLITE_OPEN_READWRITE |
	                    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL)
	    != SQLITE_OK) {
		mk_error_set(err, MK_ERR_TEMP, "quarantine db %s: %s", path,
		             SQ(q)->db != NULL ? sqlite3_errmsg(SQ(q)->db) : "out of memory");
		return MK_ERR_TEMP;
	}
	sqlite3_busy_timeout(SQ(q)->db, QSTORE_BUSY_TIMEOUT_MS);
	if ((rc = set_wal(q, err)) != 0)
		return rc;
	for (gsize i = 0; i < G_N_ELEMENTS(pragmas); i++)
		if ((rc = exec_sql(q, pragmas[i], err)) != 0)
			return rc;
	while (!done)
		if ((rc = migrate_step(q, &done, err)) != 0)
			return rc;
	return 0;
}

static int
prepare_all(mk_store *q, mk_error *err)
{
	const struct { sqlite3_stmt **st; const char *sql; } s[] = {
		{ &SQ(q)->st_put, "INSERT INTO items (" ITEM_COLS ") VALUES "
		  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'held')" },
		{ &SQ(q)->st_get, "SELECT " ITEM_COLS " FROM items WHERE id = ?1" },
		{ &SQ(q)->st_list, "SELECT " ITEM_COLS " FROM items "
		  "ORDER BY received DESC, id DESC LIMIT ?1" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(s); i++)
		if (sqlite3_prepare_v3(SQ(q)->db, s[i].sql, -1,
		                       SQLITE_PREPARE_PERSISTENT, s[i].st, NULL)
		    != SQLITE_OK)
			return mk_sq_fail(SQ(q)->db, err, "prepare");
	return 0;
}

static int
make_dir(const char *path, mk_error *err)
{
	if (g_mkdir_with_parents(path, 0700) < 0) {
		mk_error_set(err, MK_ERR_TEMP, "quarantine: mkdir %s: %s", path,
		             g_strerror(errno));
		return MK_ERR_TEMP;
	}
	return 0;
}

mk_store *
sq_open(const mk_config *cfg, mk_error *err)
{
	mk_store *q = &((sq_store *)g_malloc0(sizeof(sq_store)))->base;
	char *dbpath = mk_config_state_path(cfg, cfg->quarantine.db, "mukaika.db");
	char *dbdir = g_path_get_dirname(dbpath);

	q->ops = &mk_store_sqlite_ops;

	SQ(q)->dir = mk_config_state_path(cfg, cfg->quarantine.dir, "quarantine");
	SQ(q)->objdir = g_build_filename(SQ(q)->dir, "objects", NULL);
	SQ(q)->tmpdir = g_build_filename(SQ(q)->dir, "tmp", NULL);
	SQ(q)->retention_days = cfg->quarantine.retention_days;
	if (make_dir(SQ(q)->objdir, err) != 0 || make_dir(SQ(q)->tmpdir, err) != 0 ||
	    make_dir(dbdir, err) != 0 || db_open(q, dbpath, err) != 0 ||
	    prepare_all(q, err) != 0)
		g_clear_pointer(&q, sq_close);
	g_free(dbdir);
	g_free(dbpath);
	return q;
}

void
sq_close(mk_store *q)
{
	sqlite3_finalize(SQ(q)->st_put);
	sqlite3_finalize(SQ(q)->st_get);
	sqlite3_finalize(SQ(q)->st_list);
	sqlite3_close(SQ(q)->db);
	g_free(SQ(q)->dir);
	g_free(SQ(q)->objdir);
	g_free(SQ(q)->tmpdir);
	g_free(SQ(q));
}

sqlite3 *
mk_sq_db(mk_store *q)
{
	return q != NULL ? SQ(q)->db : NULL;
}

bool
qstore_valid_sha256(const char *s)
{
	if (s == NULL || strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
			return false;
	return true;
}

/* DIR/objects/ab/cdef...; *sub receives DIR/objects/ab (caller frees). */
char *
qstore_object_path(mk_store *q, const char *sha, char **sub)
{
	char pre[3] = { sha[0], sha[1], '\0' };
	char *d = g_build_filename(SQ(q)->objdir, pre, NULL);
	char *p = g_build_filename(d, sha + 2, NULL);

	if (sub != NULL)
		*sub = d;
	else
		g_free(d);
	return p;
}

static int
os_fail(mk_error *err, const char *what, const char *path)
{
	mk_error_set(err, MK_ERR_TEMP, "quarantine: %s %s: %s", what, path,
	             g_strerror(errno));
	return MK_ERR_TEMP;
}

/* tmp -> write -> fsync -> rename into objects/ab/ -> fsync dir. */
static int
object_write(mk_store *q, const char *sha, GBytes *data, mk_error *err)
{
	char *sub = NULL;
	char *path = qstore_object_path(q, sha, &sub);
	char *tmp = g_build_filename(SQ(q)->tmpdir, "obj-XXXXXX", NULL);
	gsize len = 0;
	const guint8 *buf = g_bytes_get_data(data, &len);
	struct stat st;
	int fd = -1;
	bool made = false;
	int rc = MK_ERR_TEMP;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (gsize)st.st_size == len) {
		rc = 0;   /* dedupe: same hash, same size, already durable */
		goto out;
	}
	if ((fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0600)) < 0) {
		os_fail(err, "create", tmp);
		goto out;
	}
	made = true;
	if (mk_write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		os_fail(err, "write", tmp);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		os_fail(err, "close", tmp);
		goto out;
	}
	fd = -1;
	if (make_dir(sub, err) != 0)
		goto out;
	if (rename(tmp, path) < 0) {
		os_fail(err, "rename to", path);
		goto out;
	}
	made = false;
	if (mk_fsync_dir(sub, err) != 0 || mk_fsync_dir(SQ(q)->objdir, err) != 0) {
		if (err != NULL)
			err->code = MK_ERR_TEMP;
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	g_free(tmp);
	g_free(path);
	g_free(sub);
	return rc;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int
insert_row(mk_store *q, const mk_qmeta *m, const char *sha, gsize len,
           mk_error *err)
{
	sqlite3_stmt *st = SQ(q)->st_put;
	int rc;

	bind_text(st, 1, m->id);
	bind_text(st, 2, m->channel);
	bind_text(st, 3, m->sender);
	bind_text(st, 4, m->recipients);
	bind_text(st, 5, m->subject);
	bind_text(st, 6, mk_verdict_name(m->verdict));
	bind_text(st, 7, m->findings);
	bind_text(st, 8, m->report_json);
	bind_text(st, 9, sha);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)len);
	sqlite3_bind_int64(st, 11, m->received);
	sqlite3_bind_int64(st, 12, m->received + SQ(q)->retention_days * SECS_PER_DAY);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mk_sq_fail(SQ(q)->db, err, "insert");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* Is ID already stored?  0 no; 1 yes, with the same original (a re-run of
 * the same job: put() is then a no-op); MK_ERR_DATA with other content. */
static int
same_item(mk_store *q, const char *id, const char *sha, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(SQ(q)->db, "SELECT sha256 FROM items WHERE id = ?1", -1,
	                       &st, NULL) != SQLITE_OK)
		return mk_sq_fail(SQ(q)->db, err, "lookup");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_DONE:
		break;
	case SQLITE_ROW:
		rc = g_strcmp0((const char *)sqlite3_column_text(st, 0), sha) == 0 ? 1 : -1;
		break;
	default:
		rc = mk_sq_fail(SQ(q)->db, err, "lookup");
	}
	sqlite3_finalize(st);
	if (rc == -1) {
		mk_error_set(err, MK_ERR_DATA, "quarantine put: id %s already holds "
		             "a different original", id);
		rc = MK_ERR_DATA;
	}
	return rc;
}

int
sq_qstore_put(mk_store *q, const mk_qmeta *m, GBytes *original,
              mk_error *err)
{
	char sha[65];
	gsize len = 0;
	const void *buf;
	int rc;

	if (q == NULL || m == NULL || original == NULL || m->id == NULL ||
	    m->channel == NULL || m->report_json == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine put: missing id, "
		             "channel, report or content");
		return MK_ERR_USAGE;
	}
	buf = g_bytes_get_data(original, &len);
	mk_sha256_hex(buf, len, sha);
	if ((rc = object_write(q, sha, original, err)) != 0)
		return rc;
	if ((rc = exec_sql(q, "BEGIN IMMEDIATE", err)) != 0)
		return rc;
	if ((rc = same_item(q, m->id, sha, err)) == 0)
		rc = insert_row(q, m, sha, len, err);
	if (rc != 0) {
		sqlite3_exec(SQ(q)->db, "ROLLBACK", NULL, NULL, NULL);
		return rc == 1 ? 0 : rc;
	}
	return exec_sql(q, "COMMIT", err);
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? g_strdup((const char *)t) : NULL;
}

int
qstore_parse_verdict(const char *s, mk_verdict *out)
{
	for (int v = MK_V_PASS; v <= MK_V_TEMPFAIL; v++)
		if (s != NULL && strcmp(s, mk_verdict_name((mk_verdict)v)) == 0) {
			*out = (mk_verdict)v;
			return 0;
		}
	return -1;
}

mk_qrecord *
qstore_row_record(sqlite3_stmt *st, mk_error *err)
{
	mk_qrecord *r = g_new0(mk_qrecord, 1);
	char *verdict = col_text(st, 5);

	r->id = col_text(st, 0);
	r->channel = col_text(st, 1);
	r->sender = col_text(st, 2);
	r->recipients = col_text(st, 3);
	r->subject = col_text(st, 4);
	r->findings = col_text(st, 6);
	r->report_json = col_text(st, 7);
	r->sha256 = col_text(st, 8);
	r->size = sqlite3_column_int64(st, 9);
	r->received = sqlite3_column_int64(st, 10);
	r->expires = sqlite3_column_int64(st, 11);
	r->status = col_text(st, 12);
	if (qstore_parse_verdict(verdict, &r->verdict) != 0) {
		mk_error_set(err, MK_ERR_TEMP, "quarantine db: item %s has an "
		             "unknown verdict", r->id != NULL ? r->id : "?");
		mk_qrecord_free(&r);
	}
	g_free(verdict);
	return r;
}

int
sq_qstore_get(mk_store *q, const char *id, mk_qrecord **out, mk_error *err)
{
	sqlite3_stmt *st = SQ(q)->st_get;
	int rc = 0;
	int s;

	*out = NULL;
	bind_text(st, 1, id);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		if ((*out = qstore_row_record(st, err)) == NULL)
			rc = MK_ERR_TEMP;
	} else if (s == SQLITE_DONE) {
		mk_error_set(err, MK_ERR_NOINPUT, "quarantine: no item %s",
		             id != NULL ? id : "(null)");
		rc = MK_ERR_NOINPUT;
	} else {
		rc = mk_sq_fail(SQ(q)->db, err, "select");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

void
qstore_record_free_func(gpointer p)
{
	mk_qrecord *r = p;

	mk_qrecord_free(&r);
}

int
sq_qstore_list(mk_store *q, int limit, GPtrArray **out, mk_error *err)
{
	sqlite3_stmt *st = SQ(q)->st_list;
	GPtrArray *a = g_ptr_array_new_with_free_func(qstore_record_free_func);
	int rc = 0;
	int s;

	*out = NULL;
	sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		mk_qrecord *r = qstore_row_record(st, err);

		if (r == NULL) {
			rc = MK_ERR_TEMP;
			break;
		}
		g_ptr_array_add(a, r);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = mk_sq_fail(SQ(q)->db, err, "list");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == 0)
		*out = a;
	else
		g_ptr_array_unref(a);
	return rc;
}

GBytes *
sq_qstore_object(mk_store *q, const char *sha256, mk_error *err)
{
	char got[65];
	char *path;
	GBytes *b;
	gsize len = 0;
	const void *buf;

	if (!qstore_valid_sha256(sha256)) {
		mk_error_set(err, MK_ERR_USAGE, "quarantine: not a sha256 hash");
		return NULL;
	}
	path = qstore_object_path(q, sha256, NULL);
	b = mk_read_file(path, 0, err);
	if (b == NULL) {
		if (err != NULL && err->code != MK_ERR_NOINPUT)
			err->code = MK_ERR_TEMP;
		goto out;
	}
	buf = g_bytes_get_data(b, &len);
	mk_sha256_hex(buf, len, got);
	if (strcmp(got, sha256) != 0) {
		mk_error_set(err, MK_ERR_DATA, "quarantine object %s is damaged "
		             "(content hashes to %s)", sha256, got);
		g_clear_pointer(&b, g_bytes_unref);
	}
out:
	g_free(path);
	return b;
}

void
mk_qrecord_free(mk_qrecord **rp)
{
	mk_qrecord *r;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	g_free(r->id);
	g_free(r->channel);
	g_free(r->sender);
	g_free(r->recipients);
	g_free(r->subject);
	g_free(r->findings);
	g_free(r->report_json);
	g_free(r->sha256);
	g_free(r->status);
	g_free(r);
	*rp = NULL;
}
