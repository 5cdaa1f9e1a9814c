/*
 * NAME
 *   release - deliver an approved original (mk_review_release, review.h)
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
 * FAILURE
 *   Delivery failure puts the request back to approved, audits "failed"
 *   and returns MK_ERR_TEMP; nothing half-written stays visible.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "names.h"
#include "review.h"

#define MAX_NAME_TRIES 100
#define OUT_NAME_MAX 200

static int
set_req_status(sqlite3 *db, gint64 id, const char *from, const char *to,
               int *changed, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "UPDATE requests SET status = ?3 WHERE id = ?1 "
	                       "AND status = ?2", -1, &st, NULL) != SQLITE_OK) {
		mk_error_set(err, MK_ERR_TEMP, "review: %s", sqlite3_errmsg(db));
		return MK_ERR_TEMP;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		mk_error_set(err, MK_ERR_TEMP, "review: %s", sqlite3_errmsg(db));
		rc = MK_ERR_TEMP;
	} else if (changed != NULL) {
		*changed = sqlite3_changes(db);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
send_mail(const mk_config *cfg, const mk_qrecord *item, const mk_request *r,
          const mk_actor *a, GBytes *orig, char **where, mk_error *err)
{
	char **rcpts = g_strsplit(item->recipients ? item->recipients : "", ",", -1);
	GString *m = g_string_new(NULL);
	gsize len = 0;
	const char *data = g_bytes_get_data(orig, &len);
	const char *helo = *cfg->release.helo ? cfg->release.helo
	                   : *cfg->general.hostname ? cfg->general.hostname : "localhost";
	GBytes *b;
	int rc;

	for (char **p = rcpts; *p; p++)
		g_strstrip(*p);
	g_string_append_printf(m, "X-Mukaika-Released-By: %s (approved by %s, request %"
	                       G_GINT64_FORMAT ", item %s)\r\n", a->who,
	                       r->approver ? r->approver : "?", r->id, item->id);
	g_string_append_len(m, data, (gssize)len);
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

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (gsize)n;
	}
	return fsync(fd);
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

static int
write_file(const mk_config *cfg, const mk_qrecord *item, GBytes *orig,
           char **where, mk_error *err)
{
	char *owner = mk_names_safe(item->recipients ? item->recipients : "", OUT_NAME_MAX);
	char *name = mk_names_safe(item->subject ? item->subject : item->id, OUT_NAME_MAX);
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
deliver(mk_qstore *q, const mk_config *cfg, const mk_actor *a, const mk_request *r,
        char **where, mk_error *err)
{
	mk_qrecord *item = NULL;
	GBytes *orig = NULL;
	int rc;

	if ((rc = mk_qstore_get(q, r->item, &item, err)) != 0)
		return rc;
	if ((orig = mk_qstore_object(q, item->sha256, err)) == NULL)
		rc = MK_ERR_TEMP;
	else if (strcmp(item->channel, "mail") == 0)
		rc = send_mail(cfg, item, r, a, orig, where, err);
	else
		rc = write_file(cfg, item, orig, where, err);
	if (rc == 0)
		rc = mk_qstore_set_status(q, item->id, "released", err);
	if (orig != NULL)
		g_bytes_unref(orig);
	mk_qrecord_free(&item);
	return rc;
}

int
mk_review_release(mk_qstore *q, const mk_config *cfg, const mk_actor *a,
                  gint64 req_id, gint64 now, char **where, mk_error *err)
{
	sqlite3 *db = mk_qstore_db(q);
	mk_request *r = NULL;
	mk_error e2 = { 0 };
	int changed = 0, rc;

	*where = NULL;
	if ((rc = mk_review_get(q, req_id, &r, err)) != 0)
		return rc;
	if (!mk_urole_can(a->role, MK_PERM_REQUEST) ||
	    (rc = set_req_status(db, req_id, "approved", "released", &changed, err)) != 0 ||
	    changed != 1) {
		const char *why = !mk_urole_can(a->role, MK_PERM_REQUEST)
		                  ? "role may not release" : "request is not approved";

		if (rc == 0) {
			(void)mk_audit_add(db, now, a->who, a->ip, "release.deliver", r->item,
			                   "refused", why, &e2);
			mk_error_set(err, MK_ERR_USAGE, "%s", why);
			rc = MK_ERR_USAGE;
		}
		goto out;
	}
	rc = deliver(q, cfg, a, r, where, err);
	if (rc != 0)
		(void)set_req_status(db, req_id, "released", "approved", NULL, &e2);
	(void)mk_audit_add(db, now, a->who, a->ip, "release.deliver", r->item,
	                   rc == 0 ? "ok" : "failed", rc == 0 ? *where : err->msg, &e2);
out:
	mk_request_free(&r);
	return rc;
}
