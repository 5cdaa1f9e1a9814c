/*
 * NAME
 *   registry - the sanitize filters and the true types each accepts
 *
 * SUMMARY
 *   const mk_filter *mk_filter_find(const char *true_type);
 *
 * DESCRIPTION
 *   A filter turns one node into a safe node of an allowed type: it reads
 *   n->data (and n->true_type, n->charset) and sets n->out, n->out_type and
 *   n->out_name (the output name; callers make it safe).  It never changes
 *   n->data.  Failure returns negative with err set; the engine then applies
 *   the filter_failed finding.  Filters for hostile complex formats run in
 *   the sandboxed worker (see DESIGN §2); in-process filters here are limited
 *   to text formats.
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
/* NULL-terminated list of every filter (for `mukaika config dump`). */
const mk_filter *const *mk_filter_all(void);

#endif
