/*
 * NAME
 *   expand - classify a node and unpack what it contains, recursively
 *
 * DESCRIPTION
 *   For every leaf below ROOT: sniff the true type, check names, inspect
 *   Office containers, and unpack containers (archives, TNEF, uuencoded text)
 *   into children, within the limits of CTX; then the same for each child.
 *   The Office inspection and the unpacking run in the sandboxed worker
 *   (unpack.h), one run per container; this process sees their result as
 *   a node list.
 */
#ifndef MK_EXPAND_H
#define MK_EXPAND_H

#include "ctx.h"
#include "item.h"
#include "mk_error.h"

int mk_expand_tree(mk_ctx *ctx, mk_node *root, mk_error *err);

#endif
