/*
 * NAME
 *   cmd_store - `mukaika store migrate --from sqlite:PATH --to
 *   postgresql:CONNINFO [--config F] [--objects DIR]`
 *
 * DESCRIPTION
 *   Moves a host's SQLite store (the database file PATH and its
 *   originals, by default under the configured quarantine.dir, else
 *   --objects DIR) into an empty PostgreSQL database, in one
 *   transaction (store_migrate.h), then verifies the audit chain on the
 *   target with this host's audit.key and prints one line per table.
 *   The configuration gives the audit key and checkpoint; its
 *   store.backend may still say sqlite (switch it afterwards).
 *
 * EXIT STATUS
 *   0 moved and the chain verifies, 1 moved but the chain does not
 *   verify, 64 usage or a non-empty target, 65 an original missing or
 *   damaged, 75 a database unavailable, 78 configuration error.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_review.h"
#include "mk_exit.h"
#include "store.h"
#include "store_migrate.h"

static int
usage(void)
{
	fputs("usage: mukaika store migrate --from sqlite:PATH --to postgresql:CONNINFO "
	      "[--config FILE] [--objects DIR]\n", stderr);
	return MK_EXIT_USAGE;
}

static int
run(mk_config *cfg, const char *path, const char *objdir, const char *conninfo)
{
	mk_config *to = mk_config_ref(cfg);
	mk_migrate_counts c;
	mk_error err = { 0 };
	mk_store *dst;
	char *why = NULL;
	gint64 bad = 0, total = 0;
	int rc;

	g_free(to->store.backend);
	to->store.backend = g_strdup("postgresql");
	g_free(to->store.postgresql);
	to->store.postgresql = g_strdup(conninfo);
	if ((dst = mk_store_open(to, &err)) == NULL) {
		rc = cli_fail("store migrate", &err);
		goto out;
	}
	if (mk_store_migrate(path, objdir, dst, &c, &err) != 0) {
		fprintf(stderr, "mukaika store migrate: %s\n", err.msg);
		rc = err.code == MK_ERR_DATA ? MK_EXIT_DATA : err.code == MK_ERR_USAGE
		     ? MK_EXIT_USAGE : err.code == MK_ERR_CONFIG ? MK_EXIT_CONFIG
		     : MK_EXIT_TEMPFAIL;
		goto out;
	}
	for (int i = 0; i < MK_MIGRATE_TABLES; i++) {
		printf("%-13s %" G_GINT64_FORMAT "\n", mk_migrate_table_name(i), c.rows[i]);
		total += c.rows[i];
	}
	printf("%-13s %" G_GINT64_FORMAT "\n", "originals", c.originals);
	if (mk_audit_verify(dst, &bad, &why, &err) != 0) {
		rc = cli_fail("audit verify", &err);
	} else if (bad != 0) {
		printf("audit chain: NOT verified: %s\n", why != NULL ? why : "?");
		rc = MK_EXIT_FAIL;
	} else {
		printf("audit chain: verified (%" G_GINT64_FORMAT " rows moved)\n", total);
		rc = MK_EXIT_OK;
	}
out:
	g_free(why);
	mk_store_close(&dst);
	mk_config_unref(&to);
	return rc;
}

int
cmd_store(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "objects", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *from = NULL, *to = NULL, *objects = NULL;
	char *objdir = NULL;
	mk_config *cfg;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "migrate") != 0)
		return argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		       ? cli_help("store") : usage();
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "c:f:t:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'o': objects = optarg; break;
		case 'h': return cli_help("store");
		default: return usage();
		}
	}
	if (optind != argc || from == NULL || to == NULL ||
	    !g_str_has_prefix(from, "sqlite:") || !g_str_has_prefix(to, "postgresql:") ||
	    from[7] == '\0' || to[11] == '\0')
		return usage();
	if ((cfg = cli_load_config(config)) == NULL)
		return MK_EXIT_CONFIG;
	if (objects != NULL) {
		objdir = g_strdup(objects);
	} else {
		char *qdir = mk_config_state_path(cfg, cfg->quarantine.dir, "quarantine");

		objdir = g_build_filename(qdir, "objects", NULL);
		g_free(qdir);
	}
	rc = run(cfg, from + 7, objdir, to + 11);
	g_free(objdir);
	mk_config_unref(&cfg);
	return rc;
}
