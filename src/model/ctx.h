/*
 * NAME
 *   ctx - per-item work context shared by the parsers and the engine steps
 *
 * DESCRIPTION
 *   Carries the configuration snapshot, the type sniffer of this thread, the
 *   time budget and running totals that the limits are checked against.  A
 *   parser that hits a limit adds MK_F_LIMIT to the node it was working on and
 *   stops descending; it never silently drops content.
 *
 *   passwords are tried on encrypted archives (archive.c); they are never
 *   copied, logged or reported.
 *
 * OWNERSHIP
 *   All pointers are borrowed.  One context per item, used by one thread.
 */
#ifndef MK_CTX_H
#define MK_CTX_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"

typedef struct mk_sniffer mk_sniffer;

typedef struct mk_ctx {
	const mk_config *cfg;     /* borrowed */
	mk_sniffer *sniffer;      /* borrowed, this thread's */
	gint64 deadline_us;       /* g_get_monotonic_time() bound, 0 = none */
	gint64 nodes;             /* nodes created so far */
	gint64 unpacked;          /* bytes produced by decoding containers */
	const GPtrArray *passwords; /* borrowed char*: candidate archive
	                             * passwords (PPAP unlock), NULL = none */
	gint64 decrypted;         /* encrypted archive members opened with them */
} mk_ctx;

void mk_ctx_init(mk_ctx *ctx, const mk_config *cfg, mk_sniffer *sniffer);
/* True once the item's time budget is spent. */
bool mk_ctx_expired(const mk_ctx *ctx);

#endif
