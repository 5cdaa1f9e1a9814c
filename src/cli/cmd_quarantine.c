/*
 * NAME
 *   cmd_quarantine - `mukaika quarantine list|show`
 *
 * DESCRIPTION
 *   Read-only views of the quarantine store.  Fields from the input
 *   (sender, subject) are escaped before they reach the terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "qstore.h"

static void
print_row(const mk_qrecord *r)
{
	GDateTime *t = g_date_time_new_from_unix_utc(r->received);
	char *ts = t ? g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ") : g_strdup("?");
	char *sender = mk_log_escape(r->sender ? r->sender : "-", 60);
	char *subject = mk_log_escape(r->subject ? r->subject : "-", 80);

	printf("%s  %s  %-4s  %-11s  %-24s  %s  %s\n", r->id, ts, r->channel,
	       mk_verdict_name(r->verdict), r->findings && *r->findings ? r->findings : "-",
	       sender, subject);
	g_free(subject);
	g_free(sender);
	g_free(ts);
	if (t != NULL)
		g_date_time_unref(t);
}

int
cmd_quarantine(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *sub;
	int limit = 0, c, code = MK_EXIT_OK;
	mk_error err = { 0 };
	mk_config *cfg = NULL;
	mk_qstore *q = NULL;

	if (argc < 2) {
		cli_help("quarantine");
		return MK_EXIT_USAGE;
	}
	sub = argv[1];
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "c:n:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'n': limit = atoi(optarg); break;
		case 'h': return cli_help("quarantine");
		default: return MK_EXIT_USAGE;
		}
	}
	if ((cfg = cli_load_config(config)) == NULL)
		return MK_EXIT_CONFIG;
	if ((q = mk_qstore_open(cfg, &err)) == NULL) {
		fprintf(stderr, "mukaika quarantine: %s\n", err.msg);
		code = MK_EXIT_TEMPFAIL;
		goto out;
	}
	if (strcmp(sub, "list") == 0) {
		GPtrArray *rows = NULL;
		if (mk_qstore_list(q, limit, &rows, &err) < 0) {
			fprintf(stderr, "mukaika quarantine: %s\n", err.msg);
			code = MK_EXIT_TEMPFAIL;
			goto out;
		}
		for (guint i = 0; i < rows->len; i++)
			print_row(g_ptr_array_index(rows, i));
		g_ptr_array_unref(rows);
	} else if (strcmp(sub, "show") == 0 && optind + 1 == argc - 1) {
		mk_qrecord *r = NULL;
		if (mk_qstore_get(q, argv[optind + 1], &r, &err) < 0) {
			fprintf(stderr, "mukaika quarantine: %s\n", err.msg);
			code = err.code == MK_ERR_NOINPUT ? MK_EXIT_NOINPUT : MK_EXIT_TEMPFAIL;
			goto out;
		}
		fputs(r->report_json, stdout);
		fputc('\n', stdout);
		mk_qrecord_free(&r);
	} else {
		cli_help("quarantine");
		code = MK_EXIT_USAGE;
	}
out:
	mk_qstore_close(&q);
	mk_config_unref(&cfg);
	return code;
}
