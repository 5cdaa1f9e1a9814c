/*
 * NAME
 *   body - the sanitize step (see body.c)
 */
#ifndef MK_BODY_H
#define MK_BODY_H

#include "config.h"
#include "item.h"
#include "sancache.h"

/* Render bodies to n->text and run filters (n->out) where the action is
 * sanitize; raises actions on failure.  Call after mk_policy_decide().
 * CACHE (may be NULL): sandboxed runs already made for the same bytes
 * under the same configuration and database (sancache.h) are taken from
 * it, new ones are put into it. */
void mk_sanitize_tree(const mk_config *cfg, mk_sancache *cache, mk_node *root);

#endif
