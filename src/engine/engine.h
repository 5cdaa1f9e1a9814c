/*
 * NAME
 *   engine - the sanitization pipeline shared by every front end
 *
 * SUMMARY
 *   mk_engine *mk_engine_new(mk_config *cfg, mk_engine_port *port,
 *                            mk_error *err);
 *   int mk_engine_process(mk_engine *e, const mk_input *in, mk_result **out,
 *                         mk_error *err);
 *
 * DESCRIPTION
 *   parse -> classify -> scan -> decide -> sanitize -> rebuild -> report
 *   -> store (DESIGN §3): the verdict, the output and the report are
 *   final before the original is stored, and what is stored is that
 *   report; a store failure then turns the item into TEMPFAIL.  mk_engine_new() loads the scanner; when the
 *   signature database is missing, empty, unloadable or stale it still
 *   returns an engine, whose every item ends TEMPFAIL with the reason
 *   (mk_engine_ready() tells).  mk_engine_process() always produces a result
 *   for an item; internal failures (scanner, store, disk, time) give verdict
 *   TEMPFAIL, never a forwarded output.  It returns negative only for usage
 *   errors (no input).
 *
 *   The engine never opens the quarantine store: it sees it through a
 *   narrow port (mk_engine_port, DESIGN §5) that puts an original with
 *   its report and finds the approved policy exception for an envelope
 *   sender; src/store/store_port.h makes one over the configured store.
 *   Without a port nothing can be stored, so an item that must be kept
 *   ends TEMPFAIL (scan-only callers set no_store).
 *
 *   A document's sandboxed filter run is made once per engine for the same
 *   bytes: the engine keeps the results in its own bounded cache, keyed by
 *   the bytes' sha256, the filter, the configuration digest and the
 *   database version (sancache.h); every other step runs for every item.
 *
 *   Thread safety: one engine serves many threads; each call uses its own
 *   context and this thread's sniffer; the port is called from any of
 *   them (it serialises itself).
 *
 * OWNERSHIP
 *   The engine holds a reference on CFG and owns PORT (port->free).  The result is new (free with
 *   mk_result_free); its strings and bytes are owned by it.
 */
#ifndef MK_ENGINE_H
#define MK_ENGINE_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"
#include "policy.h"
#include "sancache.h"

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
	bool stored_before;        /* with no_store: the quarantine already holds
	                            * the original under ID (a re-run after a
	                            * crash): the output says it is kept, as the
	                            * first run's did, so both runs give the
	                            * same bytes */
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

/* The engine's view of the quarantine store.  put(): keep ORIGINAL with
 * META (0, or MK_ERR_TEMP/MK_ERR_DATA with ERR set).  exception(): the
 * approved exception that applies to envelope SENDER at NOW in *PE, its
 * pattern copied to *PATTERN (caller frees); false when none.  note():
 * count a finished item (every verdict but TEMPFAIL, stored or not; not
 * scan-only runs), for `mukaika report`; it cannot fail the item.  free()
 * releases ctx. */
typedef struct mk_engine_port {
	void *ctx;
	int (*put)(void *ctx, const mk_qmeta *meta, GBytes *original, mk_error *err);
	bool (*exception)(void *ctx, const char *sender, gint64 now, mk_policy_exc *pe,
	                  char **pattern);
	void (*note)(void *ctx, const mk_qmeta *meta, gint64 size, bool stored);
	void (*free)(void *ctx);
} mk_engine_port;

/* PORT (may be NULL: nothing can be stored) is taken over, also on failure. */
mk_engine *mk_engine_new(mk_config *cfg, mk_engine_port *port, mk_error *err);
void mk_engine_free(mk_engine **e);
/* 0 when the scanner is usable, else MK_ERR_TEMP + reason. */
int mk_engine_ready(mk_engine *e, mk_error *err);
const mk_config *mk_engine_config(const mk_engine *e);

/* The engine's sanitize cache (sancache.h; worker.cache_size), NULL when
 * off or the scanner did not load.  Borrowed. */
mk_sancache *mk_engine_cache(mk_engine *e);

int mk_engine_process(mk_engine *e, const mk_input *in, mk_result **out,
                      mk_error *err);
void mk_result_free(mk_result **r);

#endif
