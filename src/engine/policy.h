/*
 * NAME
 *   policy - node actions from true type rules and findings; item verdict
 *
 * DESCRIPTION
 *   mk_policy_decide() sets n->action and n->rule on every node: the first
 *   [policy] rule whose glob matches the true type (default action when none),
 *   raised to the least action of each finding ([findings]).  Containers
 *   (messages, multiparts) take no type rule; an archive's decision covers
 *   itself, and its members' quarantine/reject raise the item.  Body parts
 *   (role body) are always converted to text; an executable or a virus in a
 *   body still counts.
 *
 *   mk_policy_verdict(): the maximum over the tree of the verdict each node's
 *   action implies (PASS < CLEANED < STRIPPED < QUARANTINED < REJECTED <
 *   TEMPFAIL); scan_error anywhere is TEMPFAIL.
 */
#ifndef MK_POLICY_H
#define MK_POLICY_H

#include "config.h"
#include "item.h"

void mk_policy_decide(const mk_config *cfg, mk_node *root, bool av_only);
mk_verdict mk_policy_verdict(const mk_node *root);
/* True for containers replaced by their children (TNEF, attached .eml). */
bool mk_policy_is_unwrapped(const mk_node *n);

#endif
