/*
 * NAME
 *   audit_config - every configuration load on record in the audit chain
 *   (audit.h)
 *
 * DESCRIPTION
 *   A "config.load" event: who = the program (mukaika-web, mukaika-milter,
 *   mukaika-dropd, cli:UNIXUSER), item = the file, detail = sha256 of its
 *   bytes, the process id and the unix user that started it.  Daemons
 *   record every load (start and SIGHUP); the CLI records a load only when
 *   the hash differs from the newest config.load event, so that
 *   `mukaika health` run by a timer does not fill the audit with copies
 *   while a changed file is still on record at its first use.
 *
 * FAILURE
 *   The store's; the caller logs it (a daemon still starts: the event is
 *   best effort where the store may not exist yet).
 */
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"
#include "store_backend.h"

static char *
unix_user(void)
{
	const char *u = g_get_user_name();

	return g_strdup_printf("%s(uid %u)", u != NULL ? u : "?", (unsigned)getuid());
}

int
mk_audit_config_load(mk_store *s, const mk_config *cfg, const char *program,
                     bool if_changed, gint64 now, mk_error *err)
{
	const char *hash = *cfg->sha256 != '\0' ? cfg->sha256 : "built-in-defaults";
	char *user = unix_user(), *detail, *who;
	int rc = 0;

	detail = g_strdup_printf("sha256=%s pid=%ld started-by=%s", hash, (long)getpid(), user);
	who = strcmp(program, "cli") == 0 ? g_strdup_printf("cli:%s", g_get_user_name())
	      : g_strdup(program);
	if (if_changed) {
		mk_audit_filter f = { .what = "config.load", .limit = 1 };
		GPtrArray *rows = NULL;
		const mk_audit_row *last;
		bool same;

		if ((rc = mk_audit_list(s, &f, &rows, err)) != 0)
			goto out;
		last = rows->len > 0 ? g_ptr_array_index(rows, 0) : NULL;
		same = last != NULL && last->detail != NULL &&
		       g_str_has_prefix(last->detail, "sha256=") &&
		       strncmp(last->detail + 7, hash, strlen(hash)) == 0 &&
		       g_strcmp0(last->item, cfg->path != NULL ? cfg->path : "(defaults)") == 0;
		g_ptr_array_unref(rows);
		if (same)
			goto out;
	}
	rc = mk_audit_add(s, now, who, "local", "config.load",
	                  cfg->path != NULL ? cfg->path : "(defaults)", "ok", detail, err);
out:
	g_free(detail);
	g_free(who);
	g_free(user);
	return rc;
}

int
mk_audit_reanchor(mk_store *s, const char *who, gint64 now, gint64 *first, gint64 *last,
                  mk_error *err)
{
	*first = *last = 0;
	if (s->ops->audit_reanchor == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "no unkeyed events in this store backend: "
		             "nothing to re-anchor");
		return MK_ERR_USAGE;
	}
	return s->ops->audit_reanchor(s, who, now, first, last, err);
}

void
mk_audit_config_note(const mk_config *cfg, const char *program)
{
	mk_error err = { 0 };
	mk_store *s = mk_store_open(cfg, &err);

	if (s == NULL || mk_audit_config_load(s, cfg, program, false,
	                                      g_get_real_time() / G_USEC_PER_SEC, &err) != 0)
		mk_log(MK_LOG_WARNING, NULL, "config.load not audited: %s", err.msg);
	mk_store_close(&s);
}
