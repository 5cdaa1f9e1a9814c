/*
 * NAME
 *   cmd_health - `mukaika health [--config F] [--skip CHECKS]`: one
 *   Nagios-style status line for monitoring
 *
 * DESCRIPTION
 *   Five checks, each OK, WARNING or CRITICAL; the line and the exit status
 *   (0, 1, 2) are the worst of them:
 *     signatures  the newest file of clamav.database_dir, by the rule the
 *                 scanner applies (mk_scanner_db_newest): missing, empty or
 *                 older than clamav.max_db_age_hours is CRITICAL (mail
 *                 tempfails, files wait), older than health.db_warn_percent
 *                 of that age is WARNING
 *     disk        free space (statvfs, blocks available to non-root) of the
 *                 filesystems holding general.state_dir, the quarantine, the
 *                 milter spool and the drop folders that exist: below
 *                 health.disk_crit_percent CRITICAL, below
 *                 health.disk_warn_percent WARNING
 *     store       the quarantine store opens and answers a count, else
 *                 CRITICAL
 *     clock       ntp_adjtime(2) without changing anything: a clock the
 *                 kernel marks unsynchronised (TIME_ERROR, STA_UNSYNC) is
 *                 WARNING (rule 121: clocks synchronised)
 *     daemons     what mukaika-milter and mukaika-dropd say in their metrics
 *                 textfiles (health_daemons.h): engine not ready CRITICAL,
 *                 a textfile no longer updated WARNING
 *   --skip takes a comma-separated list of check names.
 *
 *   --mail: when the levels of the checks differ from those of the last
 *   alert (general.state_dir/health.alert; none yet = all OK), the line
 *   and what to do go to notify.admins (notify.h) -- a stale signature
 *   database, a full disk, an unreachable store, an unsynchronised clock,
 *   and the all-clear when they are over -- once per change, not per run.
 *   Each change is also an audit event "health.alert" (result the level,
 *   detail the checks), listed by `mukaika report`.  The file and the
 *   event are written only after the relay took the mail, so a failed
 *   alert is tried again at the next run.  With no notify.admins only
 *   the event and the file are written.
 *
 *   The line is "MUKAIKA STATUS - detail; detail | perfdata".  Under systemd
 *   (JOURNAL_STREAM set) it starts with a syslog priority "<N>" so journald
 *   files a WARNING as warning and a CRITICAL as crit.
 *
 * EXIT STATUS
 *   0 OK, 1 WARNING, 2 CRITICAL (a configuration that does not load is
 *   CRITICAL: the daemons cannot start with it), 3 usage error (UNKNOWN).
 *
 *   With metrics.enabled, the levels and the measures (signature age,
 *   items and held items in the store, free disk ratio) also go to
 *   mukaika-health.prom in metrics.dir, for node_exporter.
 *
 * NEVER
 *   Writes anything but that textfile, with --mail the alert file and
 *   event, and what opening the store writes (it may create an empty
 *   database, as every other command does).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <time.h>

#include "cli.h"
#include "f_clamav.h"
#include "health_daemons.h"
#include "metrics.h"
#include "notify.h"
#include "store.h"

enum { H_OK = 0, H_WARN = 1, H_CRIT = 2, H_UNKNOWN = 3 };

static const char *const level_name[] = { "OK", "WARNING", "CRITICAL" };
static const char *const level_prio[] = { "<6>", "<4>", "<2>" };

#define N_CHECKS 5
#define CHECK_SIGNATURES 0   /* index of "signatures" in checks[] */

typedef struct health {
	const mk_config *cfg;
	int level;             /* worst so far */
	GString *detail, *perf;
	int cur;               /* the check running (index of checks[]) */
	int check_level[N_CHECKS];   /* -1: skipped */
	gint64 db_newest;      /* for the textfile; 0 unknown */
	gint64 items, held;    /* -1 unknown */
	double disk_free_pct;  /* < 0 unknown */
} health;

static void
note(health *h, int level, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
note(health *h, int level, const char *fmt, ...)
{
	va_list ap;

	if (level > h->level)
		h->level = level;
	if (level > h->check_level[h->cur])
		h->check_level[h->cur] = level;
	if (h->detail->len > 0)
		g_string_append(h->detail, "; ");
	va_start(ap, fmt);
	g_string_append_vprintf(h->detail, fmt, ap);
	va_end(ap);
}

static void
check_signatures(health *h)
{
	const mk_config *c = h->cfg;
	gint64 newest = 0, age_h, max_h = c->clamav.max_db_age_hours;
	gint64 warn_h = max_h * c->health.db_warn_percent / 100;
	mk_error err = { 0 };

	if (mk_scanner_db_newest(c->clamav.database_dir, &newest, &err) != 0) {
		note(h, H_CRIT, "signatures: %s", err.msg);
		return;
	}
	h->db_newest = newest;
	age_h = ((gint64)time(NULL) - newest) / 3600;
	if (age_h < 0)
		age_h = 0;
	g_string_append_printf(h->perf, " db_age_h=%" G_GINT64_FORMAT ";%" G_GINT64_FORMAT
	                       ";%" G_GINT64_FORMAT, age_h, warn_h, max_h);
	if (max_h == 0)
		note(h, H_OK, "signatures %" G_GINT64_FORMAT " h old (age not checked)", age_h);
	else if (age_h >= max_h)
		note(h, H_CRIT, "signatures %" G_GINT64_FORMAT " h old, stale (max %"
		     G_GINT64_FORMAT " h): mail tempfails", age_h, max_h);
	else
		note(h, age_h >= warn_h ? H_WARN : H_OK, "signatures %" G_GINT64_FORMAT
		     " h old (max %" G_GINT64_FORMAT " h)", age_h, max_h);
}

/* The directories whose filesystems must keep room (caller frees). */
static GPtrArray *
state_paths(const mk_config *c)
{
	GPtrArray *p = g_ptr_array_new_with_free_func(g_free);
	const char *st = c->general.state_dir;

	g_ptr_array_add(p, g_strdup(st));
	g_ptr_array_add(p, *c->quarantine.dir ? g_strdup(c->quarantine.dir)
	                : g_build_filename(st, "quarantine", NULL));
	g_ptr_array_add(p, *c->milter.spool_dir ? g_strdup(c->milter.spool_dir)
	                : g_build_filename(st, "spool", NULL));
	g_ptr_array_add(p, g_strdup(c->dropd.in_dir));
	g_ptr_array_add(p, g_strdup(c->dropd.out_dir));
	g_ptr_array_add(p, g_strdup(c->dropd.work_dir));
	return p;
}

static void
check_disk(health *h)
{
	const mk_config *c = h->cfg;
	GPtrArray *paths = state_paths(c);
	const char *worst = NULL;
	double worst_pct = 101.0;

	for (guint i = 0; i < paths->len; i++) {
		const char *p = g_ptr_array_index(paths, i);
		struct statvfs vf;
		double pct;

		if (statvfs(p, &vf) != 0 || vf.f_blocks == 0)
			continue;   /* not there (yet): nothing to fill */
		pct = 100.0 * (double)vf.f_bavail / (double)vf.f_blocks;
		if (pct < worst_pct) {
			worst_pct = pct;
			worst = p;
		}
	}
	if (worst == NULL)
		note(h, H_CRIT, "disk: no state directory found (%s)", c->general.state_dir);
	else {
		int lv = worst_pct < (double)c->health.disk_crit_percent ? H_CRIT
		       : worst_pct < (double)c->health.disk_warn_percent ? H_WARN : H_OK;
		char *esc = g_strescape(worst, NULL);

		note(h, lv, "disk %.0f%% free (%s)", worst_pct, esc);
		h->disk_free_pct = worst_pct;
		g_string_append_printf(h->perf, " disk_free_pct=%.1f;%" G_GINT64_FORMAT ";%"
		                       G_GINT64_FORMAT, worst_pct, c->health.disk_warn_percent,
		                       c->health.disk_crit_percent);
		g_free(esc);
	}
	g_ptr_array_unref(paths);
}

static void
check_store(health *h)
{
	mk_error err = { 0 };
	mk_store *q = mk_store_open(h->cfg, &err);
	mk_qfilter f = { 0 }, held = { .status = "held" };
	gint64 n = 0, nh = 0;

	if (q == NULL || mk_qstore_count(q, &f, &n, &err) != 0 ||
	    mk_qstore_count(q, &held, &nh, &err) != 0)
		note(h, H_CRIT, "store: %s", err.msg[0] ? err.msg : "cannot open");
	else {
		note(h, H_OK, "store ok (%" G_GINT64_FORMAT " items, %" G_GINT64_FORMAT
		     " held)", n, nh);
		g_string_append_printf(h->perf, " items=%" G_GINT64_FORMAT " held=%"
		                       G_GINT64_FORMAT, n, nh);
		h->items = n;
		h->held = nh;
	}
	mk_store_close(&q);
}

static void
check_clock(health *h)
{
	struct timex tx = { 0 };   /* modes 0: read only */
	int st = ntp_adjtime(&tx);

	if (st < 0)
		note(h, H_WARN, "clock: cannot read the kernel's sync state (%s)",
		     g_strerror(errno));
	else if (st == TIME_ERROR || (tx.status & STA_UNSYNC))
		note(h, H_WARN, "clock not synchronised (NTP)");
	else
		note(h, H_OK, "clock synchronised (estimated error %ld us)", tx.esterror);
}

/* The daemons' own view, from their metrics textfiles (health_daemons.h). */
static void
check_daemons(health *h)
{
	char *detail = NULL;
	int lv;

	if (!h->cfg->metrics.enabled)
		return;
	lv = cli_health_daemons(h->cfg, (gint64)time(NULL), &detail);
	if (lv >= 0)
		note(h, lv, "daemons: %s", detail);
	g_free(detail);
}

static const struct check {
	const char *name;
	void (*run)(health *h);
} checks[N_CHECKS] = {
	{ "signatures", check_signatures }, { "store", check_store },
	{ "disk", check_disk }, { "clock", check_clock }, { "daemons", check_daemons },
};

/* mukaika-health.prom in metrics.dir (made 0755 when missing): the
 * levels and what the checks measured, for node_exporter.  A failure is
 * a line on stderr; the status is not changed by it. */
static void
write_metrics(const health *h)
{
	GString *s = g_string_new(NULL);
	char *dir = mk_metrics_dir(h->cfg);
	mk_error err = { 0 };
	gint64 now = (gint64)time(NULL);

	g_string_append(s, "# HELP mukaika_health_status mukaika health: 0 OK, 1 WARNING, "
	                "2 CRITICAL (overall: check=\"all\").\n"
	                "# TYPE mukaika_health_status gauge\n");
	for (int i = 0; i < N_CHECKS; i++)
		if (h->check_level[i] >= 0)
			g_string_append_printf(s, "mukaika_health_status{check=\"%s\"} %d\n",
			                       checks[i].name, h->check_level[i]);
	g_string_append_printf(s, "mukaika_health_status{check=\"all\"} %d\n", h->level);
	if (h->db_newest > 0)
		g_string_append_printf(s, "# HELP mukaika_signature_db_age_seconds Age of the "
		                       "newest signature file (clamav.max_db_age_hours: mail "
		                       "tempfails).\n# TYPE mukaika_signature_db_age_seconds gauge\n"
		                       "mukaika_signature_db_age_seconds{daemon=\"health\",channel=\"\"} %"
		                       G_GINT64_FORMAT "\n", MAX(0, now - h->db_newest));
	if (h->items >= 0)
		g_string_append_printf(s, "# HELP mukaika_quarantine_items Items in the quarantine "
		                       "store (held: waiting for a decision).\n"
		                       "# TYPE mukaika_quarantine_items gauge\n"
		                       "mukaika_quarantine_items{status=\"all\"} %" G_GINT64_FORMAT "\n"
		                       "mukaika_quarantine_items{status=\"held\"} %" G_GINT64_FORMAT "\n",
		                       h->items, h->held);
	if (h->disk_free_pct >= 0)
		g_string_append_printf(s, "# HELP mukaika_disk_free_ratio Free space of the fullest "
		                       "state or drop filesystem.\n# TYPE mukaika_disk_free_ratio gauge\n"
		                       "mukaika_disk_free_ratio %.4f\n", h->disk_free_pct / 100.0);
	g_string_append_printf(s, "# HELP mukaika_health_timestamp_seconds When mukaika health "
	                       "last ran.\n# TYPE mukaika_health_timestamp_seconds gauge\n"
	                       "mukaika_health_timestamp_seconds %" G_GINT64_FORMAT "\n", now);
	if ((g_mkdir_with_parents(dir, 0755) != 0 && errno != EEXIST) ||
	    mk_metrics_write(dir, "health", s->str, &err) != 0)
		fprintf(stderr, "mukaika health: metrics textfile: %s\n",
		        err.code ? err.msg : g_strerror(errno));
	g_free(dir);
	g_string_free(s, TRUE);
}

/* SKIP: comma-separated check names; false (and a message) for an unknown one. */
static bool
skip_valid(const char *skip)
{
	char **v = g_strsplit(skip ? skip : "", ",", -1);
	bool ok = true;

	for (int i = 0; v[i] != NULL && ok; i++) {
		bool known = v[i][0] == '\0';

		for (size_t j = 0; j < G_N_ELEMENTS(checks) && !known; j++)
			known = strcmp(v[i], checks[j].name) == 0;
		if (!known) {
			fprintf(stderr, "mukaika health: unknown check \"%s\" "
			        "(signatures, disk, store, clock, daemons)\n", v[i]);
			ok = false;
		}
	}
	g_strfreev(v);
	return ok;
}

static bool
skipped(const char *skip, const char *name)
{
	char **v = g_strsplit(skip ? skip : "", ",", -1);
	bool hit = g_strv_contains((const char *const *)v, name);

	g_strfreev(v);
	return hit;
}

/* "signatures=2,store=0,disk=0,clock=1" of the checks that ran. */
static char *
levels_key(const health *h)
{
	GString *k = g_string_new(NULL);

	for (int i = 0; i < N_CHECKS; i++)
		if (h->check_level[i] >= 0)
			g_string_append_printf(k, "%s%s=%d", k->len ? "," : "", checks[i].name,
			                       h->check_level[i]);
	return g_string_free(k, FALSE);
}

/* Level of check NAME in KEY ("a=0,b=2"); 0 when not in it. */
static int
key_level(const char *key, const char *name)
{
	char **v = g_strsplit(key, ",", -1);
	int lv = 0;

	for (char **p = v; *p; p++) {
		char *eq = strchr(*p, '=');

		if (eq != NULL && (size_t)(eq - *p) == strlen(name) &&
		    strncmp(*p, name, (size_t)(eq - *p)) == 0)
			lv = atoi(eq + 1);
	}
	g_strfreev(v);
	return lv;
}

/* Whether A and B give every check the same level (absent = OK: a check
 * added by an upgrade or skipped is no change). */
static bool
same_levels(const char *a, const char *b)
{
	for (int i = 0; i < N_CHECKS; i++)
		if (key_level(a, checks[i].name) != key_level(b, checks[i].name))
			return false;
	return true;
}

/* The key of the last alert; all OK when there was none. */
static char *
last_key(const health *h, const char *path)
{
	char *s = NULL;
	health ok = *h;

	if (g_file_get_contents(path, &s, NULL, NULL))
		return g_strchomp(s);
	for (int i = 0; i < N_CHECKS; i++)
		if (ok.check_level[i] > 0)
			ok.check_level[i] = H_OK;
	return levels_key(&ok);
}

static char *
alert_text(const health *h, const char *line, bool ja)
{
	GString *t = g_string_new(NULL);

	g_string_append_printf(t, ja ? "mukaika の監視結果が変わりました (%s)。\n\n%s\n\n"
	                       : "The state of mukaika has changed (%s).\n\n%s\n\n",
	                       g_get_host_name(), line);
	if (h->check_level[CHECK_SIGNATURES] == H_CRIT)
		g_string_append(t, ja ? "ウイルス定義が古いか、ありません。メールは一時エラー(4xx)で"
		                "送信元に再送され、ファイルは受け渡しフォルダで待機します。freshclam "
		                "(または内部ミラー)を確認してください: docs/ja/recovery.md\n"
		                : "The virus signatures are stale or missing: mail is tempfailed "
		                "(4xx, the senders retry) and files wait in the drop folder.  Check "
		                "freshclam or the internal mirror: docs/en/recovery.md\n");
	else if (h->check_level[CHECK_SIGNATURES] == H_WARN)
		g_string_append(t, ja ? "ウイルス定義の更新が遅れています(まだ処理は続いています)。"
		                "freshclam を確認してください。\n"
		                : "The virus signatures are getting old (mail still flows).  "
		                "Check freshclam.\n");
	if (h->level == H_OK)
		g_string_append(t, ja ? "すべての確認が OK に戻りました。\n"
		                : "Every check is OK again.\n");
	g_string_append(t, ja ? "\n確認: mukaika health --config /etc/mukaika/mukaika.conf\n"
	                : "\nCheck: mukaika health --config /etc/mukaika/mukaika.conf\n");
	return g_string_free(t, FALSE);
}

/* The change as an audit event "health.alert" (who "system"), for the
 * report's health alerts; a failure is a line on stderr. */
static void
audit_alert(const health *h)
{
	mk_error err = { 0 };
	mk_store *q = mk_store_open(h->cfg, &err);

	if (q == NULL || mk_audit_add(q, (gint64)time(NULL), "system", "local", "health.alert",
	                              NULL, level_name[h->level], h->detail->str, &err) != 0)
		fprintf(stderr, "mukaika health: alert not recorded: %s\n", err.msg);
	mk_store_close(&q);
}

/* --mail: when the levels changed since the last alert, an audit event
 * and a mail to notify.admins (none configured: the event only); the
 * levels are kept only once that is done, so a failed mail is retried. */
static void
mail_alert(const health *h, const char *line)
{
	const mk_config *c = h->cfg;
	char *path = g_build_filename(c->general.state_dir, "health.alert", NULL);
	char *key = levels_key(h), *last = last_key(h, path), *text = NULL, *subject = NULL;
	bool ja = strcmp(c->general.language, "ja") == 0;
	mk_error err = { 0 };
	GError *ge = NULL;
	int rc;

	if (same_levels(key, last))
		goto out;
	subject = g_strdup_printf(ja ? "[mukaika] 監視 %s: %s" : "[mukaika] health %s: %s",
	                          level_name[h->level], h->detail->str);
	if (g_utf8_strlen(subject, -1) > 120)
		*g_utf8_offset_to_pointer(subject, 120) = '\0';
	text = alert_text(h, line, ja);
	rc = mk_notify_admins(c, "health", subject, text, (gint64)time(NULL), &err);
	if (rc < 0) {
		fprintf(stderr, "mukaika health: alert not mailed: %s\n", err.msg);
		goto out;
	}
	audit_alert(h);
	if (!g_file_set_contents(path, key, -1, &ge)) {
		fprintf(stderr, "mukaika health: %s\n", ge->message);
		g_error_free(ge);
	} else if (rc == 0)
		fprintf(stderr, "mukaika health: alert mailed to %s\n", c->notify.admins);
out:
	g_free(subject);
	g_free(text);
	g_free(key);
	g_free(last);
	g_free(path);
}

static int
report(health *h, bool mail)
{
	const char *prio = g_getenv("JOURNAL_STREAM") ? level_prio[h->level] : "";
	char *line = g_strdup_printf("MUKAIKA %s - %s |%s", level_name[h->level], h->detail->str,
	                             h->perf->len ? h->perf->str : " -");
	int rc;

	printf("%s%s\n", prio, line);
	rc = fflush(stdout) == 0 ? h->level : H_CRIT;
	if (mail)
		mail_alert(h, line);
	g_free(line);
	return rc;
}

int
cmd_health(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "skip", required_argument, NULL, 's' },
		{ "mail", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *skip = NULL;
	health h = { 0 };
	mk_config *cfg;
	int c, rc;
	bool mail = false;

	while ((c = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
		if (c == 'c')
			config = optarg;
		else if (c == 'm')
			mail = true;
		else if (c == 's')
			skip = optarg;
		else if (c == 'h')
			return cli_help("health") == MK_EXIT_OK ? H_OK : H_UNKNOWN;
		else
			return H_UNKNOWN;
	}
	if (optind != argc || !skip_valid(skip)) {
		fputs("usage: mukaika health [--config FILE] [--skip CHECK,...] [--mail]\n", stderr);
		return H_UNKNOWN;
	}
	if ((cfg = cli_load_config(config)) == NULL) {
		printf("MUKAIKA CRITICAL - configuration does not load (mukaika config check)\n");
		return H_CRIT;
	}
	h = (health){ .cfg = cfg, .detail = g_string_new(NULL), .perf = g_string_new(NULL),
	              .items = -1, .held = -1, .disk_free_pct = -1 };
	for (int i = 0; i < N_CHECKS; i++) {
		h.check_level[i] = -1;
		if (skipped(skip, checks[i].name))
			continue;
		h.cur = i;
		h.check_level[i] = H_OK;
		checks[i].run(&h);
	}
	if (cfg->metrics.enabled)
		write_metrics(&h);
	rc = report(&h, mail);
	g_string_free(h.detail, TRUE);
	g_string_free(h.perf, TRUE);
	mk_config_unref(&cfg);
	return rc;
}
