/*
 * NAME
 *   dd - internal interfaces of mukaika-dropd (the file-drop gateway)
 *
 * SUMMARY
 *   dd_engine_new/ref/put        engine + config snapshot holder (dd_engine.c)
 *   dd_watch_*                   inotify, rescan and settle check (dd_watch.c)
 *   dd_job_claim/recover         claim a batch into work/, recover (dd_job.c)
 *   dd_job_run/commit            process (pool), make a batch durable
 *                                and finish it (main thread) (dd_run.c)
 *   dd_out_*                     output directories, staged tmp files,
 *                                group commit with atomic no-replace
 *                                placement, blocked notices (dd_out.c)
 *
 * DESCRIPTION
 *   Layout: in/<user>/<sub/path> -> out/<user>/<safe sub/path>.  Files are
 *   claimed in batches: one claim file work/c-BID lists, per job N, the
 *   owner folder and relative path (base64 data), written and fsynced
 *   before the entries are rename()d to work/j-BID.N (flat, no per-job
 *   directory).  A job's tmp output and report are staged by the pool;
 *   the main thread makes a group of staged jobs durable together
 *   (syncfs, renames, one fsync per directory) before removing their work
 *   copies.  Names from the drop folder are data only: every path
 *   component written under out/ is mk_names_safe()d and opened below a
 *   directory fd with O_NOFOLLOW.  work/rejected/ keeps entries that could
 *   not be processed (symlinks, special files, files over
 *   limits.max_file_size) as j-ID with j-ID.job beside it: moved aside,
 *   never deleted.
 *
 * OWNERSHIP
 *   dd_engine_* are reference counted; dd_job is owned by whoever holds it
 *   (main loop, then the pool task, then the done queue).
 */
#ifndef DD_H
#define DD_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "engine/engine.h"
#include "metrics.h"
#include "mk_error.h"
#include "store/qstore.h"

/* Claimed jobs per worker thread that may wait in the pool's queue; new
 * files are claimed (one claim file, two fsyncs) when half of it is free. */
#define DD_QUEUE_FACTOR 8
/* Staged jobs made durable together: at most this many, and none waits
 * longer than DD_COMMIT_MS once staged (sooner when the pool is idle). */
#define DD_COMMIT_MAX 64
#define DD_COMMIT_MS 100
/* " (2)" .. " (N-1)" are tried for a colliding output name, then tempfail. */
#define DD_MAX_SUFFIX 1000
/* Bytes kept free in a component for " (NNN)", ".blocked.txt", ".report.json". */
#define DD_NAME_RESERVE 40
/* Longest name component a filesystem takes (NAME_MAX on Linux). */
#define DD_NAME_MAX 255
/* Deepest sub-folder walked below in/ (deeper trees get a log line). */
#define DD_MAX_DEPTH 64
/* Main loop tick bounds (ms) for settle checks. */
#define DD_TICK_MIN_MS 50
#define DD_TICK_MAX_MS 1000
/* Longest extension kept when " (2)" is inserted before it. */
#define DD_EXT_MAX 16
/* Longest reason text shown in a blocked notice. */
#define DD_REASON_MAX 400

#define DD_JOB_PREFIX "j-"
#define DD_CLAIM_PREFIX "c-"
#define DD_JOB_SUFFIX ".job"     /* metadata beside a rejected entry */
/* Layout before claim files: work/j-ID/{job,data}; recovered, converted. */
#define DD_JOB_FILE "job"
#define DD_DATA_FILE "data"
#define DD_REJECTED "rejected"
#define DD_TMP_PREFIX ".mk-tmp."

/* Engine + config snapshot; a job keeps the holder it was claimed with. */
typedef struct dd_engine {
	gint ref;
	mk_config *cfg;       /* owned */
	mk_engine *engine;    /* owned */
	GMutex store_lock;
	mk_store *store;     /* opened lazily, for "already stored?" checks */
	uid_t out_uid;        /* -1 = keep */
	gid_t out_gid;
	gint64 created_us;
} dd_engine;

/* The process's counters (dd_main.c; NULL when metrics.enabled is
 * false): each run of a job is counted once, in dd_run.c. */
extern mk_metrics *dd_metrics;

dd_engine *dd_engine_new(mk_config *cfg, mk_error *err);
/* dropd.out_owner as uid/gid (-1: keep); MK_ERR_CONFIG when it names an
 * unknown account or one general.user cannot give files to
 * (mk_daemon_chown_ok: computed while root, checked as we are after). */
int dd_owner_resolve(const mk_config *cfg, uid_t *uid, gid_t *gid, mk_error *err);
dd_engine *dd_engine_ref(dd_engine *h);
void dd_engine_put(dd_engine **h);
bool dd_engine_ready(dd_engine *h, mk_error *err);
/* 1 if ID is already in the quarantine store (record in *rec, caller
 * frees), 0 if not, negative on a store error. */
int dd_engine_stored(dd_engine *h, const char *id, mk_qrecord **rec,
                     mk_error *err);

/* A candidate seen in in/ and ready to be claimed. */
typedef struct dd_cand {
	char *path;           /* absolute */
	bool special;         /* not a regular file (symlink, FIFO, device...) */
} dd_cand;
void dd_cand_free(gpointer c);

typedef struct dd_watch dd_watch;
dd_watch *dd_watch_new(const char *in_dir, bool inotify, mk_error *err);
void dd_watch_free(dd_watch **w);
int dd_watch_fd(const dd_watch *w);      /* inotify fd, or -1 */
void dd_watch_events(dd_watch *w);       /* read and apply inotify events */
void dd_watch_rescan(dd_watch *w);       /* full walk of in/ */
/* Up to MAX ready candidates (dd_cand*, free func set).  Settled means
 * size, mtime and ctime unchanged for SETTLE_MS; with OLD_OK a file whose
 * ctime is already SETTLE_MS old is settled too (--once). */
GPtrArray *dd_watch_ready(dd_watch *w, gint64 settle_ms, bool old_ok, guint max);
guint dd_watch_pending(const dd_watch *w);
void dd_watch_forget(dd_watch *w, const char *path);
const char *dd_watch_root(const dd_watch *w);

typedef enum { DD_DONE = 0, DD_RETRY, DD_STAGED } dd_outcome;

/* One claim file; shared by the jobs it lists (reference counted).  LEFT
 * (jobs not finished) is touched by the main thread only. */
typedef struct dd_claim {
	gint ref;
	char *path;           /* work/c-BID, absolute */
	guint left;
} dd_claim;

void dd_claim_unref(dd_claim **c);
/* Remove the claim files PATHS (char*, emptied) whose jobs all finished:
 * their directory is fsynced first, so no removed work copy can outlive
 * its claim record. */
void dd_claims_release(GPtrArray *paths);

typedef struct dd_staged dd_staged;

typedef struct dd_job {
	char *jid;            /* "j-BID.N" */
	char *data;           /* work/<jid>, absolute */
	char *user;           /* raw owner folder name, "" at top level */
	char *rel;            /* raw path below the owner folder, '/'-separated */
	dd_engine *eng;       /* reference */
	dd_claim *claim;      /* reference */
	dd_outcome outcome;
	gint64 due_us;        /* monotonic time of the next attempt (retry) */
	/* DD_STAGED: what dd_job_commit() places and logs (owned) */
	dd_staged *staged;
	char *qid, *verdict, *reason;
} dd_job;

void dd_job_free(dd_job **j);
/* Claim the dd_cand* of CANDS (below IN_DIR) with one claim file.  The
 * jobs (dd_job*, free func set) may be fewer: vanished or failed ones are
 * skipped (failures logged). */
GPtrArray *dd_job_claim(dd_engine *h, const char *in_dir, GPtrArray *cands);
/* Jobs left in work/ (dd_job*, free func set); broken ones are moved
 * aside; claim files without jobs are removed. */
GPtrArray *dd_job_recover(dd_engine *h, mk_error *err);
/* Process one claimed job (pool thread): sets j->outcome (dd_run.c). */
void dd_job_run(dd_job *j);
/* Make the DD_STAGED jobs of JOBS durable together, log them and remove
 * their work copies: each becomes DD_DONE or DD_RETRY (main thread). */
void dd_job_commit(GPtrArray *jobs);
/* Move work/<jid> aside to work/rejected/ with its metadata (jid.job). */
int dd_job_set_aside(dd_job *j, mk_error *err);

/* Output side. */
typedef struct dd_place {
	const mk_config *cfg;
	uid_t uid;            /* -1 = keep */
	gid_t gid;
	const char *jid;      /* names the tmp files */
	const char *user;     /* raw */
	const char *rel;      /* raw relative path (its last component is replaced) */
	const char *name;     /* raw output file name */
} dd_place;

/* Stage CONTENT (or a blocked NOTICE when blocked) for out/USER/DIRS/NAME
 * and the REPORT (may be NULL) beside it or in dropd.report_dir: tmp
 * files written, not yet synced or visible.  *st is new (dd_out_free).
 * MK_ERR_TEMP on a filesystem failure (disk full...). */
int dd_out_stage(const dd_place *p, GBytes *content, bool blocked,
                 const char *report, dd_staged **st, mk_error *err);
/* Make the dd_staged* of LIST durable and visible together: one syncfs()
 * per filesystem, renames (" (k)" on collision; an existing file with the
 * same content counts as written), one fsync per directory.  Each gets
 * its own result (dd_out_result). */
void dd_out_commit(GPtrArray *list);
/* 0 with *where (relative output path, borrowed) or MK_ERR_TEMP. */
int dd_out_result(const dd_staged *st, const char **where, mk_error *err);
/* Closes the directories, removes tmp files not placed; NULL-safe. */
void dd_out_free(dd_staged **st);
/* Stage + commit one (the set-aside path). *where: caller frees. */
int dd_out_write(const dd_place *p, GBytes *content, bool blocked,
                 const char *report, char **where, mk_error *err);
/* Blocked-notice text in general.language (caller frees). */
char *dd_out_notice(const mk_config *cfg, const char *name, const char *verdict,
                    const char *reason, const char *qid, const char *aside);
/* mk_names_safe() bounded for a filesystem component (caller frees). */
char *dd_out_safe_name(const mk_config *cfg, const char *raw);

#endif
