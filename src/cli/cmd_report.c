/*
 * NAME
 *   cmd_report - `mukaika report --from DAY --to DAY [--format text|csv|json]`
 *
 * DESCRIPTION
 *   Reads the processed-item rows of the days FROM..TO (UTC, both
 *   included; default: today) from the store and prints them
 *   (stats_report.h): every item the gateway finished, passed mail
 *   included; the text goes on with the review activity of the days
 *   (digest.h: held items and their fate, releases with requester and
 *   approver, failed logins, locked accounts, health alerts).  Read-only:
 *   no account needed.
 *
 *   --mail (text only): the same text also goes to notify.admins as the
 *   daily summary (notify.h), subject "[mukaika] 日次集計 DAY (N 件)" or
 *   "[mukaika] daily summary DAY (N items)" by general.language.  With no
 *   notify.admins it says so on stderr and is not an error.
 *
 * FAILURE
 *   Bad dates or format: 64.  Store unreadable, mail not accepted by the
 *   relay: 75.  Unusable notify address: 78.
 */
#include <stdio.h>
#include <string.h>

#include "cli_review.h"
#include "digest.h"
#include "notify.h"
#include "stats_report.h"

#define SECS_PER_DAY 86400

static const char report_usage[] =
	"usage: mukaika report [--config F] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
	"                      [--format text|csv|json] [--mail]\n"
	"\n"
	"Every item processed in the days FROM..TO (UTC, both included; default\n"
	"today), passed mail included: totals by channel, verdict, finding and day\n"
	"(text, json) or one line per item (csv).  --mail: the text also goes to\n"
	"notify.admins (the daily summary).\n"
	"Options, exit status and examples: mukaika help report.\n";

/* Unix seconds of 00:00 UTC of S (YYYY-MM-DD); -1 when malformed. */
static gint64
day_start(const char *s)
{
	bool ok = false;
	gint64 t;

	if (s == NULL || strlen(s) != 10)
		return -1;
	t = cli_date(s, &ok);
	return ok ? t : -1;
}

/* --mail: TEXT of the days FROM..TO to the administrators; an exit code. */
static int
mail_summary(const mk_config *cfg, const char *text, guint items, gint64 from, gint64 to)
{
	bool ja = strcmp(cfg->general.language, "ja") == 0;
	GDateTime *d1 = g_date_time_new_from_unix_utc(from), *d2 = g_date_time_new_from_unix_utc(to);
	char *a = g_date_time_format(d1, "%Y-%m-%d"), *b = g_date_time_format(d2, "%Y-%m-%d");
	char *days = from == to ? g_strdup(a) : g_strdup_printf("%s..%s", a, b);
	char *subject = ja ? g_strdup_printf("[mukaika] 日次集計 %s (%u 件)", days, items)
	                : g_strdup_printf("[mukaika] daily summary %s (%u items)", days, items);
	mk_error err = { 0 };
	int rc = mk_notify_admins(cfg, "daily-summary", subject, text, cli_now(), &err), code;

	if (rc == 1) {
		fputs("mukaika report: notify.admins is empty: the summary is not mailed\n", stderr);
		code = MK_EXIT_OK;
	} else if (rc == 0) {
		fprintf(stderr, "mukaika report: summary mailed to %s\n", cfg->notify.admins);
		code = MK_EXIT_OK;
	} else {
		code = cli_fail("report --mail", &err);
	}
	g_free(subject);
	g_free(days);
	g_free(a);
	g_free(b);
	g_date_time_unref(d1);
	g_date_time_unref(d2);
	return code;
}

int
cmd_report(int argc, char **argv)
{
	mk_config *cfg = NULL;
	mk_store *q = NULL;
	GPtrArray *rows = NULL;
	mk_error err = { 0 };
	mk_sr_format f;
	gint64 today = cli_now() / SECS_PER_DAY * SECS_PER_DAY, from, to;
	char *text, *digest = NULL, **av = g_new0(char *, argc + 2);
	cli_opts o;
	int code, n = 2;
	bool mail = false;

	/* cli_parse() reads ARGV[1] as the subcommand: report has none; --mail
	 * is report's own */
	av[0] = argv[0];
	av[1] = (char *)"report";
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--mail") == 0)
			mail = true;
		else
			av[n++] = argv[i];
	if ((code = cli_parse(n, av, report_usage, &o)) != -1)
		goto out;
	from = o.since != NULL ? day_start(o.since) : today;
	to = o.until != NULL ? day_start(o.until) : from;
	if (from < 0 || to < 0 || to < from || o.nargs > 0 ||
	    mk_sr_format_parse(o.format, &f) != 0 || (mail && f != MK_SR_TEXT)) {
		fputs(report_usage, stderr);
		code = MK_EXIT_USAGE;
		goto out;
	}
	if ((code = cli_open(&o, &cfg, &q)) != -1)
		goto out;
	if (mk_stats_list(q, from, to + SECS_PER_DAY, &rows, &err) != 0) {
		code = cli_fail("report", &err);
	} else {
		text = mk_stats_report(rows, from, to + SECS_PER_DAY, f);
		if (f == MK_SR_TEXT && mk_digest_text(q, from, to + SECS_PER_DAY, &digest, &err) != 0) {
			g_free(text);
			g_ptr_array_unref(rows);
			code = cli_fail("report", &err);
			goto done;
		}
		if (digest != NULL) {
			char *both = g_strconcat(text, digest, NULL);

			g_free(text);
			text = both;
		}
		fputs(text, stdout);
		fflush(stdout);
		code = mail ? mail_summary(cfg, text, rows->len, from, to) : MK_EXIT_OK;
		g_free(text);
		g_ptr_array_unref(rows);
	}
done:
	g_free(digest);
	mk_store_close(&q);
	mk_config_unref(&cfg);
out:
	g_free(av);
	return code;
}
