/*
 * NAME
 *   f_clamav - in-process libclamav scanner (see f_clamav.h)
 *
 * DESCRIPTION
 *   mk_scanner_new() checks the database directory itself before libclamav
 *   sees it: it must exist and hold at least one signature file (by
 *   extension), and its age - the newest build time of the .cvd/.cld
 *   headers or the newest mtime of the other files - must be within
 *   clamav.max_db_age_hours.  Then cl_load(CL_DB_STDOPT), the clamav.*
 *   engine limits, and cl_engine_compile().  The compiled engine is shared
 *   read-only by all threads; each scan has its own fmap and hit context.
 *
 *   Scans always run in all-match mode with every parser on, and with
 *   CL_SCAN_HEURISTIC_EXCEEDS_MAX always set: content over a libclamav limit
 *   becomes a "Heuristics.Limits.Exceeded.*" hit (mapped to the `limit`
 *   finding), never a silent clean.  clamav.heuristic_alerts adds the general
 *   heuristics, alert_macros / alert_encrypted their own alerts.
 *
 * OWNS
 *   The libclamav engine and the process-wide cl_init()/message callback
 *   (installed once), and the engine's private temp directory (mode 0700,
 *   made below clamav.tmp_dir, else below $TMPDIR or /tmp; removed with
 *   the engine): libclamav writes the parts of every scan there, and
 *   on a disk file system creating and deleting those inodes cost more
 *   CPU than a text mail's scan itself.  Reads the database directory;
 *   writes no other files.
 *
 *   With clamav.backend = clamd every call is handed to f_clamd (the clamd
 *   pool) instead, and libclamav is neither initialised nor given a
 *   database: the engine does not know which backend runs.
 *
 * FAILURE
 *   Missing, empty, stale, unloadable or uncompilable databases and every
 *   scan error are MK_ERR_TEMP (callers tempfail); libclamav's own last
 *   error line is added to the message when it gave one.
 */
#include "f_clamav.h"

#include <clamav.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "f_clamd.h"
#include "finding.h"
#include "log.h"

struct mk_scanner {
	struct cl_engine *engine;
	struct cl_scan_options opts;
	char *dbdir;
	char *tmpdir;       /* private, libclamav's CL_ENGINE_TMPDIR */
	gint64 max_age_h;
	unsigned int sigs;
	char *desc;
	char *dbver;        /* mk_scanner_db_version() */
	mk_clamd *clamd;    /* backend = clamd: everything goes there */
};

typedef struct {
	GPtrArray *names;   /* char*, owned */
} scan_ctx;

/* Extensions cl_load() reads from a directory (libclamav CLI_DBEXT). */
static const char *const db_exts[] = {
	".cvd", ".cld", ".cud", ".db", ".hdb", ".hdu", ".hsb", ".hsu", ".fp",
	".sfp", ".mdb", ".mdu", ".msb", ".msu", ".ndb", ".ndu", ".ldb", ".ldu",
	".sdb", ".zmd", ".rmd", ".idb", ".gdb", ".pdb", ".wdb", ".cdb", ".cat",
	".crb", ".cbc", ".ftm", ".ign", ".ign2", ".yar", ".yara", ".pwdb",
	".imp", ".cfg", ".info",
};

static __thread char cl_last_msg[256];

static void
cl_msg_cb(enum cl_msg severity, const char *fullmsg, const char *msg,
          void *context)
{
	if (severity == CL_MSG_ERROR && msg != NULL) {
		g_strlcpy(cl_last_msg, msg, sizeof cl_last_msg);
		g_strchomp(cl_last_msg);
	}
}

static gpointer
cl_init_once(gpointer data)
{
	cl_set_clcb_msg(cl_msg_cb);
	return GINT_TO_POINTER(cl_init(CL_INIT_DEFAULT));
}

static void
virus_found_cb(int fd, const char *virname, void *context)
{
	scan_ctx *c = context;
	const char *n = virname != NULL ? virname : "Heuristics.Unknown";

	if (c == NULL)
		return;
	for (guint i = 0; i < c->names->len; i++)
		if (strcmp(c->names->pdata[i], n) == 0)
			return;
	g_ptr_array_add(c->names, g_strdup(n));
}

static bool
is_db_file(const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(db_exts); i++)
		if (g_str_has_suffix(name, db_exts[i]) &&
		    strlen(name) > strlen(db_exts[i]))
			return true;
	return false;
}

/* Build time of one database file: the .cvd/.cld header's stime when it
 * parses, else the file's mtime. */
static gint64
db_file_time(const char *path, const struct stat *st)
{
	gint64 t = (gint64)st->st_mtime;

	if (g_str_has_suffix(path, ".cvd") || g_str_has_suffix(path, ".cld")) {
		struct cl_cvd *h = cl_cvdhead(path);

		if (h != NULL) {
			if (h->stime > 0)
				t = (gint64)h->stime;
			cl_cvdfree(h);
		}
	}
	return t;
}

/* Count the signature files in DIR and find the newest build time. */
static int
db_scan_dir(const char *dir, gint64 *newest, mk_error *err)
{
	GError *ge = NULL;
	GDir *d = g_dir_open(dir, 0, &ge);
	const char *name;
	int n = 0;

	*newest = 0;
	if (d == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "signature database %s: %s", dir,
		             ge->message);
		g_error_free(ge);
		return MK_ERR_TEMP;
	}
	while ((name = g_dir_read_name(d)) != NULL) {
		char *p;
		struct stat st;

		if (!is_db_file(name))
			continue;
		p = g_build_filename(dir, name, NULL);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			gint64 t = db_file_time(p, &st);

			n++;
			if (t > *newest)
				*newest = t;
		}
		g_free(p);
	}
	g_dir_close(d);
	if (n == 0) {
		mk_error_set(err, MK_ERR_TEMP, "signature database %s is empty",
		             dir);
		return MK_ERR_TEMP;
	}
	return 0;
}

int
mk_scanner_db_newest(const char *dir, gint64 *newest, mk_error *err)
{
	return db_scan_dir(dir, newest, err);
}

/* 0 and the age in hours if DIR is usable and fresh enough. */
static int
db_check_age(const char *dir, gint64 max_age_h, gint64 *age_h, mk_error *err)
{
	gint64 newest, age_s;
	int rc = db_scan_dir(dir, &newest, err);

	if (rc != 0)
		return rc;
	age_s = (gint64)time(NULL) - newest;
	if (age_s < 0)
		age_s = 0;
	*age_h = age_s / 3600;
	if (max_age_h > 0 && age_s > max_age_h * 3600) {
		mk_error_set(err, MK_ERR_TEMP,
		             "signature database %s is %" G_GINT64_FORMAT
		             " hours old (clamav.max_db_age_hours = %" G_GINT64_FORMAT
		             ")", dir, *age_h, max_age_h);
		return MK_ERR_TEMP;
	}
	return 0;
}

static int
cl_fail(mk_error *err, const char *what, const char *dir, cl_error_t ret)
{
	if (cl_last_msg[0] != '\0')
		mk_error_set(err, MK_ERR_TEMP, "clamav %s %s: %s (%s)", what, dir,
		             cl_strerror(ret), cl_last_msg);
	else
		mk_error_set(err, MK_ERR_TEMP, "clamav %s %s: %s", what, dir,
		             cl_strerror(ret));
	return MK_ERR_TEMP;
}

static int
set_limits(mk_scanner *s, const mk_config *cfg, mk_error *err)
{
	const struct { enum cl_engine_field f; gint64 v; } lim[] = {
		{ CL_ENGINE_MAX_SCANSIZE, cfg->clamav.max_scansize },
		{ CL_ENGINE_MAX_FILESIZE, cfg->clamav.max_filesize },
		{ CL_ENGINE_MAX_SCANTIME, cfg->clamav.max_scantime_ms },
		{ CL_ENGINE_MAX_RECURSION, cfg->clamav.max_recursion },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(lim); i++) {
		cl_error_t r = cl_engine_set_num(s->engine, lim[i].f, lim[i].v);

		if (r != CL_SUCCESS)
			return cl_fail(err, "engine limit for", s->dbdir, r);
	}
	return 0;
}

static void
set_options(mk_scanner *s, const mk_config *cfg)
{
	struct cl_scan_options *o = &s->opts;

	memset(o, 0, sizeof *o);
	o->general = CL_SCAN_GENERAL_ALLMATCHES;
	o->parse = CL_SCAN_PARSE_ARCHIVE | CL_SCAN_PARSE_MAIL |
	           CL_SCAN_PARSE_OLE2 | CL_SCAN_PARSE_PDF | CL_SCAN_PARSE_HTML |
	           CL_SCAN_PARSE_PE | CL_SCAN_PARSE_ELF | CL_SCAN_PARSE_SWF |
	           CL_SCAN_PARSE_XMLDOCS | CL_SCAN_PARSE_HWP3 |
	           CL_SCAN_PARSE_ONENOTE;
	o->heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX;
	if (cfg->clamav.heuristic_alerts)
		o->general |= CL_SCAN_GENERAL_HEURISTICS;
	if (cfg->clamav.alert_macros)
		o->heuristic |= CL_SCAN_HEURISTIC_MACROS;
	if (cfg->clamav.alert_encrypted)
		o->heuristic |= CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE |
		                CL_SCAN_HEURISTIC_ENCRYPTED_DOC;
}

/* The engine's private temp directory below clamav.tmp_dir (a tmpfs by
 * default), else below $TMPDIR or /tmp. */
static int
set_tmpdir(mk_scanner *s, const mk_config *cfg, mk_error *err)
{
	const char *bases[] = { cfg->clamav.tmp_dir, g_get_tmp_dir() };
	cl_error_t r;

	for (gsize i = 0; i < G_N_ELEMENTS(bases) && s->tmpdir == NULL; i++) {
		if (bases[i] == NULL || bases[i][0] == '\0')
			continue;
		char *t = g_build_filename(bases[i], "mukaika-clamav-XXXXXX", NULL);
		if (g_mkdtemp_full(t, 0700) != NULL)
			s->tmpdir = t;
		else {
			if (i == 0)
				mk_log(MK_LOG_WARNING, NULL, "clamav.tmp_dir %s unusable (%s): "
				       "temporary files go to %s", bases[i], g_strerror(errno),
				       g_get_tmp_dir());
			g_free(t);
		}
	}
	if (s->tmpdir == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "clamav: no usable temporary directory");
		return MK_ERR_TEMP;
	}
	r = cl_engine_set_str(s->engine, CL_ENGINE_TMPDIR, s->tmpdir);
	if (r != CL_SUCCESS)
		return cl_fail(err, "cannot set the temporary directory", s->tmpdir, r);
	return 0;
}

static int
load_engine(mk_scanner *s, const mk_config *cfg, mk_error *err)
{
	cl_error_t r;

	cl_last_msg[0] = '\0';
	s->engine = cl_engine_new();
	if (s->engine == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "clamav: cl_engine_new failed");
		return MK_ERR_TEMP;
	}
	r = cl_load(s->dbdir, s->engine, &s->sigs, CL_DB_STDOPT);
	if (r != CL_SUCCESS)
		return cl_fail(err, "cannot load", s->dbdir, r);
	if (s->sigs == 0) {
		mk_error_set(err, MK_ERR_TEMP, "signature database %s holds no "
		             "signatures", s->dbdir);
		return MK_ERR_TEMP;
	}
	if (set_limits(s, cfg, err) != 0 || set_tmpdir(s, cfg, err) != 0)
		return MK_ERR_TEMP;
	cl_engine_set_clcb_virus_found(s->engine, virus_found_cb);
	r = cl_engine_compile(s->engine);
	if (r != CL_SUCCESS)
		return cl_fail(err, "cannot compile", s->dbdir, r);
	return 0;
}

mk_scanner *
mk_scanner_new(const mk_config *cfg, mk_error *err)
{
	static GOnce once = G_ONCE_INIT;
	mk_scanner *s = g_new0(mk_scanner, 1);
	cl_error_t r;
	gint64 age_h = 0;

	s->dbdir = g_strdup(cfg->clamav.database_dir);
	s->max_age_h = cfg->clamav.max_db_age_hours;
	if (g_strcmp0(cfg->clamav.backend, "clamd") == 0) {
		/* no cl_init, no database in this process */
		s->clamd = mk_clamd_new(cfg, err);
		if (s->clamd == NULL)
			goto fail;
		return s;
	}
	r = (cl_error_t)GPOINTER_TO_INT(g_once(&once, cl_init_once, NULL));
	if (r != CL_SUCCESS) {
		mk_error_set(err, MK_ERR_TEMP, "clamav: cl_init: %s",
		             cl_strerror(r));
		goto fail;
	}
	if (s->dbdir == NULL || s->dbdir[0] == '\0') {
		mk_error_set(err, MK_ERR_TEMP, "clamav.database_dir is not set");
		goto fail;
	}
	if (db_check_age(s->dbdir, s->max_age_h, &age_h, err) != 0)
		goto fail;
	if (load_engine(s, cfg, err) != 0)
		goto fail;
	set_options(s, cfg);
	s->desc = g_strdup_printf("clamav %s, %u signatures, db %s (age %"
	                          G_GINT64_FORMAT "h)", cl_retver(), s->sigs,
	                          s->dbdir, age_h);
	{
		gint64 newest = 0;
		mk_error ign = { 0 };

		(void)db_scan_dir(s->dbdir, &newest, &ign);
		s->dbver = g_strdup_printf("libclamav %s db %u sigs %u newest %" G_GINT64_FORMAT,
		                           cl_retver(), (unsigned)cl_engine_get_num(s->engine,
		                           CL_ENGINE_DB_VERSION, NULL), s->sigs, newest);
	}
	return s;
fail:
	mk_scanner_free(&s);
	return NULL;
}

void
mk_scanner_free(mk_scanner **sp)
{
	mk_scanner *s;

	if (sp == NULL || *sp == NULL)
		return;
	s = *sp;
	if (s->engine != NULL)
		cl_engine_free(s->engine);
	if (s->tmpdir != NULL)
		(void)g_rmdir(s->tmpdir);   /* libclamav removed its files */
	g_free(s->tmpdir);
	mk_clamd_free(&s->clamd);
	g_free(s->dbdir);
	g_free(s->desc);
	g_free(s->dbver);
	g_free(s);
	*sp = NULL;
}

int
mk_scanner_fresh(mk_scanner *s, mk_error *err)
{
	gint64 age_h;

	if (s->clamd != NULL)
		return mk_clamd_fresh(s->clamd, err);
	return db_check_age(s->dbdir, s->max_age_h, &age_h, err);
}

int
mk_scanner_scan(mk_scanner *s, const void *buf, size_t len, GPtrArray *hits,
                mk_error *err)
{
	scan_ctx ctx = { .names = g_ptr_array_new_with_free_func(g_free) };
	struct cl_scan_options opts = s->opts;
	const char *virname = NULL;
	unsigned long scanned = 0;
	cl_fmap_t *map;
	cl_error_t r;
	int rc = MK_ERR_TEMP;

	if (s->clamd != NULL) {
		rc = mk_clamd_scan(s->clamd, buf, len, hits, err);
		goto out;
	}
	map = cl_fmap_open_memory(buf != NULL ? buf : "", len);
	if (map == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "clamav: cannot map %zu bytes", len);
		goto out;
	}
	r = cl_scanmap_callback(map, NULL, &virname, &scanned, s->engine, &opts,
	                        &ctx);
	cl_fmap_close(map);
	if (r == CL_VIRUS && ctx.names->len == 0)
		virus_found_cb(-1, virname, &ctx);
	/* A hit is final even if the scan then failed (infected beats
	 * retrying); all-match mode may report hits through the callback
	 * only, whatever the return code. */
	if (ctx.names->len == 0 && r != CL_CLEAN) {
		mk_error_set(err, MK_ERR_TEMP, "clamav scan: %s", cl_strerror(r));
		goto out;
	}
	rc = ctx.names->len > 0 ? 1 : 0;
	for (guint i = 0; i < ctx.names->len; i++)
		g_ptr_array_add(hits, g_strdup(ctx.names->pdata[i]));
out:
	g_ptr_array_unref(ctx.names);
	return rc;
}

const char *
mk_scanner_describe(const mk_scanner *s)
{
	if (s != NULL && s->clamd != NULL)
		return mk_clamd_describe(s->clamd);
	return s != NULL && s->desc != NULL ? s->desc : "clamav (not loaded)";
}

const char *
mk_scanner_db_version(const mk_scanner *s)
{
	if (s != NULL && s->clamd != NULL)
		return mk_clamd_describe(s->clamd);
	return s != NULL && s->dbver != NULL ? s->dbver : "none";
}

int
mk_scanner_hit_finding(const char *name)
{
	if (name == NULL)
		return MK_F_VIRUS;
	if (g_str_has_prefix(name, "Heuristics.Encrypted"))
		return MK_F_ENCRYPTED;
	if (g_str_has_suffix(name, ".OLE2.ContainsMacros") ||
	    g_str_has_suffix(name, ".Macros") ||
	    strstr(name, "ContainsMacros") != NULL)
		return MK_F_ACTIVE_CONTENT;
	if (g_str_has_prefix(name, "Heuristics.Limits.Exceeded"))
		return MK_F_LIMIT;
	return MK_F_VIRUS;
}
