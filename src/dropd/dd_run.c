/*
 * NAME
 *   dd_run - process one claimed job (a GThreadPool task of mukaika-dropd)
 *   and finish a batch of them (main thread)
 *
 * SUMMARY
 *   dd_job_run(j);        sets j->outcome to DD_STAGED, DD_DONE or DD_RETRY
 *   dd_job_commit(jobs);  DD_STAGED -> DD_DONE or DD_RETRY
 *
 * DESCRIPTION
 *   work/j-ID is lstat()ed, opened with O_NOFOLLOW|O_NONBLOCK and
 *   fstat()ed (same inode, regular file), and read once.  A symlink, FIFO,
 *   socket or device, or a file over limits.max_file_size, is set aside: a
 *   blocked notice goes to out/ (made durable at once) and the entry is
 *   renamed to work/rejected/ with its metadata beside it.  A work copy
 *   that is gone was finished by an earlier run: DD_DONE.  Otherwise the
 *   engine runs in file mode (name = base name, recipients = owner folder)
 *   with the deterministic id "f-" + 32 hex digits of sha256(owner NUL path
 *   NUL sha256hex(content)); if the quarantine already holds that id (a
 *   re-run after a crash or a retry) the engine runs with no_store and the
 *   stored report is written; the output then says the original is kept,
 *   as the first run's did, so the re-run's output has the same bytes and
 *   dd_out finds it already placed (no " (2)" copy).  Output (or blocked
 *   notice) and report are staged through dd_out (tmp files, not yet
 *   synced): DD_STAGED.
 *
 *   dd_job_commit() makes the staged jobs durable together (dd_out_commit:
 *   one syncfs per filesystem, renames, one fsync per directory), then for
 *   each job that succeeded logs it and removes its work copy.
 *
 * NEVER
 *   Never reads an entry that is not a regular file; never removes the work
 *   copy before the output/notice and report are durable (and, for a
 *   stored verdict, the original is in the quarantine: the engine stores
 *   it, durably, before it returns, and tempfails otherwise).
 *
 * FAILURE
 *   Engine TEMPFAIL, a store lookup error, a staging or commit error ->
 *   DD_RETRY (the job stays in work/ and the main loop retries it after
 *   rescan_s).  A permanent output error (dropd.out_owner refused by
 *   chown, MK_ERR_CONFIG from dd_out) is never retried: the job is set
 *   aside like a special file, with a notice (owned by the daemon's user,
 *   since the configured owner cannot be given) naming the reason.  One
 *   log line per file either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"
#include "log.h"
#include "notice.h"
#include "engine/report.h"
#include "util.h"

#define ID_HEX 32
#define LOG_NAME_MAX 160

static char *
job_id(const dd_job *j, GBytes *data)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	gsize len = 0;
	const void *p = g_bytes_get_data(data, &len);
	char hex[65];
	char *id;

	mk_sha256_hex(p, len, hex);
	g_checksum_update(ck, (const guchar *)j->user, (gssize)strlen(j->user) + 1);
	g_checksum_update(ck, (const guchar *)j->rel, (gssize)strlen(j->rel) + 1);
	g_checksum_update(ck, (const guchar *)hex, 64);
	id = g_strdup_printf("f-%.*s", ID_HEX, g_checksum_get_string(ck));
	g_checksum_free(ck);
	return id;
}

/* Log field: bidi and other format characters shown as <U+XXXX>, then
 * cut at LOG_NAME_MAX bytes; mk_log() escapes controls. */
static char *
esc(const char *s)
{
	GString *o = g_string_new(NULL);
	char *r;

	for (const char *c = s; *c;) {
		gunichar u = g_utf8_get_char_validated(c, -1);

		if (u != (gunichar)-1 && u != (gunichar)-2 &&
		    g_unichar_type(u) == G_UNICODE_FORMAT) {
			g_string_append_printf(o, "<U+%04X>", u);
			c = g_utf8_next_char(c);
		} else {
			g_string_append_c(o, *c++);
		}
	}
	if (o->len > LOG_NAME_MAX) {   /* cut on a character boundary */
		gsize cut = LOG_NAME_MAX;

		while (cut > 0 && ((guchar)o->str[cut] & 0xC0) == 0x80)
			cut--;
		g_string_truncate(o, cut);
		g_string_append(o, "...");
	}
	r = g_string_free(o, FALSE);
	return r;
}

static void
log_file(const dd_job *j, mk_log_level lvl, const char *id, const char *verdict,
         const char *where, const char *reason)
{
	char *u = esc(j->user), *r = esc(j->rel), *w = esc(where ? where : "-");

	mk_log(lvl, id ? id : j->jid, "%s user=\"%s\" file=\"%s\" -> %s (%s)",
	       verdict, u, r, w, reason ? reason : "");
	g_free(u);
	g_free(r);
	g_free(w);
}

static const char *
base_name(const dd_job *j)
{
	const char *s = strrchr(j->rel, '/');

	return s ? s + 1 : j->rel;
}

static dd_place
place_for(const dd_job *j, const char *name)
{
	dd_place p = {
		.cfg = j->eng->cfg, .uid = j->eng->out_uid, .gid = j->eng->out_gid,
		.jid = j->jid, .user = j->user, .rel = j->rel, .name = name,
	};
	return p;
}

/* Not processed: notice in out/ (made durable at once: a rare path),
 * then the work copy to work/rejected/. */
static void
set_aside(dd_job *j, const char *why)
{
	const mk_config *cfg = j->eng->cfg;
	char *safe = dd_out_safe_name(cfg, base_name(j));
	char *text = dd_out_notice(cfg, safe, "not processed", why, NULL, j->jid);
	char *where = NULL;
	GBytes *b = g_bytes_new_take(text, strlen(text));
	dd_place p = place_for(j, base_name(j));
	mk_error err = { 0 };

	j->outcome = DD_RETRY;
	if (dd_out_write(&p, b, true, NULL, &where, &err) == MK_ERR_CONFIG) {
		p.uid = (uid_t)-1;   /* out_owner refused: the notice keeps ours */
		p.gid = (gid_t)-1;
		mk_error_clear(&err);
		dd_out_write(&p, b, true, NULL, &where, &err);
	}
	if (err.code != 0) {
		log_file(j, MK_LOG_WARNING, NULL, "retry", NULL, err.msg);
		goto out;
	}
	if (dd_job_set_aside(j, &err) != 0) {
		log_file(j, MK_LOG_ERROR, NULL, "retry", where, err.msg);
		goto out;
	}
	j->outcome = DD_DONE;   /* a lost rename just sets it aside again */
	log_file(j, MK_LOG_WARNING, NULL, "set-aside", where, why);
out:
	g_bytes_unref(b);
	g_free(where);
	g_free(safe);
}

/* Read the work copy; NULL with *why set when it must be set aside, NULL
 * with *why NULL on a temporary failure. */
static GBytes *
read_data(dd_job *j, const char **why, bool *gone, mk_error *err)
{
	const char *path = j->data;
	gint64 max = j->eng->cfg->limits.max_file_size;
	struct stat ls, st;
	GBytes *b = NULL;
	int fd = -1;

	*why = NULL;
	*gone = false;
	if (lstat(path, &ls) != 0) {
		*gone = errno == ENOENT;
		mk_error_set(err, MK_ERR_TEMP, "lstat %s: %s", path, g_strerror(errno));
		goto out;
	}
	if (!S_ISREG(ls.st_mode)) {
		*why = S_ISLNK(ls.st_mode) ? "symbolic link (not followed)"
		                           : "special file (FIFO, socket or device)";
		goto out;
	}
	if (ls.st_nlink > 1)
		mk_log(MK_LOG_WARNING, j->jid, "work copy has %lu links",
		       (unsigned long)ls.st_nlink);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_ino != ls.st_ino || st.st_dev != ls.st_dev) {
		*why = "not a regular file when opened";
		goto out;
	}
	if (max > 0 && st.st_size > max) {
		*why = "larger than limits.max_file_size";
		goto out;
	}
	b = mk_read_fd(fd, max, err);
	if (b == NULL && err->code == MK_ERR_LIMIT)
		*why = "larger than limits.max_file_size";
out:
	if (fd >= 0)
		close(fd);
	return b;
}

/* Stage the output or blocked notice + report; 0 or MK_ERR_TEMP. */
static int
stage(dd_job *j, const mk_result *r, const char *id, bool stored,
      const char *report, mk_error *err)
{
	const mk_config *cfg = j->eng->cfg;
	const char *name = base_name(j);
	char *safe = NULL;
	GBytes *content;
	bool blocked = r->output == NULL;
	int rc;

	if (!blocked) {
		content = g_bytes_ref(r->output);
		if (r->output_name != NULL && *r->output_name)
			name = r->output_name;
	} else {
		char *words = mk_notice_why(cfg, r->root);   /* configured language */
		char *why = words ? g_strdup_printf("%s (%s)", words, r->reason)
		                  : g_strdup(r->reason);
		safe = dd_out_safe_name(cfg, name);
		char *t = dd_out_notice(cfg, safe, mk_verdict_name(r->verdict), why,
		                        stored ? id : NULL, NULL);
		g_free(why);
		g_free(words);
		content = g_bytes_new_take(t, strlen(t));
	}
	dd_place p = place_for(j, name);
	rc = dd_out_stage(&p, content, blocked, report, &j->staged, err);
	g_bytes_unref(content);
	g_free(safe);
	return rc;
}

/* One run of the engine in the counters (R NULL: an engine error). */
static void
count(const mk_result *r)
{
	char *findings = r && r->root ? mk_report_findings(r->root) : NULL;

	mk_metrics_item(dd_metrics, r ? mk_verdict_name(r->verdict) : "tempfail",
	                r ? r->elapsed_ms : 0, findings);
	g_free(findings);
}

static void
process(dd_job *j, GBytes *data)
{
	char *id = job_id(j, data);
	mk_qrecord *rec = NULL;
	mk_result *r = NULL;
	mk_error err = { 0 };
	int have, rc;

	j->outcome = DD_RETRY;
	have = dd_engine_stored(j->eng, id, &rec, &err);
	if (have < 0) {
		log_file(j, MK_LOG_WARNING, id, "retry", NULL, err.msg);
		goto out;
	}
	mk_input in = {
		.data = data, .mode = MK_MODE_FILE, .name = base_name(j),
		.channel = "file", .recipients = j->user, .id = id, .no_store = have == 1,
		.stored_before = have == 1,   /* same output bytes as the first run */
	};
	mk_metrics_begin(dd_metrics);
	rc = mk_engine_process(j->eng->engine, &in, &r, &err);
	mk_metrics_end(dd_metrics);
	count(r);
	if (rc < 0 || r == NULL) {
		log_file(j, MK_LOG_ERROR, id, "retry", NULL, err.msg);
		goto out;
	}
	if (r->verdict == MK_V_TEMPFAIL) {
		log_file(j, MK_LOG_WARNING, id, "tempfail", NULL, r->reason);
		goto out;
	}
	rc = stage(j, r, id, r->stored || have == 1,
	           have == 1 && rec->report_json ? rec->report_json : r->report_json, &err);
	if (rc == MK_ERR_CONFIG) {   /* permanent: a retry would loop forever */
		set_aside(j, err.msg);
		goto out;
	}
	if (rc != 0) {
		log_file(j, MK_LOG_WARNING, id, "retry", NULL, err.msg);
		goto out;
	}
	j->qid = g_steal_pointer(&id);   /* logged by dd_job_commit */
	j->verdict = g_strdup(mk_verdict_name(r->verdict));
	j->reason = g_strdup(r->reason);
	j->outcome = DD_STAGED;
out:
	mk_result_free(&r);
	mk_qrecord_free(&rec);
	g_free(id);
}

void
dd_job_run(dd_job *j)
{
	const char *why = NULL;
	mk_error err = { 0 };
	bool gone = false;
	GBytes *b;

	b = read_data(j, &why, &gone, &err);
	if (b != NULL) {
		process(j, b);
		g_bytes_unref(b);
	} else if (why != NULL) {
		set_aside(j, why);
	} else if (gone) {
		j->outcome = DD_DONE;   /* already finished (a re-run): nothing to do */
	} else {
		j->outcome = DD_RETRY;
		log_file(j, MK_LOG_WARNING, NULL, "retry", NULL, err.msg);
	}
}

void
dd_job_commit(GPtrArray *jobs)
{
	GPtrArray *st = g_ptr_array_new();

	for (guint i = 0; i < jobs->len; i++) {
		dd_job *j = jobs->pdata[i];

		if (j->outcome == DD_STAGED)
			g_ptr_array_add(st, j->staged);
	}
	dd_out_commit(st);
	for (guint i = 0; i < jobs->len; i++) {
		dd_job *j = jobs->pdata[i];
		const char *where = NULL;
		mk_error err = { 0 };

		if (j->outcome != DD_STAGED)
			continue;
		j->outcome = DD_RETRY;
		if (dd_out_result(j->staged, &where, &err) != 0) {
			log_file(j, MK_LOG_WARNING, j->qid, "retry", NULL, err.msg);
		} else {
			/* logged before the removal: a crash in between logs the
			 * file twice, never zero times */
			log_file(j, MK_LOG_INFO, j->qid, j->verdict, where, j->reason);
			if (unlink(j->data) != 0 && errno != ENOENT)
				mk_log(MK_LOG_WARNING, j->qid, "cannot remove %s: %s", j->data,
				       g_strerror(errno));
			j->outcome = DD_DONE;   /* a lost removal only re-runs it: idempotent */
		}
		dd_out_free(&j->staged);
		g_clear_pointer(&j->qid, g_free);
		g_clear_pointer(&j->verdict, g_free);
		g_clear_pointer(&j->reason, g_free);
	}
	g_ptr_array_unref(st);
}
