/*
 * NAME
 *   cmd_quarantine - `mukaika quarantine list|search|show|requests|request|
 *   approve|deny|release|delete|purge`
 *
 * DESCRIPTION
 *   list/search/show/requests read the store.  request, approve, deny,
 *   release, delete and purge act as a named account (--as, see
 *   cli_review.h) under the two-person rule of review.h; every step is
 *   audited by the store functions.  unlock (PPAP) runs the engine with the
 *   archive passwords (mk_review_unlock); they are wiped after the run and
 *   never printed.  Fields from the input (sender, subject) are escaped
 *   before they reach the terminal.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli_review.h"
#include "engine.h"
#include "log.h"
#include "revmail.h"

static const char q_usage[] =
	"usage: mukaika quarantine list [--config FILE] [--limit N]\n"
	"       mukaika quarantine search [--since DATE] [--until DATE] [--sender S]\n"
	"                [--recipient R] [--verdict V] [--finding F] [--status S]\n"
	"                [--text T] [--limit N]\n"
	"       mukaika quarantine show ID\n"
	"       mukaika quarantine requests [--status pending|approved|denied|released]\n"
	"       mukaika quarantine request --as NAME --reason TEXT ID\n"
	"       mukaika quarantine approve|deny --as NAME [--comment TEXT] REQUEST\n"
	"       mukaika quarantine release --as NAME REQUEST\n"
	"       mukaika quarantine unlock --as NAME [--password-file FILE|-] ID\n"
	"       mukaika quarantine delete --as ADMIN ID\n"
	"       mukaika quarantine purge --as ADMIN\n"
	"\n"
	"list/search print the held items, newest first: id, received (UTC), channel,\n"
	"verdict, findings, sender and subject or file name.  show prints the JSON\n"
	"report of one item.  An original leaves the quarantine only when one account\n"
	"has requested it and another (approver or admin) has approved; release then\n"
	"re-injects a mail through release.smtp_relay or writes a file into\n"
	"dropd.out_dir/OWNER/.  delete asks to delete an item and its original:\n"
	"another admin approves that request (two-person).  An original with a virus\n"
	"finding is never released.  purge deletes items past quarantine.retention_days.\n"
	"unlock (PPAP) opens a held encrypted archive: the engine runs again on the\n"
	"original with the archive password(s) and, only if nothing is then held\n"
	"and no virus is found, delivers the sanitized result (never the original)\n"
	"like release; no approval is needed.  Passwords: one per line of FILE, or\n"
	"with - (default) $MUKAIKA_ARCHIVE_PASSWORD or the next line of standard\n"
	"input after the account password.\n"
	"--as reads the account's password from $MUKAIKA_PASSWORD or standard input.\n"
	"Options, exit status and examples: mukaika help quarantine.\n";

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

static int
q_search(mk_store *q, const cli_opts *o)
{
	mk_qfilter f = { .sender = o->sender, .recipient = o->recipient,
	                 .verdict = o->verdict, .finding = o->finding,
	                 .status = o->status, .text = o->text, .limit = o->limit };
	GPtrArray *rows = NULL;
	mk_error err = { 0 };
	bool ok1, ok2;

	f.since = cli_date(o->since, &ok1);
	f.until = cli_date(o->until, &ok2);
	if (!ok1 || !ok2) {
		fprintf(stderr, "mukaika quarantine: dates are YYYY-MM-DD or ISO 8601\n");
		return MK_EXIT_USAGE;
	}
	if (mk_qstore_search(q, &f, &rows, &err) != 0)
		return cli_fail("quarantine", &err);
	for (guint i = 0; i < rows->len; i++)
		print_row(g_ptr_array_index(rows, i));
	g_ptr_array_unref(rows);
	return MK_EXIT_OK;
}

static int
q_show(mk_store *q, const char *id)
{
	mk_qrecord *r = NULL;
	mk_error err = { 0 };

	if (!mk_qstore_valid_id(id)) {
		fprintf(stderr, "mukaika quarantine: malformed id\n");
		return MK_EXIT_USAGE;
	}
	if (mk_qstore_get(q, id, &r, &err) < 0)
		return cli_fail("quarantine", &err);
	fputs(r->report_json, stdout);
	fputc('\n', stdout);
	mk_qrecord_free(&r);
	return MK_EXIT_OK;
}

static int
q_requests(mk_store *q, const cli_opts *o)
{
	GPtrArray *a = NULL;
	mk_error err = { 0 };

	if (mk_review_list(q, o->status, o->item, &a, &err) != 0)
		return cli_fail("quarantine", &err);
	for (guint i = 0; i < a->len; i++) {
		mk_request *r = g_ptr_array_index(a, i);
		char *reason = mk_log_escape(r->reason, 80);

		printf("%" G_GINT64_FORMAT "  %s  %-8s  %s  by %s  approver %s  %s\n", r->id,
		       r->item, r->status, r->requester, r->requester,
		       r->approver ? r->approver : "-", reason);
		g_free(reason);
	}
	g_ptr_array_unref(a);
	return MK_EXIT_OK;
}

static gint64
req_arg(const cli_opts *o)
{
	char *end = NULL;
	gint64 v = o->nargs == 1 ? g_ascii_strtoll(o->args[0], &end, 10) : 0;

	return end != NULL && *end == '\0' && v > 0 ? v : 0;
}

static void
wipe_free(gpointer p)
{
	if (p != NULL)
		sodium_memzero(p, strlen(p));
	g_free(p);
}

/* Candidate archive passwords from FILE (one per line) or, for "-",
 * $MUKAIKA_ARCHIVE_PASSWORD / the next stdin line; NULL on error. */
static GPtrArray *
read_passwords(const mk_config *cfg, const char *file)
{
	GPtrArray *pw = g_ptr_array_new_with_free_func(wipe_free);
	char *text = NULL;
	gsize len = 0;

	if (file == NULL || strcmp(file, "-") == 0) {
		text = cli_read_secret("MUKAIKA_ARCHIVE_PASSWORD",
		                       g_getenv("MUKAIKA_PASSWORD") != NULL ? 0 : 1);
		len = strlen(text);
	} else if (!g_file_get_contents(file, &text, &len, NULL) ||
	           (gint64)len > cfg->web.max_form_size) {
		fprintf(stderr, "mukaika quarantine: cannot read the password file "
		        "(or larger than web.max_form_size)\n");
		wipe_free(text);
		g_ptr_array_unref(pw);
		return NULL;
	}
	for (char *line = text, *nl; line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		g_strchomp(line);
		if (*line != '\0')
			g_ptr_array_add(pw, g_strdup(line));
	}
	sodium_memzero(text, len);
	g_free(text);
	return pw;
}

static int
q_unlock(mk_store *q, mk_config *cfg, const cli_opts *o, const mk_actor *a,
         const char *pwfile)
{
	GPtrArray *pw = read_passwords(cfg, pwfile);
	mk_error err = { 0 };
	mk_engine *e = NULL;
	char *where = NULL;
	int rc;

	if (pw == NULL)
		return MK_EXIT_NOINPUT;
	if ((e = mk_engine_new(cfg, mk_store_port_new(cfg), &err)) == NULL) {
		g_ptr_array_unref(pw);
		return cli_fail("quarantine", &err);
	}
	rc = mk_review_unlock(q, e, a, o->args[0], pw, cli_now(), &where, &err);
	g_ptr_array_unref(pw);
	mk_engine_free(&e);
	if (rc != 0)
		return cli_fail("quarantine", &err);
	printf("unlocked: %s\n", where);
	g_free(where);
	return MK_EXIT_OK;
}

/* Take --password-file FILE / --password-file=FILE out of ARGV (cli_parse
 * does not know it); returns the new argv (strings borrowed). */
static char **
take_pwfile(int *argc, char **argv, const char **pwfile)
{
	char **out = g_new0(char *, (gsize)*argc + 1);
	int n = 0;

	*pwfile = NULL;
	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--password-file") == 0 && i + 1 < *argc)
			*pwfile = argv[++i];
		else if (g_str_has_prefix(argv[i], "--password-file="))
			*pwfile = argv[i] + strlen("--password-file=");
		else
			out[n++] = argv[i];
	}
	*argc = n;
	return out;
}

/* The changing subcommands, after --as has been checked. */
static int
q_act(mk_store *q, const mk_config *cfg, const cli_opts *o, const mk_actor *a)
{
	const char *sub = o->sub;
	mk_error err = { 0 };
	gint64 id = 0;
	char *where = NULL;
	int rc, n = 0;

	if (strcmp(sub, "request") == 0 && o->nargs == 1) {
		rc = mk_review_request(q, a, o->args[0], o->reason, cli_now(), &id, &err);
		if (rc == 0)
			printf("%" G_GINT64_FORMAT "\n", id);
		if (rc == 0)
			(void)mk_revmail_request(q, cfg, id);
	} else if ((strcmp(sub, "approve") == 0 || strcmp(sub, "deny") == 0) && req_arg(o)) {
		rc = mk_review_decide(q, a, req_arg(o), strcmp(sub, "approve") == 0,
		                      o->comment, cli_now(), &err);
		if (rc == 0)
			(void)mk_revmail_decision(q, cfg, req_arg(o));
	} else if (strcmp(sub, "release") == 0 && req_arg(o)) {
		rc = mk_review_release(q, cfg, a, req_arg(o), cli_now(), &where, &err);
		if (rc == 0)
			printf("released: %s\n", where);
	} else if (strcmp(sub, "delete") == 0 && o->nargs == 1) {
		rc = mk_review_delete(q, a, o->args[0], cli_now(), &id, &err);
		if (rc == 0)
			(void)mk_revmail_request(q, cfg, id);
		if (rc == 0)
			printf("deletion request %" G_GINT64_FORMAT ": another admin approves it "
			       "(mukaika quarantine approve --as ADMIN %" G_GINT64_FORMAT ")\n", id, id);
	} else if (strcmp(sub, "purge") == 0 && mk_urole_can(a->role, MK_PERM_ADMIN)) {
		rc = mk_qstore_purge(q, cli_now(), &n, &err);
		(void)mk_audit_add(q, cli_now(), a->who, a->ip, "item.purge",
		                   NULL, rc == 0 ? "ok" : "failed", NULL, NULL);
		if (rc == 0)
			printf("%d items purged\n", n);
	} else {
		fputs(q_usage, stderr);
		return MK_EXIT_USAGE;
	}
	g_free(where);
	return rc == 0 ? MK_EXIT_OK : cli_fail("quarantine", &err);
}

int
cmd_quarantine(int argc, char **argv)
{
	mk_config *cfg = NULL;
	mk_store *q = NULL;
	mk_actor a = { 0 };
	const char *pwfile = NULL;
	char **args = NULL;
	cli_opts o;
	int code;

	if (argc < 2) {
		fputs(q_usage, stderr);
		return MK_EXIT_USAGE;
	}
	args = take_pwfile(&argc, argv, &pwfile);
	if ((code = cli_parse(argc, args, q_usage, &o)) != -1 ||
	    (code = cli_open(&o, &cfg, &q)) != -1) {
		g_free(args);
		return code;
	}
	if (strcmp(o.sub, "list") == 0 || strcmp(o.sub, "search") == 0)
		code = q_search(q, &o);
	else if (strcmp(o.sub, "show") == 0 && o.nargs == 1)
		code = q_show(q, o.args[0]);
	else if (strcmp(o.sub, "requests") == 0)
		code = q_requests(q, &o);
	else if ((code = cli_actor(q, cfg, &o, &a)) == -1)
		code = strcmp(o.sub, "unlock") == 0 && o.nargs == 1
		       ? q_unlock(q, cfg, &o, &a, pwfile) : q_act(q, cfg, &o, &a);
	mk_store_close(&q);
	mk_config_unref(&cfg);
	g_free(args);
	return code;
}
