/*
 * NAME
 *   f_textrun - render a body or run a text filter on one node (inside
 *   the worker's "text" run)
 *
 * SUMMARY
 *   int mk_textrun_part(const mk_config *cfg, mk_node *n, const char *op,
 *                       mk_error *err);
 *
 * DESCRIPTION
 *   OP "body": n->text = the body rendered to UTF-8 text (charset decoded,
 *   uuencoded blocks removed, HTML rendered, links defanged; a block formed
 *   by rendering removed too); n->filter names what ran ("html2text",
 *   "text" when the text changed) and n->filter_result is "ok".  A failure
 *   leaves n->text NULL with a limit or filter_failed finding; returns 0.
 *   OP "html2text", "text", "csv", "ics": that filter (registry.h rows of
 *   the same names) sets n->out, n->out_type, n->out_name (and n->text).
 *   Reads from CFG only text.defang_links, text.show_link_targets,
 *   limits.html_max_nodes, limits.max_text_size, csv.prefix_formulas and
 *   general.language.
 *
 * FAILURE
 *   Filters: negative with err set (over limits.max_text_size:
 *   MK_ERR_LIMIT), n->out unset.  An unknown OP: MK_ERR_SOFTWARE.
 */
#ifndef MK_F_TEXTRUN_H
#define MK_F_TEXTRUN_H

#include "config.h"
#include "item.h"
#include "mk_error.h"

int mk_textrun_part(const mk_config *cfg, mk_node *n, const char *op,
                    mk_error *err);

#endif
