/*
 * NAME
 *   uu - uuencoded (and yEnc "=ybegin") blocks inside text bodies
 *
 * SUMMARY
 *   int mk_uu_extract(mk_ctx *ctx, mk_node *text_leaf, mk_error *err);
 *   char *mk_uu_strip(const char *text);
 *   bool mk_uu_maybe(const void *buf, gsize len);
 *
 * DESCRIPTION
 *   mk_uu_extract() finds "begin MODE NAME" ... "end" blocks (also "begin-base64")
 *   in a text leaf's data and adds an MK_NODE_EMBEDDED child per block with
 *   the decoded bytes and NAME, plus the finding uuencode on the text leaf.
 *   mk_uu_strip() returns TEXT with every such block replaced by one line
 *   "[uuencoded NAME removed]" so that the forwarded body never carries it.
 *
 *   mk_uu_maybe(): false when BUF has no line that could begin a block
 *   (a cheap test: the engine asks the worker for mk_uu_extract() only
 *   when it is true).
 *
 * OWNERSHIP
 *   mk_uu_strip returns a new string (caller frees).
 */
#ifndef MK_UU_H
#define MK_UU_H

#include "ctx.h"
#include "item.h"
#include "mk_error.h"

int mk_uu_extract(mk_ctx *ctx, mk_node *text_leaf, mk_error *err);
char *mk_uu_strip(const char *text);
bool mk_uu_maybe(const void *buf, gsize len);

#endif
