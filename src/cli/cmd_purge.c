/*
 * NAME
 *   cmd_purge - `mukaika purge [--config F] [--dry-run]`: the retention
 *   routine, run by mukaika-purge.timer
 *
 * DESCRIPTION
 *   Deletes every quarantined item (original and report) whose expiry has
 *   passed, with one audit event per item ("item.dispose": who "system",
 *   the received and expiry dates, channel, size and sha256 of the original
 *   as the disposal record, rule 23), then audit events older than
 *   audit.retention_days (mk_audit_purge, which records "audit.purge").
 *   Candidates are the items received before now minus
 *   quarantine.retention_days, read in pages; each is deleted only when its
 *   own expiry has passed.  Items that expire earlier because the
 *   retention was shortened after they arrived are then removed by
 *   mk_qstore_purge() and counted in one "item.purge" event.
 *
 *   Unlike `quarantine purge --as ADMIN` no account logs in: the routine
 *   applies the configured retention, nothing else, as the account that
 *   owns the store (the mukaika user under systemd).
 *
 * EXIT STATUS
 *   0 done, 64 usage, 75 store unavailable or a deletion failed (the next
 *   run continues), 78 configuration error.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "cli_review.h"

#define PURGE_PAGE 500   /* rows read at a time (bounded memory) */

static char *
day(gint64 t)
{
	GDateTime *d = g_date_time_new_from_unix_utc(t);
	char *s = d ? g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ") : g_strdup("?");

	if (d != NULL)
		g_date_time_unref(d);
	return s;
}

/* Ids (new strings) of the expired items among those received before CUT. */
static int
expired_ids(mk_store *q, gint64 now, gint64 cut, GPtrArray *ids, mk_error *err)
{
	mk_qfilter f = { .until = cut, .limit = PURGE_PAGE };

	for (;;) {
		GPtrArray *page = NULL;
		guint got;

		if (mk_qstore_search(q, &f, &page, err) != 0)
			return -1;
		got = page->len;
		for (guint i = 0; i < got; i++) {
			mk_qrecord *r = g_ptr_array_index(page, i);

			if (r->expires < now)
				g_ptr_array_add(ids, g_strdup(r->id));
		}
		g_ptr_array_unref(page);
		if (got < PURGE_PAGE)
			return 0;
		f.offset += PURGE_PAGE;
	}
}

/* Delete one item with its disposal record; 0 or -1. */
static int
dispose(mk_store *q, const char *id, gint64 now, bool dry, mk_error *err)
{
	mk_qrecord *r = NULL;
	char *rcv = NULL, *exp = NULL, *detail = NULL;
	int rc = -1;

	if (mk_qstore_get(q, id, &r, err) != 0)
		goto out;
	rcv = day(r->received);
	exp = day(r->expires);
	detail = g_strdup_printf("retention: received %s, expired %s, %s, %" G_GINT64_FORMAT
	                         " bytes, sha256 %s", rcv, exp, r->channel, r->size,
	                         r->sha256 ? r->sha256 : "-");
	if (dry) {
		printf("would dispose %s (%s)\n", id, detail);
		rc = 0;
		goto out;
	}
	rc = mk_qstore_delete(q, id, err);
	(void)mk_audit_add(q, now, "system", "local", "item.dispose", id,
	                   rc == 0 ? "ok" : "failed", detail, NULL);
out:
	g_free(detail);
	g_free(exp);
	g_free(rcv);
	mk_qrecord_free(&r);
	return rc;
}

static int
purge_run(mk_store *q, const mk_config *cfg, bool dry, mk_error *err)
{
	gint64 now = cli_now();
	gint64 cut = now - cfg->quarantine.retention_days * 86400;
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	int n = 0, rest = 0, events = 0, rc;

	rc = expired_ids(q, now, cut, ids, err);
	for (guint i = 0; rc == 0 && i < ids->len; i++)
		if ((rc = dispose(q, g_ptr_array_index(ids, i), now, dry, err)) == 0)
			n++;
	if (rc == 0 && !dry && (rc = mk_qstore_purge(q, now, &rest, err)) == 0 && rest > 0) {
		char *d = g_strdup_printf("%d items past an expiry shorter than the retention", rest);

		(void)mk_audit_add(q, now, "system", "local", "item.purge",
		                   NULL, "ok", d, NULL);
		g_free(d);
	}
	if (rc == 0 && !dry)
		rc = mk_audit_purge(q, now, cfg->audit.retention_days, &events, err);
	if (rc == 0)
		printf("%s%d items disposed, %d audit events purged\n", dry ? "(dry run) " : "",
		       n + rest, events);
	g_ptr_array_unref(ids);
	return rc;
}

int
cmd_purge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	bool dry = false;
	mk_error err = { 0 };
	mk_config *cfg = NULL;
	mk_store *q = NULL;
	int c, rc = MK_EXIT_OK;

	while ((c = getopt_long(argc, argv, "c:nh", opts, NULL)) != -1) {
		if (c == 'c')
			config = optarg;
		else if (c == 'n')
			dry = true;
		else if (c == 'h')
			return cli_help("purge");
		else
			return MK_EXIT_USAGE;
	}
	if (optind != argc) {
		fputs("usage: mukaika purge [--config FILE] [--dry-run]\n", stderr);
		return MK_EXIT_USAGE;
	}
	if ((cfg = cli_load_config(config)) == NULL)
		return MK_EXIT_CONFIG;
	if ((q = mk_store_open(cfg, &err)) == NULL || purge_run(q, cfg, dry, &err) != 0)
		rc = cli_fail("purge", &err);
	mk_store_close(&q);
	mk_config_unref(&cfg);
	return rc;
}
