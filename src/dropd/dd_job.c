/*
 * NAME
 *   dd_job - one dropped file: claim into work/, process, finish, recover
 *
 * SUMMARY
 *   j = dd_job_claim(h, in_dir, cand, err);   (main thread)
 *   dd_job_run(j);                            (pool thread, dd_run.c)
 *   jobs = dd_job_recover(h, err);            (start: what work/ holds)
 *
 * DESCRIPTION
 *   Claim: mkdir work/j-ID, write work/j-ID/job, fsynced (owner folder and
 *   relative path, base64: names are data and need not be UTF-8), then
 *   rename() the entry from in/ to work/j-ID/data -- the entry itself, so a
 *   symlink or FIFO is moved, never followed.  A crash before the rename
 *   leaves a job file without data (removed at recovery, the file is still
 *   in in/); after it, a complete job that recovery runs again.
 *
 *   Run: the data is opened with O_NOFOLLOW|O_NONBLOCK and fstat()ed; a
 *   non-regular entry, or one over limits.max_file_size, is "set aside": a
 *   blocked notice goes to out/, then the job directory moves to
 *   work/rejected/ for the administrator.  Otherwise the engine runs in file
 *   mode with a deterministic id ("f-" + 32 hex of sha256(owner, path,
 *   sha256(content))), so a re-run after a crash or a retry gives the same
 *   id, notice and output; when that id is already in the quarantine the
 *   engine runs with no_store and the stored report is used.  The output or
 *   the blocked notice plus the report are written by dd_out; only then is
 *   the work copy removed.  One log line per file.
 *
 * NEVER
 *   Never deletes a work copy before its output or notice is durable and
 *   (for blocked verdicts) the original is in the quarantine.
 *
 * FAILURE
 *   TEMPFAIL from the engine (scanner, store), a store lookup failure or
 *   an output failure (disk full) set DD_RETRY: the job stays in work/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"
#include "log.h"
#include "util.h"

void
dd_job_free(dd_job **jp)
{
	dd_job *j;

	if (jp == NULL || *jp == NULL)
		return;
	j = *jp;
	*jp = NULL;
	dd_engine_put(&j->eng);
	g_free(j->jid);
	g_free(j->dir);
	g_free(j->user);
	g_free(j->rel);
	g_free(j);
}

/* Remove every entry of a job directory, then the directory. */
int
dd_job_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *data = g_build_filename(dir, DD_DATA_FILE, NULL);
	int rc = 0;

	unlink(data);   /* the work copy first: a job file alone means "done" */
	g_free(data);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	if (rmdir(dir) != 0)
		rc = -1;
	return rc;
}

/* A new file in a new job directory: written and fsynced; the directory
 * is fsynced once after the claim rename.  A torn job file next to data is
 * "unreadable" at recovery and set aside, never lost. */
static int
write_synced(const char *path, const char *text, gsize len, mk_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = 0;

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		mk_error_set(err, MK_ERR_TEMP, "write %s: %s", path, g_strerror(errno));
		rc = MK_ERR_TEMP;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
write_jobfile(const char *dir, const char *user, const char *rel, mk_error *err)
{
	GKeyFile *kf = g_key_file_new();
	char *u = g_base64_encode((const guchar *)user, strlen(user));
	char *r = g_base64_encode((const guchar *)rel, strlen(rel));
	char *path = g_build_filename(dir, DD_JOB_FILE, NULL), *text;
	gsize len = 0;
	int rc;

	g_key_file_set_string(kf, "job", "user", u);
	g_key_file_set_string(kf, "job", "path", r);
	g_key_file_set_int64(kf, "job", "claimed", g_get_real_time() / G_USEC_PER_SEC);
	text = g_key_file_to_data(kf, &len, NULL);
	rc = write_synced(path, text, len, err);
	g_free(text);
	g_free(path);
	g_free(u);
	g_free(r);
	g_key_file_free(kf);
	return rc;
}

static char *
b64_field(GKeyFile *kf, const char *key)
{
	char *v = g_key_file_get_string(kf, "job", key, NULL);
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

static dd_job *
job_new(dd_engine *h, const char *jid, const char *dir)
{
	dd_job *j = g_new0(dd_job, 1);

	j->jid = g_strdup(jid);
	j->dir = g_strdup(dir);
	j->eng = dd_engine_ref(h);
	return j;
}

dd_job *
dd_job_claim(dd_engine *h, const char *in_dir, const dd_cand *c, mk_error *err)
{
	const char *rel = c->path + strlen(in_dir);
	const char *slash;
	char *jid = NULL, *dir = NULL, *data = NULL, *user;
	dd_job *j = NULL;

	while (*rel == '/')
		rel++;
	slash = strchr(rel, '/');
	user = slash ? g_strndup(rel, (gsize)(slash - rel)) : g_strdup("");
	if (slash)
		rel = slash + 1;
	for (int tries = 0; tries < DD_QUEUE_FACTOR && dir == NULL; tries++) {
		char *id = mk_new_id();

		jid = g_strconcat(DD_JOB_PREFIX, id, NULL);
		dir = g_build_filename(h->cfg->dropd.work_dir, jid, NULL);
		g_free(id);
		if (mkdir(dir, 0700) != 0) {
			mk_error_set(err, MK_ERR_TEMP, "mkdir %s: %s", dir, g_strerror(errno));
			g_clear_pointer(&dir, g_free);
			g_clear_pointer(&jid, g_free);
		}
	}
	if (dir == NULL || write_jobfile(dir, user, rel, err) != 0)
		goto out;
	data = g_build_filename(dir, DD_DATA_FILE, NULL);
	if (rename(c->path, data) != 0) {
		if (errno != ENOENT)
			mk_error_set(err, errno == EXDEV ? MK_ERR_CONFIG : MK_ERR_TEMP,
			             "claim %s: %s", c->path, g_strerror(errno));
		goto out;
	}
	mk_fsync_dir(dir, NULL);
	j = job_new(h, jid, dir);
	j->user = g_steal_pointer(&user);
	j->rel = g_strdup(rel);
out:
	if (j == NULL && dir != NULL)
		dd_job_remove_dir(dir);
	g_free(data);
	g_free(dir);
	g_free(jid);
	g_free(user);
	return j;
}

/* A work/ entry at start: a job, NULL when there is nothing to do. */
static dd_job *
recover_one(dd_engine *h, const char *work, const char *name)
{
	char *dir = g_build_filename(work, name, NULL);
	char *jf = g_build_filename(dir, DD_JOB_FILE, NULL);
	char *data = g_build_filename(dir, DD_DATA_FILE, NULL);
	GKeyFile *kf = g_key_file_new();
	struct stat st;
	dd_job *j = NULL;

	if (lstat(data, &st) != 0) {
		dd_job_remove_dir(dir);   /* claim never completed, or finished */
		goto out;
	}
	j = job_new(h, name, dir);
	if (g_key_file_load_from_file(kf, jf, G_KEY_FILE_NONE, NULL)) {
		j->user = b64_field(kf, "user");
		j->rel = b64_field(kf, "path");
	}
	if (j->user == NULL || j->rel == NULL || *j->rel == '\0') {
		mk_log(MK_LOG_ERROR, NULL, "%s: unreadable job file, moved to %s/",
		       dir, DD_REJECTED);
		char *to = g_build_filename(work, DD_REJECTED, name, NULL);
		if (rename(dir, to) != 0)
			mk_log(MK_LOG_ERROR, NULL, "move %s: %s", dir, g_strerror(errno));
		g_free(to);
		dd_job_free(&j);
	}
out:
	g_key_file_free(kf);
	g_free(dir);
	g_free(jf);
	g_free(data);
	return j;
}

GPtrArray *
dd_job_recover(dd_engine *h, mk_error *err)
{
	const char *work = h->cfg->dropd.work_dir;
	GPtrArray *jobs = g_ptr_array_new();
	DIR *d = opendir(work);
	struct dirent *de;

	if (d == NULL) {
		mk_error_set(err, MK_ERR_OS, "cannot read %s: %s", work, g_strerror(errno));
		return jobs;
	}
	while ((de = readdir(d)) != NULL) {
		dd_job *j;

		if (!g_str_has_prefix(de->d_name, DD_JOB_PREFIX))
			continue;
		j = recover_one(h, work, de->d_name);
		if (j != NULL)
			g_ptr_array_add(jobs, j);
	}
	closedir(d);
	return jobs;
}
