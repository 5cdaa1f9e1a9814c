/*
 * NAME
 *   dd_out - the LGWAN side of mukaika-dropd: output directories, staged
 *   tmp files, group commit with atomic no-replace placement, reports and
 *   blocked notices
 *
 * SUMMARY
 *   rc = dd_out_stage(&place, content, blocked, report_json, &st, err);
 *   dd_out_commit(list_of_st); rc = dd_out_result(st, &where, err);
 *   dd_out_free(&st);
 *   rc = dd_out_write(&place, content, blocked, report_json, &where, err);
 *   text = dd_out_notice(cfg, name, verdict, reason, qid, aside);
 *
 * DESCRIPTION
 *   Every component below dropd.out_dir (owner folder, sub-folders, file
 *   name) is mk_names_safe()d, cut to fit DD_NAME_MAX with room for the
 *   suffixes, and opened with openat(O_NOFOLLOW) below the previous
 *   directory fd, so neither hostile names nor symlinks planted on the out/
 *   side can redirect a write.
 *
 *   Stage (pool thread): the output is written as DD_TMP_PREFIX<jid>.out
 *   and the report as DD_TMP_PREFIX<jid>.report (hidden: safe names never
 *   start with a dot; a leftover of an earlier run of the job is
 *   replaced), given dropd.out_mode/out_owner, not synced, and the
 *   directory fds are kept.
 *
 *   Commit (a batch, main thread): 1. one syncfs() per filesystem holding
 *   a tmp file makes every tmp file's data and inode durable; 2. each
 *   output is renameat2(RENAME_NOREPLACE)d to NAME, "STEM (2).EXT",
 *   "STEM (3).EXT"... -- a taken name holding exactly the same bytes means
 *   an earlier run of this job already placed it (idempotent restart), so
 *   nothing is added -- and its report renamed to NAME.report.json
 *   (replacing an older one); 3. one fsync per directory that received a
 *   name.  Only an item that passed all three reports success: its work
 *   copy may then go.  dd_out_write() is stage + commit of one.
 *
 * NEVER
 *   Never follows a symlink below out_dir, never overwrites an output,
 *   never leaves a half-written visible file (nothing is renamed before
 *   the sync of step 1 returned).
 *
 * FAILURE
 *   Any filesystem failure (ENOSPC, EDQUOT, EIO, permissions) is MK_ERR_TEMP
 *   for the items it touches (a failed syncfs or directory fsync: every
 *   item on that filesystem or directory): they stay in work/ and are
 *   retried; tmp files not placed are removed.  The one permanent failure
 *   is a chown to dropd.out_owner refused (EPERM, EINVAL): MK_ERR_CONFIG
 *   from dd_out_stage()/dd_out_write() -- a retry would fail the same way,
 *   so the caller sets the job aside (dd_run.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"
#include "hdrtext.h"
#include "names.h"
#include "util.h"

/* Record a filesystem failure (errno) as MK_ERR_TEMP and return it. */
static int
TEMP(mk_error *err, const char *what, const char *name)
{
	mk_error_set(err, MK_ERR_TEMP, "%s %s: %s", what, name, g_strerror(errno));
	return MK_ERR_TEMP;
}

char *
dd_out_safe_name(const mk_config *cfg, const char *raw)
{
	gint64 max = cfg->limits.max_name_length;

	if (max <= 0 || max > DD_NAME_MAX - DD_NAME_RESERVE)
		max = DD_NAME_MAX - DD_NAME_RESERVE;
	char *u = mk_hdr_name_utf8(raw);   /* raw CP932: 表 ends in 0x5C */
	char *safe = mk_names_safe(u, (gsize)max);

	g_free(u);
	return safe;
}

/* NAME -> STEM + EXT (".ext", short, not the whole name). */
static void
split_ext(const char *name, char **stem, char **ext)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL || dot == name || strlen(dot) > DD_EXT_MAX) {
		*stem = g_strdup(name);
		*ext = g_strdup("");
		return;
	}
	*stem = g_strndup(name, (gsize)(dot - name));
	*ext = g_strdup(dot);
}

static char *
cand_name(const char *stem, int k, const char *ext)
{
	if (k <= 1)
		return g_strconcat(stem, ext, NULL);
	return g_strdup_printf("%s (%d)%s", stem, k, ext);
}

/* Open (creating) one safe component below FD; " (k)" when the name is
 * taken by something that is not a directory.  Returns a new fd. */
static int
open_subdir(const mk_config *cfg, int fd, const char *raw, mk_error *err)
{
	char *safe = dd_out_safe_name(cfg, raw), *stem, *ext;
	int dmode = (int)(cfg->dropd.out_mode | ((cfg->dropd.out_mode & 0444) >> 2)) | 0700;
	int sub = -1;

	split_ext(safe, &stem, &ext);
	for (int k = 1; k < DD_MAX_SUFFIX && sub < 0; k++) {
		char *c = k == 1 ? g_strdup(safe) : g_strdup_printf("%s (%d)", safe, k);

		sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && errno == ENOENT) {   /* created on first use */
			if (mkdirat(fd, c, (mode_t)dmode) != 0 && errno != EEXIST) {
				TEMP(err, "mkdir", c);
				g_free(c);
				break;
			}
			sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (sub < 0 && errno != ENOTDIR && errno != ELOOP) {
			TEMP(err, "open directory", c);
			g_free(c);
			break;
		}
		g_free(c);
	}
	if (sub < 0 && err != NULL && err->code == 0)
		mk_error_set(err, MK_ERR_TEMP, "no free directory name for %s", safe);
	g_free(safe);
	g_free(stem);
	g_free(ext);
	return sub;
}

/* BASE (a configured path, created if missing) then USER and the directory
 * part of REL.  Returns a directory fd or -1. */
static int
open_chain(const mk_config *cfg, const char *base, const char *user,
           const char *rel, mk_error *err)
{
	char **comp = g_strsplit(rel, "/", -1);
	guint n = g_strv_length(comp);
	int fd = -1, sub;

	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {   /* created on first use */
		if (mk_mkdir_p(base, 0750, err) != 0)
			goto out;
		fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0) {
		TEMP(err, "open", base);
		goto out;
	}
	for (guint i = 0; i < n; i++) {   /* i = 0: the owner; then REL's folders */
		const char *c = i == 0 ? user : comp[i - 1];

		if (c == NULL || *c == '\0')
			continue;
		sub = open_subdir(cfg, fd, c, err);
		close(fd);
		fd = sub;
		if (fd < 0)
			goto out;
	}
out:
	g_strfreev(comp);
	return fd;
}

struct dd_staged {
	int dfd, rfd;         /* output directory; report directory (-1: none) */
	struct stat dst, rst; /* of dfd / rfd (device and inode for the syncs) */
	char *tmp, *rtmp;     /* tmp names in dfd / rfd (NULL once placed) */
	char *safe;           /* output name before " (k)" */
	const char *tail;     /* "" or ".blocked.txt" */
	char *rdir;           /* USER/DIRS shown in *where */
	GBytes *content;      /* compared on a name collision */
	int rc;
	char *msg, *where;
};

/* New tmp file TMP below DFD holding BUF, owner and mode set, not synced
 * (dd_out_commit syncs whole batches).  A leftover of an earlier run of
 * the same job is replaced. */
static int
write_tmp(const dd_place *p, int dfd, const char *tmp, const void *buf, gsize len,
          mk_error *err)
{
	const int fl = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	const char *b = buf;
	int fd, rc = MK_ERR_TEMP;

	fd = openat(dfd, tmp, fl, 0600);
	if (fd < 0 && errno == EEXIST && unlinkat(dfd, tmp, 0) == 0)
		fd = openat(dfd, tmp, fl, 0600);
	if (fd < 0)
		return TEMP(err, "create", tmp);
	while (len > 0) {
		ssize_t w = write(fd, b, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			TEMP(err, "write", tmp);
			goto out;
		}
		b += w;
		len -= (gsize)w;
	}
	if (p->uid != (uid_t)-1 && fchown(fd, p->uid, p->gid) != 0) {
		int e = errno;

		rc = TEMP(err, "chown", tmp);
		if (e == EPERM || e == EINVAL) {   /* not a passing state */
			mk_error_set(err, MK_ERR_CONFIG, "dropd.out_owner cannot be applied: "
			             "chown %s: %s", tmp, g_strerror(e));
			rc = MK_ERR_CONFIG;
		}
		goto out;
	}
	if (fchmod(fd, (mode_t)p->cfg->dropd.out_mode) != 0) {
		TEMP(err, "chmod", tmp);
		goto out;
	}
	rc = 0;
out:
	if (close(fd) != 0 && rc == 0)
		rc = TEMP(err, "close", tmp);
	if (rc != 0)
		unlinkat(dfd, tmp, 0);
	return rc;
}

static bool
same_content(int dfd, const char *name, const void *buf, gsize len)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	GBytes *have = NULL;
	bool same = false;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (gsize)st.st_size == len) {
		have = mk_read_fd(fd, (gint64)len + 1, NULL);
		same = have != NULL && g_bytes_get_size(have) == len &&
		       (len == 0 || memcmp(g_bytes_get_data(have, NULL), buf, len) == 0);
	}
	if (have != NULL)
		g_bytes_unref(have);
	close(fd);
	return same;
}

static int
rename_noreplace(int dfd, const char *from, const char *to)
{
	if (renameat2(dfd, from, dfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (linkat(dfd, from, dfd, to, 0) != 0)
		return -1;
	unlinkat(dfd, from, 0);
	return 0;
}

/* Move TMP to the first free "STEM (k)EXT" + TAIL; *base gets STEM (k)EXT.
 * TMP is gone afterwards, placed or not. */
static int
place(int dfd, const char *tmp, const char *name, const char *tail,
      const void *buf, gsize len, char **base, mk_error *err)
{
	char *stem, *ext;
	int rc = MK_ERR_TEMP;

	split_ext(name, &stem, &ext);
	for (int k = 1; k < DD_MAX_SUFFIX; k++) {
		char *b = cand_name(stem, k, ext), *full = g_strconcat(b, tail, NULL);
		bool done = rename_noreplace(dfd, tmp, full) == 0;

		if (!done && errno == EEXIST && same_content(dfd, full, buf, len)) {
			unlinkat(dfd, tmp, 0);
			done = true;
		} else if (!done && errno != EEXIST) {
			TEMP(err, "rename to", full);
			g_free(full);
			g_free(b);
			break;
		}
		g_free(full);
		if (done) {
			*base = b;   /* the caller fsyncs the directory */
			rc = 0;
			break;
		}
		g_free(b);
	}
	if (rc != 0) {
		if (err != NULL && err->code == 0)
			mk_error_set(err, MK_ERR_TEMP, "no free output name for %s", name);
		unlinkat(dfd, tmp, 0);
	}
	g_free(stem);
	g_free(ext);
	return rc;
}

void
dd_out_free(dd_staged **sp)
{
	dd_staged *s;

	if (sp == NULL || *sp == NULL)
		return;
	s = *sp;
	*sp = NULL;
	if (s->tmp != NULL && s->dfd >= 0)
		unlinkat(s->dfd, s->tmp, 0);
	if (s->rtmp != NULL && s->rfd >= 0)
		unlinkat(s->rfd, s->rtmp, 0);
	if (s->rfd >= 0 && s->rfd != s->dfd)
		close(s->rfd);
	if (s->dfd >= 0)
		close(s->dfd);
	if (s->content != NULL)
		g_bytes_unref(s->content);
	g_free(s->tmp);
	g_free(s->rtmp);
	g_free(s->safe);
	g_free(s->rdir);
	g_free(s->msg);
	g_free(s->where);
	g_free(s);
}

int
dd_out_stage(const dd_place *p, GBytes *content, bool blocked,
             const char *report, dd_staged **out, mk_error *err)
{
	const mk_config *cfg = p->cfg;
	dd_staged *s = g_new0(dd_staged, 1);
	gsize len = 0;
	const void *buf = g_bytes_get_data(content, &len);
	char *d = g_path_get_dirname(p->rel);
	int rc = MK_ERR_TEMP;

	*out = NULL;
	s->dfd = s->rfd = -1;
	s->safe = dd_out_safe_name(cfg, p->name);
	s->tail = blocked ? ".blocked.txt" : "";
	s->rdir = g_build_filename(p->user, strcmp(d, ".") ? d : "", NULL);
	s->content = g_bytes_ref(content);
	s->dfd = open_chain(cfg, cfg->dropd.out_dir, p->user, p->rel, err);
	if (s->dfd < 0)
		goto out;
	if (fstat(s->dfd, &s->dst) != 0) {
		TEMP(err, "stat", cfg->dropd.out_dir);
		goto out;
	}
	s->rst = s->dst;
	s->tmp = g_strconcat(DD_TMP_PREFIX, p->jid, ".out", NULL);
	if ((rc = write_tmp(p, s->dfd, s->tmp, buf, len, err)) != 0) {
		g_clear_pointer(&s->tmp, g_free);
		goto out;
	}
	rc = MK_ERR_TEMP;
	if (report != NULL) {
		s->rfd = s->dfd;
		if (cfg->dropd.report_dir != NULL && *cfg->dropd.report_dir != '\0') {
			s->rfd = open_chain(cfg, cfg->dropd.report_dir, p->user, p->rel, err);
			if (s->rfd < 0)
				goto out;
			if (fstat(s->rfd, &s->rst) != 0) {
				TEMP(err, "stat", cfg->dropd.report_dir);
				goto out;
			}
		}
		s->rtmp = g_strconcat(DD_TMP_PREFIX, p->jid, ".report", NULL);
		if ((rc = write_tmp(p, s->rfd, s->rtmp, report, strlen(report), err)) != 0) {
			g_clear_pointer(&s->rtmp, g_free);
			goto out;
		}
	}
	rc = 0;
out:
	g_free(d);
	if (rc != 0)
		dd_out_free(&s);
	*out = s;
	return rc;
}

static void
fail(dd_staged *s, const char *what, const char *name)
{
	if (s->rc == 0) {
		s->rc = MK_ERR_TEMP;
		s->msg = g_strdup_printf("%s %s: %s", what, name, g_strerror(errno));
	}
}

/* syncfs() once per distinct filesystem (BY_DEV), else fsync() once per
 * directory, of the items of LIST still fine; a failure fails every item
 * using that filesystem or directory. */
static void
sync_each(GPtrArray *list, bool by_dev)
{
	GArray *done = g_array_new(FALSE, FALSE, sizeof(struct stat));

	for (guint i = 0; i < list->len; i++) {
		dd_staged *s = list->pdata[i];
		int fds[2] = { s->dfd, s->rfd != s->dfd ? s->rfd : -1 };

		for (int k = 0; k < 2 && s->rc == 0; k++) {
			struct stat st = k == 0 ? s->dst : s->rst;
			guint m;

			if (fds[k] < 0)
				continue;
			for (m = 0; m < done->len; m++) {
				struct stat *o = &g_array_index(done, struct stat, m);

				if (o->st_dev == st.st_dev && (by_dev || o->st_ino == st.st_ino))
					break;
			}
			if (m < done->len) {
				if (g_array_index(done, struct stat, m).st_nlink == 0)
					fail(s, by_dev ? "syncfs" : "fsync", "directory");
				continue;
			}
			if ((by_dev ? syncfs(fds[k]) : fsync(fds[k])) != 0) {
				fail(s, by_dev ? "syncfs" : "fsync", "directory");
				st.st_nlink = 0;   /* marks a failed one */
			} else {
				st.st_nlink = 1;
			}
			g_array_append_val(done, st);
		}
	}
	g_array_free(done, TRUE);
}

void
dd_out_commit(GPtrArray *list)
{
	sync_each(list, true);   /* every tmp file's data and inode durable */
	for (guint i = 0; i < list->len; i++) {
		dd_staged *s = list->pdata[i];
		mk_error err = { 0 };
		gsize len = 0;
		const void *buf = g_bytes_get_data(s->content, &len);
		char *base = NULL, *name, *file;

		if (s->rc != 0)
			continue;
		if (place(s->dfd, s->tmp, s->safe, s->tail, buf, len, &base, &err) != 0) {
			g_clear_pointer(&s->tmp, g_free);
			s->rc = MK_ERR_TEMP;
			s->msg = g_strdup(err.msg);
			continue;
		}
		g_clear_pointer(&s->tmp, g_free);
		if (s->rtmp != NULL) {   /* the report replaces an older one */
			name = g_strconcat(base, ".report.json", NULL);
			if (renameat(s->rfd, s->rtmp, s->rfd, name) != 0)
				fail(s, "rename to", name);
			else
				g_clear_pointer(&s->rtmp, g_free);
			g_free(name);
		}
		file = g_strconcat(base, s->tail, NULL);
		s->where = g_build_filename(s->rdir, file, NULL);
		g_free(file);
		g_free(base);
	}
	sync_each(list, false);  /* the new names durable */
}

int
dd_out_result(const dd_staged *s, const char **where, mk_error *err)
{
	*where = s->where;
	if (s->rc != 0)
		mk_error_set(err, MK_ERR_TEMP, "%s", s->msg ? s->msg : "output failed");
	return s->rc;
}

int
dd_out_write(const dd_place *p, GBytes *content, bool blocked,
             const char *report, char **where, mk_error *err)
{
	dd_staged *s = NULL;
	GPtrArray *one;
	const char *w = NULL;
	int rc;

	*where = NULL;
	rc = dd_out_stage(p, content, blocked, report, &s, err);
	if (rc != 0)
		return rc;
	one = g_ptr_array_new();
	g_ptr_array_add(one, s);
	dd_out_commit(one);
	rc = dd_out_result(s, &w, err);
	if (rc == 0)
		*where = g_strdup(w);
	g_ptr_array_unref(one);
	dd_out_free(&s);
	return rc;
}

/* Text safe to show: valid UTF-8 without controls or format (bidi) chars. */
static char *
show(const char *s, gsize max)
{
	char *v = g_utf8_make_valid(s ? s : "", -1);
	GString *o = g_string_new(NULL);

	for (const char *c = v; *c && o->len < max; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);

		if (g_unichar_iscntrl(u) || g_unichar_type(u) == G_UNICODE_FORMAT)
			u = '?';
		g_string_append_unichar(o, u);
	}
	g_free(v);
	return g_string_free(o, FALSE);
}

char *
dd_out_notice(const mk_config *cfg, const char *name, const char *verdict,
              const char *reason, const char *qid, const char *aside)
{
	bool en = g_strcmp0(cfg->general.language, "en") == 0;
	char *n = show(name, DD_NAME_MAX), *r = show(reason, DD_REASON_MAX);
	GString *s = g_string_new(NULL);

	if (!en && g_strcmp0(verdict, "quarantined") == 0)
		verdict = "隔離";
	else if (!en && g_strcmp0(verdict, "rejected") == 0)
		verdict = "拒否";
	else if (!en && g_strcmp0(verdict, "not processed") == 0)
		verdict = "未処理（退避）";
	if (en) {
		g_string_append_printf(s, "This file was NOT passed on by the sanitizing gateway.\n\n"
		    "File: %s\nVerdict: %s\nReason: %s\nQuarantine ID: %s\n", n, verdict, r,
		    qid ? qid : "none");
		if (aside)
			g_string_append_printf(s, "The file was kept aside for the administrator (job %s).\n", aside);
		g_string_append(s, "\nPlease quote the ID above when you contact the administrator.\n");
	} else {
		g_string_append_printf(s, "このファイルは無害化ゲートウェイにより受け渡しを停止しました。\n\n"
		    "ファイル名: %s\n判定: %s\n理由: %s\n隔離ID: %s\n", n, verdict, r,
		    qid ? qid : "なし");
		if (aside)
			g_string_append_printf(s, "元のファイルは管理者用の退避場所に保管されています（ジョブ %s）。\n", aside);
		g_string_append(s, "\n管理者へお問い合わせの際は上記のIDをお伝えください。\n");
	}
	g_free(n);
	g_free(r);
	return g_string_free(s, FALSE);
}
