/*
 * NAME
 *   f_wtext - bodies and text parts rendered by the sandboxed worker
 *   (engine side of the "text" run)
 *
 * SUMMARY
 *   bool mk_wtext_is_body(const mk_node *n);
 *   const char *mk_wtext_op(const mk_node *n);
 *   void mk_wtext_run(const mk_config *cfg, GPtrArray *nodes,
 *                     const char *const *ops, int *rcs, mk_error *errs);
 *   int mk_wtext_filter(const mk_config *cfg, mk_node *n, mk_error *err);
 *
 * DESCRIPTION
 *   The HTML, plain text, CSV and iCalendar filters, the charset decoding
 *   and the uuencode stripping read attacker bytes: they run in
 *   `mukaika-worker text` (f_textrun.h) under the worker's memory, CPU and
 *   seccomp limits and worker.timeout_ms, never in a daemon.  One run takes
 *   every body and text part of an item (textwire.h), so a text mail costs
 *   one fork of the fork server, not one per part.
 *
 *   mk_wtext_op(): "body" for a mail body (mk_wtext_is_body: role body,
 *   rule "body"), the filter name for a part whose registry row runs here
 *   (html2text, text, csv, ics), else NULL.
 *
 *   mk_wtext_run(): one run for NODES (OPS[i]: mk_wtext_op() of each, taken
 *   before: a finding changes a body's rule); the answer is put
 *   on the nodes: a body gets n->text, n->filter, n->filter_result "ok"
 *   and the findings (limit and filter_failed raise its action, as when
 *   it was rendered in process); a text part gets n->out, n->out_type,
 *   n->out_name, n->text and its findings and notes, and RCS[i] = 0; a
 *   failed filter RCS[i] < 0 with ERRS[i] set (the caller applies
 *   filter_failed, body.c).  RCS and ERRS have NODES->len elements.
 *
 *   mk_wtext_filter(): the registry run function of those rows: the same
 *   for one node.
 *
 * FAILURE
 *   The worker dying (memory or CPU limit, a signal), running past
 *   worker.timeout_ms or answering a malformed response is a verdict on
 *   every node of the run: worker_crash or worker_timeout (held by the
 *   default policy), no text, no output, RCS[i] < 0.  Never a dead or
 *   stalled daemon, never the original bytes.
 */
#ifndef MK_F_WTEXT_H
#define MK_F_WTEXT_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

bool mk_wtext_is_body(const mk_node *n);
const char *mk_wtext_op(const mk_node *n);
void mk_wtext_run(const mk_config *cfg, GPtrArray *nodes,
                  const char *const *ops, int *rcs, mk_error *errs);
int mk_wtext_filter(const mk_config *cfg, mk_node *n, mk_error *err);

#endif
