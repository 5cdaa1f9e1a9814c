/*
 * NAME
 *   cmd_report - `mukaika report --from DAY --to DAY [--format text|csv|json]`
 *
 * DESCRIPTION
 *   Reads the processed-item rows of the days FROM..TO (UTC, both
 *   included; default: today) from the store and prints them
 *   (stats_report.h): every item the gateway finished, passed mail
 *   included.  Read-only: no account needed.
 *
 * FAILURE
 *   Bad dates or format: 64.  Store unreadable: 75.
 */
#include <stdio.h>
#include <string.h>

#include "cli_review.h"
#include "stats_report.h"

#define SECS_PER_DAY 86400

static const char report_usage[] =
	"usage: mukaika report [--config F] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
	"                      [--format text|csv|json]\n"
	"\n"
	"Every item processed in the days FROM..TO (UTC, both included; default\n"
	"today), passed mail included: totals by channel, verdict, finding and day\n"
	"(text, json) or one line per item (csv).\n"
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

int
cmd_report(int argc, char **argv)
{
	mk_config *cfg = NULL;
	mk_store *q = NULL;
	GPtrArray *rows = NULL;
	mk_error err = { 0 };
	mk_sr_format f;
	gint64 today = cli_now() / SECS_PER_DAY * SECS_PER_DAY, from, to;
	char *text, **av = g_new0(char *, argc + 2);
	cli_opts o;
	int code;

	/* cli_parse() reads ARGV[1] as the subcommand: report has none */
	av[0] = argv[0];
	av[1] = (char *)"report";
	memcpy(av + 2, argv + 1, sizeof *argv * (gsize)(argc - 1));
	if ((code = cli_parse(argc + 1, av, report_usage, &o)) != -1)
		goto out;
	from = o.since != NULL ? day_start(o.since) : today;
	to = o.until != NULL ? day_start(o.until) : from;
	if (from < 0 || to < 0 || to < from || o.nargs > 0 ||
	    mk_sr_format_parse(o.format, &f) != 0) {
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
		fputs(text, stdout);
		g_free(text);
		g_ptr_array_unref(rows);
		code = MK_EXIT_OK;
	}
	mk_store_close(&q);
	mk_config_unref(&cfg);
out:
	g_free(av);
	return code;
}
