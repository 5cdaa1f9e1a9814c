/*
 * NAME
 *   registry - the sanitize filters and the true types each accepts
 *
 * SUMMARY
 *   const mk_filter *mk_filter_find(const char *true_type);
 *   int mk_filter_decode(const mk_config *cfg, mk_node *n, const char *what,
 *                        char **out, mk_error *err);
 *
 * DESCRIPTION
 *   A filter turns one node into a safe node of an allowed type: it reads
 *   n->data (and n->true_type, n->charset) and sets n->out, n->out_type and
 *   n->out_name (the output name; callers make it safe).  It never changes
 *   n->data.  Failure returns negative with err set; the engine then applies
 *   the filter_failed finding.  Filters for hostile complex formats run in
 *   the sandboxed worker (see DESIGN §2); so do the text filters
 *   (f_wtext.h).
 */
#ifndef MK_REGISTRY_H
#define MK_REGISTRY_H

#include "config.h"
#include "item.h"
#include "mk_error.h"

typedef struct mk_filter {
	const char *name;
	const char *types;   /* ';'-separated globs over true types */
	int (*run)(const mk_config *cfg, mk_node *n, mk_error *err);
} mk_filter;

const mk_filter *mk_filter_find(const char *true_type);
/* For the text filters (in the worker, f_textrun.c): *OUT = N's data decoded to UTF-8
 * (mk_text_to_utf8, n->charset as declared; a guess on input with bytes
 * over 0x7F or ESC adds the charset finding).  WHAT names the data in the
 * limit error ("text", "CSV" ...).  Negative + err: over
 * limits.max_text_size (MK_ERR_LIMIT) or an internal error. */
int mk_filter_decode(const mk_config *cfg, mk_node *n, const char *what,
                     char **out, mk_error *err);
/* NULL-terminated list of every filter (for `mukaika config dump`). */
const mk_filter *const *mk_filter_all(void);

#endif
