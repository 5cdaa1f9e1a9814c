/*
 * NAME
 *   body - the sanitize step (see body.c)
 */
#ifndef MK_BODY_H
#define MK_BODY_H

#include "config.h"
#include "item.h"

/* Render bodies to n->text and run filters (n->out) where the action is
 * sanitize; raises actions on failure.  Call after mk_policy_decide(). */
void mk_sanitize_tree(const mk_config *cfg, mk_node *root);

#endif
