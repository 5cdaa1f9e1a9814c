/*
 * NAME
 *   mime - RFC 5322/MIME message to item tree, with GMime
 *
 * SUMMARY
 *   mk_node *mk_mime_parse(mk_ctx *ctx, GBytes *raw, mk_error *err);
 *   bool mk_mime_looks_like_message(const void *buf, size_t len);
 *
 * DESCRIPTION
 *   Builds a MK_NODE_MESSAGE root holding the GMimeMessage; below it the MIME
 *   tree: MK_NODE_MULTIPART for multiparts, MK_NODE_PART for leaves (decoded
 *   content in data), MK_NODE_MESSAGE for message/rfc822 parts (recursed).
 *   Declared name (RFC 2047/2231 decoded by GMime), declared type, charset,
 *   disposition, content id and role (body / alternative / attachment /
 *   inline) are recorded.  Leaves are not sniffed here: mk_expand() does that.
 *
 *   Defects are findings, not failures: duplicate Content-Type or
 *   Content-Disposition (duplicate_header; with another value, or a boundary,
 *   charset, name or filename parameter that readers can read differently:
 *   ambiguous_mime, mime_ambig.c), missing/unterminated boundaries
 *   (malformed_mime), message/partial (partial_message), message/external-body
 *   (external_body), multipart/signed (signed), multipart/encrypted and
 *   application/pkcs7-mime enveloped data (encrypted_mail), nesting past
 *   limits.max_mime_depth or more than limits.max_parts nodes (limit; the
 *   subtree below is not parsed), headers over limits.max_header_size (limit).
 *   Input that is not a message at all yields a root with parse_error.
 *
 * OWNERSHIP
 *   Returns a new tree (caller frees with mk_node_free), NULL only on an
 *   internal error (err set).
 */
#ifndef MK_MIME_H
#define MK_MIME_H

#include <glib.h>
#include <stdbool.h>

#include "ctx.h"
#include "item.h"
#include "mk_error.h"

void mk_mime_init(void);   /* g_mime_init once per process, thread safe */
/* mime_ambig.c: ambiguous_mime findings on N for OBJ's own Content-*
 * headers (repeated with other values, colliding parameters, name and
 * filename that differ). */
void mk_mime_ambig_check(mk_node *n, GMimeObject *obj);
mk_node *mk_mime_parse(mk_ctx *ctx, GBytes *raw, mk_error *err);
bool mk_mime_looks_like_message(const void *buf, size_t len);

#endif
