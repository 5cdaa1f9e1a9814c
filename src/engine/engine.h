/*
 * NAME
 *   engine - the sanitization pipeline shared by every front end
 *
 * SUMMARY
 *   mk_engine *mk_engine_new(mk_config *cfg, mk_error *err);
 *   int mk_engine_process(mk_engine *e, const mk_input *in, mk_result **out,
 *                         mk_error *err);
 *
 * DESCRIPTION
 *   parse -> classify -> scan -> decide -> sanitize -> rebuild -> store ->
 *   report (DESIGN §3).  mk_engine_new() loads the scanner; when the
 *   signature database is missing, empty, unloadable or stale it still
 *   returns an engine, whose every item ends TEMPFAIL with the reason
 *   (mk_engine_ready() tells).  mk_engine_process() always produces a result
 *   for an item; internal failures (scanner, store, disk, time) give verdict
 *   TEMPFAIL, never a forwarded output.  It returns negative only for usage
 *   errors (no input).
 *
 *   Approved policy exceptions (review.h, src/store/exceptions.c) are read
 *   from the quarantine store when the engine is created, if its database
 *   exists, and again at most every quarantine.exceptions_refresh_s
 *   seconds; when the store cannot be read the last list is kept (logged).
 *   The one matching the envelope sender is applied by the policy step.
 *
 *   Thread safety: one engine serves many threads; each call uses its own
 *   context, this thread's sniffer and its own store handle.
 *
 * OWNERSHIP
 *   The engine holds a reference on CFG.  The result is new (free with
 *   mk_result_free); its strings and bytes are owned by it.
 */
#ifndef MK_ENGINE_H
#define MK_ENGINE_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

typedef struct mk_engine mk_engine;

typedef enum { MK_MODE_AUTO = 0, MK_MODE_MAIL, MK_MODE_FILE } mk_mode;

typedef struct mk_input {
	GBytes *data;              /* the item, borrowed */
	mk_mode mode;
	const char *name;          /* file name (file mode), data only */
	const char *channel;       /* "mail" | "file" (default by mode) */
	const char *sender;        /* envelope sender, may be NULL */
	const char *recipients;    /* comma-separated, or file owner */
	const char *id;            /* fixed report id, or NULL to generate */
	bool no_store;             /* do not write the quarantine (scan only) */
	bool inbound_only_av;      /* outbound route: AV scan and limits only */
	const GPtrArray *passwords;/* borrowed char*: archive passwords for this
	                            * run only (PPAP unlock); never stored,
	                            * logged or reported; the caller wipes them */
} mk_input;

typedef struct mk_result {
	char *id;                  /* report id (also the quarantine id) */
	mk_verdict verdict;
	bool stored;               /* original is in the quarantine */
	mk_node *root;             /* the annotated tree */
	GBytes *output;            /* forwarded bytes, NULL when nothing goes on */
	char *output_name;         /* file mode: name for the output */
	char *actions;             /* for X-Mukaika-Actions, e.g. "html2text, strip=2" */
	char *reason;              /* one line, for SMTP replies and logs */
	char *report_json;
	gint64 elapsed_ms;
	bool is_mail;
} mk_result;

mk_engine *mk_engine_new(mk_config *cfg, mk_error *err);
void mk_engine_free(mk_engine **e);
/* 0 when the scanner and store are usable, else MK_ERR_TEMP + reason. */
int mk_engine_ready(mk_engine *e, mk_error *err);
const mk_config *mk_engine_config(const mk_engine *e);

int mk_engine_process(mk_engine *e, const mk_input *in, mk_result **out,
                      mk_error *err);
void mk_result_free(mk_result **r);

#endif
