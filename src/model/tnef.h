/*
 * NAME
 *   tnef - MS-TNEF (winmail.dat, application/ms-tnef) attachments as children
 *
 * SUMMARY
 *   bool mk_tnef_is_tnef(const void *buf, size_t len);
 *   int mk_tnef_expand(mk_ctx *ctx, mk_node *leaf, mk_error *err);
 *
 * DESCRIPTION
 *   Own bounded parser (signature 0x223E9F78).  Each attachment becomes an
 *   MK_NODE_EMBEDDED child with its data and name (long name from MAPI
 *   PR_ATTACH_LONG_FILENAME when present, else attAttachTitle, else none).
 *   The message body (attBody or PR_BODY) becomes a child named "body.txt";
 *   compressed RTF (PR_RTF_COMPRESSED) is decompressed into "body.rtf".
 *   Embedded MAPI message objects are recorded as children with their raw
 *   bytes.  Any length that runs past the buffer, a bad checksum or a count
 *   over limits is a finding (parse_error / limit), never a crash.
 */
#ifndef MK_TNEF_H
#define MK_TNEF_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "item.h"
#include "mk_error.h"

bool mk_tnef_is_tnef(const void *buf, size_t len);
int mk_tnef_expand(mk_ctx *ctx, mk_node *leaf, mk_error *err);

#endif
