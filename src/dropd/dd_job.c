/*
 * NAME
 *   dd_job - dropped files: claim a batch into work/, recover at start
 *
 * SUMMARY
 *   jobs = dd_job_claim(h, in_dir, cands);    (main thread)
 *   dd_job_run(j); dd_job_commit(staged);     (dd_run.c)
 *   jobs = dd_job_recover(h, err);            (start: what work/ holds)
 *   dd_claims_release(paths);                 (main thread, claims done)
 *
 * DESCRIPTION
 *   Claim: one claim file work/c-BID (GKeyFile, group N per job: owner
 *   folder and relative path, base64 -- names are data and need not be
 *   UTF-8) is created, written and fsynced, work/ fsynced, and only then
 *   is each entry rename()d from in/ to work/j-BID.N -- the entry itself,
 *   so a symlink or FIFO is moved, never followed.  Two fsyncs per batch,
 *   none per file: a rename that a crash loses leaves the file in in/ (it
 *   is claimed again, and processing is idempotent); a rename that
 *   survives always finds its record.  A claim file without jobs is
 *   removed.  The main thread counts each claim's unfinished jobs; when
 *   none is left the file is removed by dd_claims_release(), after an
 *   fsync of work/ that makes the removal of the work copies durable
 *   first (a work copy never outlives its record).
 *
 *   Recovery: every work/j-BID.N is a job, its metadata read from
 *   work/c-BID; one without a readable record is moved to work/rejected/
 *   (never deleted); claim files with no job left are removed (after an
 *   fsync of work/).  A work/j-ID/ directory holding "job" and "data" (the
 *   layout before claim files) is converted into a claim of one.
 *
 * NEVER
 *   Never removes anything from in/ other than by the claim rename; never
 *   deletes a work copy (dd_run.c does, after its output is durable).
 *
 * FAILURE
 *   A claim file that cannot be written leaves the batch in in/ (logged,
 *   tried again at the next turn); a failed rename skips that file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"
#include "log.h"
#include "util.h"

/* Tries for a claim id not taken yet. */
#define CLAIM_TRIES 4

void
dd_claim_unref(dd_claim **cp)
{
	dd_claim *c;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	*cp = NULL;
	if (!g_atomic_int_dec_and_test(&c->ref))
		return;
	g_free(c->path);
	g_free(c);
}

static dd_claim *
claim_new(const char *path, guint left)
{
	dd_claim *c = g_new0(dd_claim, 1);

	c->ref = 1;
	c->path = g_strdup(path);
	c->left = left;
	return c;
}

void
dd_claims_release(GPtrArray *paths)
{
	char *dir = NULL;
	bool ok = true;

	for (guint i = 0; i < paths->len; i++) {
		char *d = g_path_get_dirname(paths->pdata[i]);

		if (dir == NULL || strcmp(d, dir) != 0) {   /* claims share work/ */
			g_free(dir);
			dir = d;
			ok = mk_fsync_dir(dir, NULL) == 0;
			if (!ok)   /* kept: recovery cleans up */
				mk_log(MK_LOG_WARNING, NULL, "fsync %s: %s", dir, g_strerror(errno));
		} else {
			g_free(d);
		}
		if (ok && unlink(paths->pdata[i]) != 0 && errno != ENOENT)
			mk_log(MK_LOG_WARNING, NULL, "remove %s: %s",
			       (char *)paths->pdata[i], g_strerror(errno));
	}
	g_free(dir);
	g_ptr_array_set_size(paths, 0);
}

void
dd_job_free(dd_job **jp)
{
	dd_job *j;

	if (jp == NULL || *jp == NULL)
		return;
	j = *jp;
	*jp = NULL;
	dd_engine_put(&j->eng);
	dd_claim_unref(&j->claim);
	dd_out_free(&j->staged);
	g_free(j->jid);
	g_free(j->data);
	g_free(j->user);
	g_free(j->rel);
	g_free(j->qid);
	g_free(j->verdict);
	g_free(j->reason);
	g_free(j);
}

static dd_job *
job_new(dd_engine *h, const char *work, const char *jid, dd_claim *c)
{
	dd_job *j = g_new0(dd_job, 1);

	j->jid = g_strdup(jid);
	j->data = g_build_filename(work, jid, NULL);
	j->eng = dd_engine_ref(h);
	if (c != NULL) {
		g_atomic_int_inc(&c->ref);
		j->claim = c;
	}
	return j;
}

static void
set_b64(GKeyFile *kf, const char *group, const char *key, const char *raw)
{
	char *v = g_base64_encode((const guchar *)raw, strlen(raw));

	g_key_file_set_string(kf, group, key, v);
	g_free(v);
}

static char *
b64_field(GKeyFile *kf, const char *group, const char *key)
{
	char *v = g_key_file_get_string(kf, group, key, NULL);
	gsize n = 0;
	guchar *d;
	char *s;

	if (v == NULL)
		return NULL;
	d = g_base64_decode(v, &n);
	s = g_strndup((const char *)d, n);
	g_free(d);
	g_free(v);
	return s;
}

/* Create work/c-BID holding KF, fsynced, and fsync work/.  *bid: caller
 * frees.  Returns the claim (left = 0) or NULL. */
static dd_claim *
write_claim(const char *work, GKeyFile *kf, char **bid, mk_error *err)
{
	gsize len = 0;
	char *text = g_key_file_to_data(kf, &len, NULL), *path = NULL;
	dd_claim *c = NULL;
	int fd = -1;

	for (int t = 0; t < CLAIM_TRIES && fd < 0; t++) {
		g_free(*bid);
		g_free(path);
		*bid = mk_new_id();
		path = g_strdup_printf("%s/%s%s", work, DD_CLAIM_PREFIX, *bid);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0 ||
	    mk_fsync_dir(work, NULL) != 0) {
		mk_error_set(err, MK_ERR_TEMP, "claim file %s: %s", path, g_strerror(errno));
		if (fd >= 0)
			unlink(path);
		goto out;
	}
	c = claim_new(path, 0);
out:
	if (fd >= 0)
		close(fd);
	g_free(text);
	g_free(path);
	return c;
}

/* Owner folder and path below it of an absolute PATH below IN_DIR. */
static void
split_rel(const char *in_dir, const char *path, char **user, char **rel)
{
	const char *r = path + strlen(in_dir), *slash;

	while (*r == '/')
		r++;
	slash = strchr(r, '/');
	*user = slash ? g_strndup(r, (gsize)(slash - r)) : g_strdup("");
	*rel = g_strdup(slash ? slash + 1 : r);
}

/* Claim N entries SRC[i] (user U[i], path R[i]) into one claim. */
static GPtrArray *
claim_batch(dd_engine *h, guint n, char **src, char **u, char **r)
{
	const char *work = h->cfg->dropd.work_dir;
	GPtrArray *jobs = g_ptr_array_new();
	GKeyFile *kf = g_key_file_new();
	mk_error err = { 0 };
	char *bid = NULL;
	dd_claim *c;

	for (guint i = 0; i < n; i++) {
		char g[16];

		g_snprintf(g, sizeof g, "%u", i);
		set_b64(kf, g, "user", u[i]);
		set_b64(kf, g, "path", r[i]);
	}
	c = write_claim(work, kf, &bid, &err);
	if (c == NULL) {
		mk_log(MK_LOG_ERROR, NULL, "%s", err.msg);
		goto out;
	}
	for (guint i = 0; i < n; i++) {
		char *jid = g_strdup_printf("%s%s.%u", DD_JOB_PREFIX, bid, i);
		dd_job *j = job_new(h, work, jid, c);

		if (rename(src[i], j->data) != 0) {
			if (errno != ENOENT)
				mk_log(MK_LOG_ERROR, NULL, "claim %s: %s", src[i], g_strerror(errno));
			dd_job_free(&j);
		} else {
			j->user = g_strdup(u[i]);
			j->rel = g_strdup(r[i]);
			c->left++;
			g_ptr_array_add(jobs, j);
		}
		g_free(jid);
	}
	if (c->left == 0)
		unlink(c->path);   /* nothing refers to it */
out:
	dd_claim_unref(&c);
	g_key_file_free(kf);
	g_free(bid);
	return jobs;
}

GPtrArray *
dd_job_claim(dd_engine *h, const char *in_dir, GPtrArray *cands)
{
	guint n = cands->len;
	char **src = g_new0(char *, n + 1), **u = g_new0(char *, n + 1);
	char **r = g_new0(char *, n + 1);
	GPtrArray *jobs;

	for (guint i = 0; i < n; i++) {
		const dd_cand *c = cands->pdata[i];

		src[i] = g_strdup(c->path);
		split_rel(in_dir, c->path, &u[i], &r[i]);
	}
	jobs = claim_batch(h, n, src, u, r);
	g_strfreev(src);
	g_strfreev(u);
	g_strfreev(r);
	return jobs;
}

/* work/rejected/, created when missing. */
static char *
rejected_dir(const char *work, mk_error *err)
{
	char *rej = g_build_filename(work, DD_REJECTED, NULL);

	if (mk_mkdir_p(rej, 0700, err) != 0)
		g_clear_pointer(&rej, g_free);
	return rej;
}

int
dd_job_set_aside(dd_job *j, mk_error *err)
{
	const char *work = j->eng->cfg->dropd.work_dir;
	char *rej = rejected_dir(work, err), *to = NULL, *meta = NULL, *text = NULL;
	GKeyFile *kf = g_key_file_new();
	gsize len = 0;
	int rc = MK_ERR_TEMP;

	if (rej == NULL)
		goto out;
	to = g_build_filename(rej, j->jid, NULL);
	if (j->user != NULL && j->rel != NULL) {   /* for the administrator */
		meta = g_strconcat(to, DD_JOB_SUFFIX, NULL);
		set_b64(kf, "job", "user", j->user);
		set_b64(kf, "job", "path", j->rel);
		text = g_key_file_to_data(kf, &len, NULL);
		if (!g_file_set_contents(meta, text, (gssize)len, NULL))
			mk_log(MK_LOG_WARNING, j->jid, "cannot write %s", meta);
	}
	if (rename(j->data, to) != 0) {
		mk_error_set(err, MK_ERR_TEMP, "move %s: %s", j->data, g_strerror(errno));
		goto out;
	}
	rc = 0;   /* a lost rename just sets it aside again */
out:
	g_key_file_free(kf);
	g_free(text);
	g_free(meta);
	g_free(to);
	g_free(rej);
	return rc;
}

/* A claim file read at recovery. */
typedef struct rclaim {
	dd_claim *c;
	GKeyFile *kf;         /* NULL: unreadable */
} rclaim;

static void
rclaim_free(gpointer p)
{
	rclaim *rc = p;

	dd_claim_unref(&rc->c);
	if (rc->kf != NULL)
		g_key_file_free(rc->kf);
	g_free(rc);
}

static rclaim *
rclaim_get(GHashTable *claims, const char *work, const char *bid)
{
	rclaim *rc = g_hash_table_lookup(claims, bid);
	char *path;

	if (rc != NULL)
		return rc;
	path = g_strdup_printf("%s/%s%s", work, DD_CLAIM_PREFIX, bid);
	rc = g_new0(rclaim, 1);
	rc->c = claim_new(path, 0);
	rc->kf = g_key_file_new();
	if (!g_key_file_load_from_file(rc->kf, path, G_KEY_FILE_NONE, NULL))
		g_clear_pointer(&rc->kf, g_key_file_free);
	g_hash_table_insert(claims, g_strdup(bid), rc);
	g_free(path);
	return rc;
}

/* work/j-BID.N: a job, or NULL when its record is missing (moved aside). */
static dd_job *
recover_one(dd_engine *h, GHashTable *claims, const char *work, const char *name)
{
	const char *dot = strrchr(name, '.');
	char *bid = g_strndup(name + strlen(DD_JOB_PREFIX),
	                      (gsize)(dot - name) - strlen(DD_JOB_PREFIX));
	rclaim *rc = rclaim_get(claims, work, bid);
	dd_job *j = job_new(h, work, name, rc->c);
	mk_error err = { 0 };

	if (rc->kf != NULL) {
		j->user = b64_field(rc->kf, dot + 1, "user");
		j->rel = b64_field(rc->kf, dot + 1, "path");
	}
	if (j->user == NULL || j->rel == NULL || *j->rel == '\0') {
		g_clear_pointer(&j->user, g_free);
		g_clear_pointer(&j->rel, g_free);
		mk_log(MK_LOG_ERROR, NULL, "%s: no claim record, moved to %s/", j->data,
		       DD_REJECTED);
		if (dd_job_set_aside(j, &err) != 0)
			mk_log(MK_LOG_ERROR, NULL, "%s", err.msg);
		dd_job_free(&j);
	} else {
		rc->c->left++;
	}
	g_free(bid);
	return j;
}

/* work/j-ID/ of the layout before claim files: converted into a claim of
 * one (NULL when there was nothing left to do or it was moved aside). */
static dd_job *
recover_legacy(dd_engine *h, const char *work, const char *name)
{
	char *dir = g_build_filename(work, name, NULL);
	char *jf = g_build_filename(dir, DD_JOB_FILE, NULL);
	char *data = g_build_filename(dir, DD_DATA_FILE, NULL);
	GKeyFile *kf = g_key_file_new();
	char *u = NULL, *r = NULL;
	GPtrArray *jobs = NULL;
	dd_job *j = NULL;
	struct stat st;

	if (lstat(data, &st) == 0 && g_key_file_load_from_file(kf, jf, G_KEY_FILE_NONE, NULL)) {
		u = b64_field(kf, "job", "user");
		r = b64_field(kf, "job", "path");
	}
	if (lstat(data, &st) == 0 && (u == NULL || r == NULL || *r == '\0')) {
		char *rej = rejected_dir(work, NULL);
		char *to = g_build_filename(work, DD_REJECTED, name, NULL);

		mk_log(MK_LOG_ERROR, NULL, "%s: unreadable job file, moved to %s/",
		       dir, DD_REJECTED);
		if (rej == NULL || rename(dir, to) != 0)
			mk_log(MK_LOG_ERROR, NULL, "move %s: %s", dir, g_strerror(errno));
		g_free(rej);
		g_free(to);
		goto out;
	}
	if (u != NULL) {
		jobs = claim_batch(h, 1, &data, &u, &r);
		if (jobs->len == 0)
			goto out;   /* logged; tried again at the next start */
		j = jobs->pdata[0];
	}
	unlink(jf);   /* claim never completed, or converted */
	if (rmdir(dir) != 0)
		mk_log(MK_LOG_WARNING, NULL, "cannot remove %s: %s", dir, g_strerror(errno));
out:
	if (jobs != NULL)
		g_ptr_array_unref(jobs);
	g_key_file_free(kf);
	g_free(u);
	g_free(r);
	g_free(dir);
	g_free(jf);
	g_free(data);
	return j;
}

/* Claims with no job: removed (work/ fsynced first). */
static void
drop_empty_claims(const char *work, GHashTable *claims, GPtrArray *names)
{
	GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < names->len; i++) {
		const char *n = names->pdata[i];
		rclaim *rc;

		if (!g_str_has_prefix(n, DD_CLAIM_PREFIX))
			continue;
		rc = g_hash_table_lookup(claims, n + strlen(DD_CLAIM_PREFIX));
		if (rc == NULL || rc->c->left == 0)
			g_ptr_array_add(gone, g_build_filename(work, n, NULL));
	}
	dd_claims_release(gone);
	g_ptr_array_unref(gone);
}

GPtrArray *
dd_job_recover(dd_engine *h, mk_error *err)
{
	const char *work = h->cfg->dropd.work_dir;
	GPtrArray *jobs = g_ptr_array_new();
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GHashTable *claims = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, rclaim_free);
	DIR *d = opendir(work);
	struct dirent *de;

	if (d == NULL) {
		mk_error_set(err, MK_ERR_OS, "cannot read %s: %s", work, g_strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL)
		if (g_str_has_prefix(de->d_name, DD_JOB_PREFIX) ||
		    g_str_has_prefix(de->d_name, DD_CLAIM_PREFIX))
			g_ptr_array_add(names, g_strdup(de->d_name));
	closedir(d);
	for (guint i = 0; i < names->len; i++) {
		const char *n = names->pdata[i];
		const char *dot = strrchr(n, '.');
		dd_job *j = NULL;

		if (!g_str_has_prefix(n, DD_JOB_PREFIX))
			continue;
		if (dot == NULL || dot[1] == '\0' || strspn(dot + 1, "0123456789") != strlen(dot + 1))
			j = recover_legacy(h, work, n);
		else
			j = recover_one(h, claims, work, n);
		if (j != NULL)
			g_ptr_array_add(jobs, j);
	}
	drop_empty_claims(work, claims, names);
out:
	g_hash_table_destroy(claims);
	g_ptr_array_unref(names);
	return jobs;
}
