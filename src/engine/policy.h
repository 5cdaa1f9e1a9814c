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
 *
 *   mk_policy_decide_exc(): the same with an approved exception: a block
 *   (reject/quarantine) raises the root; a relaxation turns holds caused
 *   only by waivable findings (or the fallback type rule) into sanitize
 *   (filter, else strip) or strip; never a virus, a limit, a parse error.
 */
#ifndef MK_POLICY_H
#define MK_POLICY_H

#include "config.h"
#include "item.h"

void mk_policy_decide(const mk_config *cfg, mk_node *root, bool av_only);

/* An approved policy exception that matched the envelope sender (copied
 * from the store's mk_exception; semantics in src/store/exceptions.c). */
typedef struct mk_policy_exc {
	gint64 id;
	const char *pattern;       /* borrowed */
	mk_action action;
} mk_policy_exc;

/* mk_policy_decide() with EXC applied (NULL: none); adds the finding
 * exception_applied to the root when EXC is not NULL.  Ignored on the
 * outbound route (AV_ONLY). */
void mk_policy_decide_exc(const mk_config *cfg, mk_node *root, bool av_only,
                          const mk_policy_exc *exc);
mk_verdict mk_policy_verdict(const mk_node *root);
/* Raise N's action to the configured action of finding CODE when that is
 * stricter; the rule becomes "finding:NAME". */
void mk_policy_raise(const mk_config *cfg, mk_node *n, mk_finding_code code);
/* True for containers replaced by their children (TNEF, attached .eml). */
bool mk_policy_is_unwrapped(const mk_node *n);

#endif
