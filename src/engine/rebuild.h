/*
 * NAME
 *   rebuild - the forwarded message, built anew from the sanitized tree
 *
 * SUMMARY
 *   GBytes *mk_rebuild_message(const mk_rebuild_in *in, mk_error *err);
 *
 * DESCRIPTION
 *   A new GMimeMessage: the headers listed in rebuild.keep_headers copied
 *   from the original (decoded, control characters removed, re-encoded by
 *   GMime), X-Mukaika-Status/-Report-Id/-Actions, and a body that is one
 *   UTF-8 text/plain part (base64) holding the notice and the rendered body
 *   texts (attached messages inlined after a separator), followed by the
 *   forwarded parts: allowed leaves with their own bytes, sanitized leaves
 *   with the filter output, both typed by their true (or output) type and
 *   named by mk_names_safe().  Nothing else: no original part is copied as
 *   MIME, so no header, parameter or encoding of the input survives except
 *   the kept header values.  notice_only leaves the bodies and parts out.
 *   The multipart boundary is derived from the id (reproducible output).
 *   Lines end in LF.
 *
 * OWNERSHIP
 *   Returns new bytes (caller unrefs).
 */
#ifndef MK_REBUILD_H
#define MK_REBUILD_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

typedef struct mk_rebuild_in {
	const mk_config *cfg;
	const mk_node *root;
	const char *notice;     /* may be NULL */
	const char *id;
	mk_verdict verdict;
	const char *actions;
	bool notice_only;
} mk_rebuild_in;

GBytes *mk_rebuild_message(const mk_rebuild_in *in, mk_error *err);

#endif
