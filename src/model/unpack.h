/*
 * NAME
 *   unpack - a leaf's container and Office parsing, done by the sandboxed
 *   worker (engine side)
 *
 * SUMMARY
 *   bool mk_unpack_wanted(const mk_node *n, bool uu);
 *   mk_node *mk_unpack_run(mk_ctx *ctx, mk_node *n, bool refine, bool uu,
 *                          mk_error *err);
 *   void mk_unpack_adopt(mk_node *n, mk_node **result);
 *
 * DESCRIPTION
 *   The engine process looks at a leaf's bytes only to choose: a zip, OLE2
 *   or RTF signature, a TNEF signature, an archive or compressed-stream
 *   true type, or (UU: a text leaf that may carry encoded blocks) a line
 *   that could begin a uuencoded block.  mk_unpack_wanted() is that test.
 *
 *   mk_unpack_run() sends the leaf to `mukaika-worker unpack` (one run per
 *   container, through the fork server) and returns the worker's answer as
 *   a detached node (nodewire.h): the refined true type is set on N at
 *   once (REFINE: N's type came from libmagic in this pass), the findings
 *   and children wait in the result until mk_unpack_adopt() moves them
 *   under N (after the name checks, so a report lists findings in the
 *   order it did when this ran in process).  The item's totals in CTX
 *   (nodes, unpacked bytes, decrypted members) are taken over from the
 *   worker; candidate PPAP passwords in CTX go along in the sealed input.
 *
 *   Limits: the run gets worker.max_memory, worker.cpu_s and seccomp like
 *   every worker run; its wall clock is worker.timeout_ms or what is left
 *   of limits.item_time_budget_ms, whichever is less; its output is
 *   bounded by what is left of limits.max_unpacked_size plus
 *   MK_UNPACK_META_MAX for names and findings.
 *
 * FAILURE
 *   The worker dying (memory limit, signal, bad exit), answering a
 *   malformed node list, or running out of time is a verdict on N, not an
 *   error: the result then carries worker_crash or worker_timeout (a
 *   node list over its bound: limit) and no children; the default policy
 *   holds the item.  NULL with err set only when no worker could be
 *   started at all (not found, fork or memfd failed): the engine then
 *   fails the item (tempfail), it never parses in process instead.
 *
 * OWNERSHIP
 *   The result is new; mk_unpack_adopt() consumes it (*result = NULL).
 */
#ifndef MK_UNPACK_H
#define MK_UNPACK_H

#include <stdbool.h>

#include "ctx.h"
#include "item.h"
#include "mk_error.h"

/* Protocol bound on the names and findings of one node list (not a
 * content limit: the members' bytes are bounded by max_unpacked_size). */
#define MK_UNPACK_META_MAX (64 * 1024 * 1024)

bool mk_unpack_wanted(const mk_node *n, bool uu);
mk_node *mk_unpack_run(mk_ctx *ctx, mk_node *n, bool refine, bool uu,
                       mk_error *err);
void mk_unpack_adopt(mk_node *n, mk_node **result);

#endif
