/*
 * NAME
 *   release - deliver an approved original (mk_review_release, release.h)
 *
 * DESCRIPTION
 *   The request is claimed first (approved -> released in one UPDATE), so
 *   two concurrent releases cannot both deliver.  Mail: the stored original
 *   with "X-Mukaika-Released-By: WHO (approved by X, request N)" prepended
 *   goes to the item's envelope recipients, envelope sender kept, through
 *   release.smtp_relay.  File: the original is written to
 *   dropd.out_dir/OWNER/NAME: OWNER and NAME pass mk_names_safe() and are
 *   opened with openat(O_NOFOLLOW) below out_dir; the bytes go to a hidden
 *   temp file that is fsynced and renameat2(RENAME_NOREPLACE)d to NAME, or
 *   "NAME (2)", "NAME (3)"... when taken.
 *
 *   PPAP unlock (mk_review_unlock): no request or approval, because the
 *   original never leaves: the engine runs again on the stored original
 *   with the candidate passwords (no_store) and only its sanitized output
 *   is delivered, the same way (mail with "X-Mukaika-Unlocked-By: WHO",
 *   file into out/OWNER/), and only when the archive opened, nothing is
 *   held and no virus was found; the item becomes "unlocked".  Wrong
 *   passwords are counted from the audit (item.unlock wrong_password) and
 *   limited to web.max_unlock_attempts per web.unlock_window_minutes.
 *   Passwords are borrowed: never copied, logged or audited.
 *
 * FAILURE
 *   Delivery failure puts the request back to approved, audits "failed"
 *   and returns MK_ERR_TEMP; nothing half-written stays visible.  An
 *   unlock that cannot deliver leaves the item held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "release.h"
#include "report.h"
#include "util.h"

#define MAX_NAME_TRIES 100
#define OUT_NAME_MAX 200

/* DATA with HEADER (one line, CRLF-terminated) prepended, to the item's
 * envelope recipients from its envelope sender through the relay. */
static int
send_mail(const mk_config *cfg, const mk_qrecord *item, const char *header,
          GBytes *data, char **where, mk_error *err)
{
	char **rcpts = g_strsplit(item->recipients ? item->recipients : "", ",", -1);
	GString *m = g_string_new(header);
	gsize len = 0;
	const char *p = g_bytes_get_data(data, &len);
	const char *helo = *cfg->release.helo ? cfg->release.helo
	                   : *cfg->general.hostname ? cfg->general.hostname : "localhost";
	GBytes *b;
	int rc;

	for (char **r = rcpts; *r; r++)
		g_strstrip(*r);
	g_string_append_len(m, p, (gssize)len);
	b = g_string_free_to_bytes(m);
	rc = mk_smtp_send(cfg->release.smtp_relay, helo, item->sender ? item->sender : "",
	                  rcpts, b, cfg->release.timeout_s, err);
	if (rc == 0)
		*where = g_strdup_printf("smtp %s to %u recipient(s)", cfg->release.smtp_relay,
		                         g_strv_length(rcpts));
	g_bytes_unref(b);
	g_strfreev(rcpts);
	return rc;
}

static int
write_fd(int fd, GBytes *b)
{
	gsize len = 0;
	const guint8 *p = g_bytes_get_data(b, &len);

	return mk_write_all(fd, p, len) < 0 ? -1 : fsync(fd);
}

/* "a.pdf" try 2 -> "a (2).pdf" */
static char *
numbered(const char *name, int i)
{
	const char *dot = strrchr(name, '.');

	if (i == 1)
		return g_strdup(name);
	if (dot == NULL || dot == name)
		return g_strdup_printf("%s (%d)", name, i);
	return g_strdup_printf("%.*s (%d)%s", (int)(dot - name), name, i, dot);
}

static int
place_file(int dfd, const char *name, GBytes *orig, char **placed, mk_error *err)
{
	char tmp[64];
	int fd, rc = MK_ERR_TEMP;

	g_snprintf(tmp, sizeof tmp, ".mk-release-%08x", g_random_int());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0 || write_fd(fd, orig) < 0) {
		mk_error_set(err, MK_ERR_TEMP, "release: write: %s", g_strerror(errno));
		goto out;
	}
	for (int i = 1; i <= MAX_NAME_TRIES; i++) {
		char *n = numbered(name, i);

		if (renameat2(dfd, tmp, dfd, n, RENAME_NOREPLACE) == 0) {
			*placed = n;
			rc = fsync(dfd) == 0 ? 0 : MK_ERR_TEMP;
			goto out;
		}
		g_free(n);
		if (errno != EEXIST)
			break;
	}
	mk_error_set(err, MK_ERR_TEMP, "release: rename: %s", g_strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlinkat(dfd, tmp, 0);
	return rc;
}

/* ORIG as NAME (data only, made safe) into out_dir/OWNER/. */
static int
write_file(const mk_config *cfg, const mk_qrecord *item, const char *fname,
           GBytes *orig, char **where, mk_error *err)
{
	char *owner = mk_names_safe(item->recipients ? item->recipients : "", OUT_NAME_MAX);
	char *name = mk_names_safe(fname, OUT_NAME_MAX);
	char *placed = NULL;
	int root = -1, dfd = -1, rc = MK_ERR_TEMP;

	if (item->recipients == NULL || strcmp(owner, item->recipients) != 0) {
		mk_error_set(err, MK_ERR_USAGE, "release: file owner \"%s\" is not a "
		             "plain folder name", owner);
		rc = MK_ERR_USAGE;
		goto out;
	}
	root = open(cfg->dropd.out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root >= 0 && mkdirat(root, owner, 0750) < 0 && errno != EEXIST)
		goto fail;
	if (root < 0 || (dfd = openat(root, owner, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	                              O_CLOEXEC)) < 0)
		goto fail;
	if ((rc = place_file(dfd, name, orig, &placed, err)) == 0)
		*where = g_build_filename(cfg->dropd.out_dir, owner, placed, NULL);
	goto out;
fail:
	mk_error_set(err, MK_ERR_TEMP, "release: %s/%s: %s", cfg->dropd.out_dir, owner,
	             g_strerror(errno));
out:
	if (dfd >= 0)
		close(dfd);
	if (root >= 0)
		close(root);
	g_free(placed);
	g_free(owner);
	g_free(name);
	return rc;
}

static int
deliver(mk_store *q, const mk_config *cfg, const mk_actor *a, const mk_request *r,
        char **where, mk_error *err)
{
	mk_qrecord *item = NULL;
	GBytes *orig = NULL;
	int rc;

	if ((rc = mk_qstore_get(q, r->item, &item, err)) != 0)
		return rc;
	if (mk_codes_have(item->findings, "virus")) {
		mk_error_set(err, MK_ERR_USAGE, "%s", MK_VIRUS_NO_RELEASE);
		rc = MK_ERR_USAGE;
	} else if ((orig = mk_qstore_object(q, item->sha256, err)) == NULL)
		rc = MK_ERR_TEMP;
	else if (strcmp(item->channel, "mail") == 0) {
		char *h = g_strdup_printf("X-Mukaika-Released-By: %s (approved by %s, request %"
		                          G_GINT64_FORMAT ", item %s)\r\n", a->who,
		                          r->approver ? r->approver : "?", r->id, item->id);
		rc = send_mail(cfg, item, h, orig, where, err);
		g_free(h);
	} else
		rc = write_file(cfg, item, item->subject ? item->subject : item->id, orig,
		                where, err);
	if (rc == 0)
		rc = mk_qstore_set_status(q, item->id, "released", err);
	if (orig != NULL)
		g_bytes_unref(orig);
	mk_qrecord_free(&item);
	return rc;
}

int
mk_review_release(mk_store *q, const mk_config *cfg, const mk_actor *a,
                  gint64 req_id, gint64 now, char **where, mk_error *err)
{
	mk_request *r = NULL;
	mk_error e2 = { 0 };
	int changed = 0, rc;

	*where = NULL;
	if ((rc = mk_review_get(q, req_id, &r, err)) != 0)
		return rc;
	if (g_strcmp0(r->kind, "delete") == 0) {
		mk_error_set(err, MK_ERR_USAGE, "request %" G_GINT64_FORMAT " is a deletion, "
		             "not a release", req_id);
		rc = MK_ERR_USAGE;
		goto out;
	}
	if (!mk_urole_can(a->role, MK_PERM_REQUEST) ||
	    (rc = mk_review_set_status(q, req_id, "approved", "released", &changed, err)) != 0 ||
	    changed != 1) {
		const char *why = !mk_urole_can(a->role, MK_PERM_REQUEST)
		                  ? "role may not release" : "request is not approved";

		if (rc == 0) {
			(void)mk_audit_add(q, now, a->who, a->ip, "release.deliver", r->item,
			                   "refused", why, &e2);
			mk_error_set(err, MK_ERR_USAGE, "%s", why);
			rc = MK_ERR_USAGE;
		}
		goto out;
	}
	rc = deliver(q, cfg, a, r, where, err);
	if (rc != 0)
		(void)mk_review_set_status(q, req_id, "released", "approved", NULL, &e2);
	(void)mk_audit_add(q, now, a->who, a->ip, "release.deliver", r->item,
	                   rc == 0 ? "ok" : "failed", rc == 0 ? *where : err->msg, &e2);
out:
	mk_request_free(&r);
	return rc;
}

/* --- PPAP unlock ---------------------------------------------------------- */

static bool
tree_has(mk_node *n, void *user)
{
	mk_finding_code *c = user;

	if (!mk_node_has_finding(n, *c))
		return true;
	*c = MK_F_COUNT;              /* found: stop */
	return false;
}

static bool
tree_has_finding(mk_node *root, mk_finding_code code)
{
	mk_finding_code c = code;

	mk_node_walk(root, tree_has, &c);
	return c == MK_F_COUNT;
}

static bool
unsupported_walk(mk_node *n, void *user)
{
	bool *found = user;

	for (guint i = 0; i < n->findings->len && !*found; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);
		*found = f->code == MK_F_ENCRYPTED && f->detail != NULL &&
		         strstr(f->detail, "not supported") != NULL;
	}
	return !*found;
}

/* libarchive cannot decrypt it at all (7z, rar: it decrypts zip only):
 * no password can help, so it is not counted as a wrong one. */
static bool
encryption_unsupported(mk_node *root)
{
	bool found = false;

	mk_node_walk(root, unsupported_walk, &found);
	return found;
}

/* Why the item may not be unlocked now (static text), or NULL. */
static const char *
unlock_refusal(mk_store *q, const mk_config *cfg, const mk_actor *a,
               const mk_qrecord *rec, const GPtrArray *passwords, gint64 now,
               const char **result, mk_error *err)
{
	gint64 wrong = 0;

	*result = "refused";
	if (!mk_urole_can(a->role, MK_PERM_REQUEST))
		return "role may not unlock";
	if (strcmp(rec->status, "held") != 0)
		return "item is not held";
	if (!mk_codes_have(rec->findings, "encrypted"))
		return "item has no encrypted content";
	if (passwords == NULL || passwords->len == 0)
		return "no password given";
	if (mk_audit_count(q, "item.unlock", rec->id, "wrong_password",
	                    now - cfg->web.unlock_window_minutes * 60,
	                &wrong, err) != 0)
		return "audit unreadable";
	if (wrong >= cfg->web.max_unlock_attempts) {
		*result = "rate_limited";
		return "rate limited: too many wrong passwords, try again later";
	}
	return NULL;
}

/* Deliver the sanitized result of an unlock run. */
static int
deliver_unlocked(const mk_config *cfg, const mk_actor *a, const mk_qrecord *rec,
                 const mk_result *res, char **where, mk_error *err)
{
	char *h;
	int rc;

	if (strcmp(rec->channel, "mail") != 0)
		return write_file(cfg, rec, res->output_name ? res->output_name
		                  : rec->subject ? rec->subject : rec->id, res->output, where, err);
	h = g_strdup_printf("X-Mukaika-Unlocked-By: %s (item %s)\r\n", a->who, rec->id);
	rc = send_mail(cfg, rec, h, res->output, where, err);
	g_free(h);
	return rc;
}

/* OLD's comma-separated codes, then those of NEW not in it. */
static char *
merge_codes(const char *old, const char *new)
{
	GString *g = g_string_new(old != NULL ? old : "");
	char **v = g_strsplit(new != NULL ? new : "", ",", -1);

	for (char **p = v; *p; p++) {
		g_strstrip(*p);
		if (**p == '\0' || mk_codes_have(g->str, *p))
			continue;
		if (g->len > 0)
			g_string_append_c(g, ',');
		g_string_append(g, *p);
	}
	g_strfreev(v);
	return g_string_free(g, FALSE);
}

/* What the opened archive showed goes on the item before anything is
 * delivered: its findings (added), the higher verdict and its report. */
static int
record_unlock(mk_store *q, const mk_qrecord *rec, const mk_result *res, mk_error *err)
{
	char *found = mk_report_findings(res->root);
	char *all = merge_codes(rec->findings, found);
	int rc;

	rc = mk_qstore_set_result(q, rec->id, MAX(rec->verdict, res->verdict), all,
	                          res->report_json, err);
	g_free(all);
	g_free(found);
	return rc;
}

/* Run the engine with the passwords and act on the result. */
static int
unlock_run(mk_store *q, mk_engine *e, const mk_actor *a, const mk_qrecord *rec,
           GPtrArray *passwords, const char **result, char **detail, char **where,
           mk_error *err)
{
	mk_input in = { .mode = strcmp(rec->channel, "mail") == 0 ? MK_MODE_MAIL : MK_MODE_FILE,
	                .id = rec->id, .sender = rec->sender, .recipients = rec->recipients,
	                .name = rec->subject, .no_store = true, .passwords = passwords };
	mk_result *res = NULL;
	int rc = MK_ERR_TEMP;

	*result = "failed";
	if ((in.data = mk_qstore_object(q, rec->sha256, err)) == NULL)
		return MK_ERR_TEMP;
	if (mk_engine_process(e, &in, &res, err) != 0)
		goto out;
	if (res->verdict == MK_V_TEMPFAIL) {
		mk_error_set(err, MK_ERR_TEMP, "unlock: %s", res->reason);
	} else if (encryption_unsupported(res->root)) {
		*result = "unsupported";
		mk_error_set(err, MK_ERR_USAGE, "this archive's encryption cannot be opened "
		             "(libarchive decrypts zip only, not 7z or rar): it stays held");
		rc = MK_ERR_USAGE;
	} else if (tree_has_finding(res->root, MK_F_ENCRYPTED)) {
		*result = "wrong_password";
		mk_error_set(err, MK_ERR_USAGE, "wrong password (still encrypted)");
		rc = MK_ERR_USAGE;
	} else if ((rc = record_unlock(q, rec, res, err)) != 0) {
		;                               /* not recorded: nothing leaves */
	} else if (tree_has_finding(res->root, MK_F_VIRUS)) {
		*result = "still_held";
		mk_error_set(err, MK_ERR_USAGE, "still held: a virus was found inside (%s); "
		             "the original can never be released", res->reason);
		rc = MK_ERR_USAGE;
	} else if (res->verdict > MK_V_STRIPPED || res->output == NULL) {
		*result = "still_held";
		mk_error_set(err, MK_ERR_USAGE, "still held: %s (%s)",
		             mk_verdict_name(res->verdict), res->reason);
		rc = MK_ERR_USAGE;
	} else if ((rc = deliver_unlocked(mk_engine_config(e), a, rec, res, where, err)) == 0 &&
	           (rc = mk_qstore_set_status(q, rec->id, "unlocked", err)) == 0) {
		*result = "ok";
		*detail = g_strdup_printf("%s, sanitized (%s: %s)", *where,
		                          mk_verdict_name(res->verdict), res->actions);
	}
out:
	mk_result_free(&res);
	g_bytes_unref(in.data);
	return rc;
}

int
mk_review_unlock(mk_store *q, mk_engine *e, const mk_actor *a, const char *item,
                 GPtrArray *passwords, gint64 now, char **where, mk_error *err)
{
	const mk_config *cfg = mk_engine_config(e);
	mk_qrecord *rec = NULL;
	const char *result = "refused", *why;
	char *detail = NULL;
	mk_error e2 = { 0 };
	int rc;

	*where = NULL;
	if (!mk_qstore_valid_id(item)) {
		mk_error_set(err, MK_ERR_USAGE, "malformed id");
		return MK_ERR_USAGE;
	}
	if ((rc = mk_qstore_get(q, item, &rec, err)) != 0)
		return rc;
	if ((why = unlock_refusal(q, cfg, a, rec, passwords, now, &result, err)) != NULL) {
		mk_error_set(err, MK_ERR_USAGE, "%s", why);
		rc = MK_ERR_USAGE;
	} else {
		rc = unlock_run(q, e, a, rec, passwords, &result, &detail, where, err);
	}
	(void)mk_audit_add(q, now, a->who, a->ip, "item.unlock", item, result,
	                   detail != NULL ? detail : err->msg, &e2);
	if (rc != 0)
		g_clear_pointer(where, g_free);
	g_free(detail);
	mk_qrecord_free(&rec);
	return rc;
}
