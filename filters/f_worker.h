/*
 * NAME
 *   f_worker - registry run function for every filter that runs in the
 *   sandboxed worker
 *
 * SUMMARY
 *   int mk_worker_filter(const mk_config *cfg, mk_node *n, mk_error *err);
 *   char *mk_worker_out_name(const char *declared, const char *out_type);
 *
 * DESCRIPTION
 *   The worker filter's name is the name of the registry row that accepts
 *   n->true_type (rows "image", "pdf", "ooxml", "rtf" in filters/registry.c
 *   have run = mk_worker_filter and the same names as the mk_wfilter
 *   table in src/worker/wregistry.c).  n->data goes to mukaika-worker
 *   through mk_worker_run(); on success n->out, n->out_type and n->out_name
 *   are set.  The worker's notes are logged at info level and appended
 *   to n->notes (they go to the report).
 *
 *   mk_worker_out_name(): the declared name with its extension changed to
 *   the one of OUT_TYPE when it names another type ("a.bmp" -> "a.png",
 *   "x.docm" -> "x.docx"); "attachment.EXT" without a name.  Caller frees.
 *
 * NEVER
 *   Sets n->out to anything but the worker's output; changes n->data.
 *
 * FAILURE
 *   Negative with err set (see wclient.h): the engine adds filter_failed.
 */
#ifndef MK_F_WORKER_H
#define MK_F_WORKER_H

#include "config.h"
#include "item.h"
#include "mk_error.h"

int mk_worker_filter(const mk_config *cfg, mk_node *n, mk_error *err);
char *mk_worker_out_name(const char *declared, const char *out_type);
/* What a worker run's NOTES do to N: logged, appended to n->notes, and
 * the findings some of them carry (fnote.h) added.  Used for a fresh run
 * and for one taken from the sanitize cache alike. */
void mk_worker_apply_notes(mk_node *n, const char *filter, const GPtrArray *notes);

#endif
