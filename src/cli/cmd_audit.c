/*
 * NAME
 *   cmd_audit - `mukaika audit list|export|verify|purge`
 *
 * DESCRIPTION
 *   list prints events newest first; export writes CSV (RFC 4180, formula
 *   cells neutralised) or JSON; verify walks the hash chain; purge removes
 *   events older than audit.retention_days (admin, --as) — the only way
 *   audit rows are ever deleted (see audit.h); reanchor (admin, --as)
 *   anchors the unkeyed events an older mukaika wrote (audit_verify.c).
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli_review.h"
#include "log.h"

static const char audit_usage[] =
	"usage: mukaika audit list [--config F] [--since DATE] [--until DATE] [--who NAME]\n"
	"                          [--what VERB] [--item ID] [--limit N]\n"
	"       mukaika audit export --format csv|json [same filters]\n"
	"       mukaika audit verify [--config F]\n"
	"       mukaika audit purge --as ADMIN [--config F]\n"
	"       mukaika audit reanchor --as ADMIN [--config F]\n"
	"\n"
	"Every login, request, decision, release, deletion and account change is an\n"
	"event: time (UTC), account, client address, action, item, result, detail.\n"
	"Events cannot be changed; purge removes only those older than\n"
	"audit.retention_days.  verify checks the hash chain of the kept events.\n"
	"reanchor: once after an upgrade from a version whose chain was not keyed,\n"
	"anchors those old events with a keyed event (verify then checks them).\n"
	"Options, exit status and examples: mukaika help audit.\n";

static void
print_event(const mk_audit_row *r)
{
	GDateTime *t = g_date_time_new_from_unix_utc(r->ts);
	char *ts = t ? g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ") : g_strdup("?");
	char *detail = mk_log_escape(r->detail ? r->detail : "-", 120);
	char *who = mk_log_escape(r->who, 40);

	printf("%" G_GINT64_FORMAT "  %s  %-12s  %-15s  %-18s  %-24s  %-7s  %s\n", r->id,
	       ts, who, r->ip, r->what, r->item ? r->item : "-", r->result, detail);
	g_free(who);
	g_free(detail);
	g_free(ts);
	if (t != NULL)
		g_date_time_unref(t);
}

static int
audit_read(mk_store *q, const cli_opts *o, GPtrArray **rows)
{
	mk_audit_filter f = { .who = o->who, .what = o->what, .item = o->item,
	                      .limit = o->limit };
	mk_error err = { 0 };
	bool ok1, ok2;

	f.since = cli_date(o->since, &ok1);
	f.until = cli_date(o->until, &ok2);
	if (!ok1 || !ok2) {
		fprintf(stderr, "mukaika audit: dates are YYYY-MM-DD or ISO 8601\n");
		return MK_EXIT_USAGE;
	}
	if (mk_audit_list(q, &f, rows, &err) != 0)
		return cli_fail("audit", &err);
	return -1;
}

static int
audit_run(mk_store *q, const mk_config *cfg, const cli_opts *o)
{
	GPtrArray *rows = NULL;
	mk_error err = { 0 };
	mk_actor a = { 0 };
	gint64 bad = 0;
	int code, n = 0;

	if (strcmp(o->sub, "verify") == 0) {
		char *why = NULL;

		if (mk_audit_verify(q, &bad, &why, &err) != 0)
			return cli_fail("audit", &err);
		if (bad > 0)
			printf("audit chain broken at event %" G_GINT64_FORMAT ": %s\n", bad, why);
		else if (bad != 0)
			printf("audit chain broken: %s\n", why);
		else
			printf("audit chain OK\n");
		g_free(why);
		return bad != 0 ? MK_EXIT_FAIL : MK_EXIT_OK;
	}
	if (strcmp(o->sub, "reanchor") == 0) {
		gint64 first = 0, last = 0;
		char *who;

		if ((code = cli_actor(q, cfg, o, &a)) != -1)
			return code;
		if (!mk_urole_can(a.role, MK_PERM_ADMIN)) {
			fprintf(stderr, "mukaika audit: only an admin may re-anchor\n");
			return MK_EXIT_FAIL;
		}
		who = g_strdup(a.who);
		code = mk_audit_reanchor(q, who, cli_now(), &first, &last, &err);
		if (code != 0)
			(void)mk_audit_add(q, cli_now(), who, "local", "audit.reanchor", NULL,
			                   "refused", err.msg, NULL);
		g_free(who);
		if (code != 0)
			return cli_fail("audit", &err);
		printf("legacy events %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " anchored\n",
		       first, last);
		return MK_EXIT_OK;
	}
	if (strcmp(o->sub, "purge") == 0) {
		if ((code = cli_actor(q, cfg, o, &a)) != -1)
			return code;
		if (!mk_urole_can(a.role, MK_PERM_ADMIN)) {
			fprintf(stderr, "mukaika audit: only an admin may purge\n");
			return MK_EXIT_FAIL;
		}
		if (mk_audit_purge(q, cli_now(), cfg->audit.retention_days,
		                   &n, &err) != 0)
			return cli_fail("audit", &err);
		printf("%d events purged\n", n);
		return MK_EXIT_OK;
	}
	if ((code = audit_read(q, o, &rows)) != -1)
		return code;
	code = MK_EXIT_OK;
	if (strcmp(o->sub, "list") == 0) {
		for (guint i = 0; i < rows->len; i++)
			print_event(g_ptr_array_index(rows, i));
	} else if (strcmp(o->sub, "export") == 0 && o->format != NULL &&
	           (strcmp(o->format, "csv") == 0 || strcmp(o->format, "json") == 0)) {
		char *s = strcmp(o->format, "csv") == 0 ? mk_audit_csv(rows) : mk_audit_json(rows);

		fputs(s, stdout);
		if (strcmp(o->format, "json") == 0)
			fputc('\n', stdout);
		g_free(s);
	} else {
		fputs(audit_usage, stderr);
		code = MK_EXIT_USAGE;
	}
	g_ptr_array_unref(rows);
	return code;
}

int
cmd_audit(int argc, char **argv)
{
	mk_config *cfg = NULL;
	mk_store *q = NULL;
	cli_opts o;
	int code;

	if (argc < 2) {
		fputs(audit_usage, stderr);
		return MK_EXIT_USAGE;
	}
	if ((code = cli_parse(argc, argv, audit_usage, &o)) != -1)
		return code;
	if ((code = cli_open(&o, &cfg, &q)) != -1)
		return code;
	code = audit_run(q, cfg, &o);
	mk_store_close(&q);
	mk_config_unref(&cfg);
	return code;
}
