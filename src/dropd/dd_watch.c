/*
 * NAME
 *   dd_watch - find files dropped in in/: inotify, periodic rescan, settle
 *
 * SUMMARY
 *   w = dd_watch_new(in_dir, true, err);
 *   poll on dd_watch_fd(w) -> dd_watch_events(w); every rescan_s
 *   dd_watch_rescan(w); each tick c = dd_watch_ready(w, settle_ms, once, n);
 *
 * DESCRIPTION
 *   Every directory below in/ gets an inotify watch (IN_CLOSE_WRITE,
 *   IN_MOVED_TO, IN_CREATE, IN_ATTRIB); a new or moved-in sub-folder is
 *   watched and walked at once (files may have landed before the watch).
 *   IN_Q_OVERFLOW and the periodic rescan walk the whole tree, for SMB/NFS
 *   where events are missed.  Entries are examined with lstat() only: a
 *   regular file becomes "pending" with its size, mtime and ctime and is
 *   ready when none of them changed for settle_ms (ctime cannot be set by a
 *   client, so a copy that restores mtime is still seen as changing); a
 *   symlink, FIFO, socket or device is ready at once, flagged special, to be
 *   claimed (moved, never followed or opened) and reported.
 *
 * NEVER
 *   Never opens or follows an entry of in/ other than directories reached
 *   by lstat(); never modifies in/.
 *
 * FAILURE
 *   A directory that cannot be read or watched gets a log line and is
 *   tried again at the next rescan.  Without inotify (ENOSPC on watches,
 *   a filesystem without events) the rescan alone finds files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"
#include "log.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ATTRIB | \
                    IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_ONLYDIR)

typedef struct seen {
	gint64 size, mtime_ns, ctime_ns;
	gint64 since_us;      /* monotonic: when these values were first seen */
	bool special;
} seen;

struct dd_watch {
	char *root;
	int ifd;              /* -1 without inotify */
	GHashTable *wds;      /* GINT_TO_POINTER(wd) -> char *dir */
	GHashTable *pending;  /* char *path -> seen* */
};

static void walk(dd_watch *w, const char *dir, int depth);

void
dd_cand_free(gpointer p)
{
	dd_cand *c = p;

	if (c == NULL)
		return;
	g_free(c->path);
	g_free(c);
}

static gint64
ns(const struct timespec *t)
{
	return (gint64)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void
note(dd_watch *w, const char *path, const struct stat *st)
{
	seen *s;

	if (g_hash_table_contains(w->pending, path))
		return;
	s = g_new0(seen, 1);
	s->size = st->st_size;
	s->mtime_ns = ns(&st->st_mtim);
	s->ctime_ns = ns(&st->st_ctim);
	s->since_us = g_get_monotonic_time();
	s->special = !S_ISREG(st->st_mode);
	g_hash_table_insert(w->pending, g_strdup(path), s);
}

static int
depth_of(const dd_watch *w, const char *path)
{
	int d = 0;

	for (const char *p = path + strlen(w->root); *p; p++)
		d += *p == '/';
	return d;
}

static void
add_dir(dd_watch *w, const char *dir, int depth)
{
	if (depth > DD_MAX_DEPTH) {
		mk_log(MK_LOG_WARNING, NULL, "%s: deeper than %d folders, not walked",
		       dir, DD_MAX_DEPTH);
		return;
	}
	if (w->ifd >= 0) {
		int wd = inotify_add_watch(w->ifd, dir, WATCH_MASK);

		if (wd >= 0)
			g_hash_table_replace(w->wds, GINT_TO_POINTER(wd), g_strdup(dir));
		else
			mk_log(MK_LOG_WARNING, NULL, "inotify watch %s: %s (rescan only)",
			       dir, g_strerror(errno));
	}
	walk(w, dir, depth);
}

static void
add_path(dd_watch *w, const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode))
		add_dir(w, path, depth_of(w, path));
	else
		note(w, path, &st);
}

static void
walk(dd_watch *w, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL) {
		mk_log(MK_LOG_WARNING, NULL, "cannot read %s: %s", dir, g_strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = g_build_filename(dir, de->d_name, NULL);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISDIR(st.st_mode))
				add_dir(w, p, depth + 1);
			else
				note(w, p, &st);
		}
		g_free(p);
	}
	closedir(d);
}

dd_watch *
dd_watch_new(const char *in_dir, bool use_inotify, mk_error *err)
{
	dd_watch *w = g_new0(dd_watch, 1);

	w->root = g_strdup(in_dir);
	w->ifd = -1;
	w->wds = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	w->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (use_inotify) {
		w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (w->ifd < 0)
			mk_log(MK_LOG_WARNING, NULL, "inotify: %s (rescan only)",
			       g_strerror(errno));
	}
	(void)err;
	return w;
}

void
dd_watch_free(dd_watch **wp)
{
	dd_watch *w;

	if (wp == NULL || *wp == NULL)
		return;
	w = *wp;
	*wp = NULL;
	if (w->ifd >= 0)
		close(w->ifd);
	g_hash_table_destroy(w->wds);
	g_hash_table_destroy(w->pending);
	g_free(w->root);
	g_free(w);
}

int
dd_watch_fd(const dd_watch *w)
{
	return w->ifd;
}

const char *
dd_watch_root(const dd_watch *w)
{
	return w->root;
}

void
dd_watch_rescan(dd_watch *w)
{
	add_dir(w, w->root, 0);
}

static void
one_event(dd_watch *w, const struct inotify_event *ev)
{
	const char *dir;
	char *p;

	if (ev->mask & IN_Q_OVERFLOW) {
		mk_log(MK_LOG_WARNING, NULL, "inotify queue overflow: rescanning");
		dd_watch_rescan(w);
		return;
	}
	if (ev->mask & IN_IGNORED) {
		g_hash_table_remove(w->wds, GINT_TO_POINTER(ev->wd));
		return;
	}
	dir = g_hash_table_lookup(w->wds, GINT_TO_POINTER(ev->wd));
	if (dir == NULL || ev->len == 0)
		return;
	p = g_build_filename(dir, ev->name, NULL);
	add_path(w, p);
	g_free(p);
}

void
dd_watch_events(dd_watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(w->ifd, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			one_event(w, ev);
			p += sizeof(struct inotify_event) + ev->len;
		}
	}
}

/* True when the entry at PATH is ready; false to keep waiting.  *gone when
 * it vanished or turned into a directory (dropped from pending). */
static bool
settled(dd_watch *w, const char *path, seen *s, gint64 settle_ms, bool old_ok,
        bool *gone)
{
	gint64 now = g_get_monotonic_time();
	struct stat st;

	*gone = false;
	if (lstat(path, &st) != 0 || S_ISDIR(st.st_mode)) {
		*gone = true;
		if (S_ISDIR(st.st_mode))
			add_dir(w, path, depth_of(w, path));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		s->special = true;
		return true;
	}
	if (s->special || st.st_size != s->size || ns(&st.st_mtim) != s->mtime_ns ||
	    ns(&st.st_ctim) != s->ctime_ns) {
		s->special = false;
		s->size = st.st_size;
		s->mtime_ns = ns(&st.st_mtim);
		s->ctime_ns = ns(&st.st_ctim);
		s->since_us = now;
	}
	if (now - s->since_us >= settle_ms * 1000)
		return true;
	return old_ok && g_get_real_time() - s->ctime_ns / 1000 >= settle_ms * 1000;
}

GPtrArray *
dd_watch_ready(dd_watch *w, gint64 settle_ms, bool old_ok, guint max)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(dd_cand_free);
	GPtrArray *paths = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, w->pending);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(paths, k);

	for (guint i = 0; i < paths->len && out->len < max; i++) {
		const char *path = paths->pdata[i];
		seen *s = g_hash_table_lookup(w->pending, path);
		bool gone;

		if (settled(w, path, s, settle_ms, old_ok, &gone)) {
			dd_cand *c = g_new0(dd_cand, 1);

			c->path = g_strdup(path);
			c->special = s->special;
			g_ptr_array_add(out, c);
			g_hash_table_remove(w->pending, path);
		} else if (gone) {
			g_hash_table_remove(w->pending, path);
		}
	}
	g_ptr_array_unref(paths);
	return out;
}

guint
dd_watch_pending(const dd_watch *w)
{
	return g_hash_table_size(w->pending);
}

void
dd_watch_forget(dd_watch *w, const char *path)
{
	g_hash_table_remove(w->pending, path);
}
