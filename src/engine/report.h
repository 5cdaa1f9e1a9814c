/*
 * NAME
 *   report - the JSON report of one item (schema: docs/report-schema.json)
 *
 * SUMMARY
 *   char *mk_report_json(const mk_report_in *in);
 *
 * DESCRIPTION
 *   id, version, created (UTC), channel, verdict, quarantine_id (null when
 *   the original is not kept), reason, actions, elapsed_ms, scanner, and one
 *   object per node in pre-order: path, kind, role, depth, declared_name,
 *   declared_type, true_type, magic, size, sha256, findings [{code,detail}],
 *   action, rule, filter, filter_result.  Strings are data: escaped, never
 *   interpreted.  Caller frees.
 */
#ifndef MK_REPORT_H
#define MK_REPORT_H

#include <stdbool.h>

#include "item.h"

typedef struct mk_report_in {
	const char *id;
	const char *channel;
	mk_verdict verdict;
	bool stored;
	const char *reason;
	const char *actions;
	gint64 elapsed_ms;
	const char *scanner;
	const mk_node *root;
} mk_report_in;

char *mk_report_json(const mk_report_in *in);
/* Comma-separated distinct finding names of the tree. Caller frees. */
char *mk_report_findings(const mk_node *root);

#endif
