/*
 * NAME
 *   qstore - quarantine store: SQLite (WAL) metadata + content-addressed objects
 *
 * SUMMARY
 *   mk_qstore *mk_qstore_open(const mk_config *cfg, mk_error *err);
 *   int mk_qstore_put(mk_qstore *q, const mk_qmeta *m, GBytes *original,
 *                     mk_error *err);
 *
 * DESCRIPTION
 *   Objects live at DIR/objects/ab/cdef...(sha256 hex), written
 *   DIR/tmp/RANDOM -> fsync -> rename -> fsync(dir); an existing object is
 *   not rewritten.  Metadata rows live in the sqlite file (journal_mode=WAL,
 *   synchronous=FULL, busy_timeout), schema upgraded by numbered migrations
 *   (PRAGMA user_version).  put() stores the object first, then the row, in
 *   one transaction; any failure is MK_ERR_TEMP (callers tempfail).
 *   Paths come from quarantine.dir / quarantine.db (default under
 *   general.state_dir); ids are generated, never taken from input.
 *   One handle per thread (sqlite connection); handles may coexist.
 *
 * OWNERSHIP
 *   Strings in mk_qmeta are borrowed.  Records returned are new (free with
 *   mk_qrecord_free).
 */
#ifndef MK_QSTORE_H
#define MK_QSTORE_H

#include <glib.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

typedef struct mk_qstore mk_qstore;

typedef struct mk_qmeta {
	const char *id;          /* report/quarantine id */
	const char *channel;     /* "mail" | "file" */
	const char *sender;      /* envelope sender or NULL */
	const char *recipients;  /* comma-separated, or owner for files */
	const char *subject;     /* subject (mail) or file name (file) */
	mk_verdict verdict;
	const char *findings;    /* comma-separated finding names */
	const char *report_json;
	gint64 received;         /* unix seconds */
} mk_qmeta;

typedef struct mk_qrecord {
	char *id, *channel, *sender, *recipients, *subject, *findings;
	char *report_json, *sha256, *status;
	mk_verdict verdict;
	gint64 received, expires, size;
} mk_qrecord;

mk_qstore *mk_qstore_open(const mk_config *cfg, mk_error *err);
void mk_qstore_close(mk_qstore **q);
int mk_qstore_put(mk_qstore *q, const mk_qmeta *m, GBytes *original,
                  mk_error *err);
/* 0 and *out set; MK_ERR_NOINPUT if no such id. */
int mk_qstore_get(mk_qstore *q, const char *id, mk_qrecord **out, mk_error *err);
/* Newest first; LIMIT 0 = all.  Array of mk_qrecord* (free func set). */
int mk_qstore_list(mk_qstore *q, int limit, GPtrArray **out, mk_error *err);
/* The original bytes of an item, verified against its sha256. */
GBytes *mk_qstore_object(mk_qstore *q, const char *sha256, mk_error *err);
void mk_qrecord_free(mk_qrecord **r);
/* Underlying sqlite handle for modules that extend the schema (borrowed). */
struct sqlite3 *mk_qstore_db(mk_qstore *q);

#endif
