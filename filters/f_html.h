/*
 * NAME
 *   f_html - HTML to plain text with libxml2's HTML parser
 *
 * SUMMARY
 *   char *mk_html_to_text(const char *utf8, size_t len,
 *                         const mk_html_opts *opts, mk_error *err);
 *
 * DESCRIPTION
 *   Parses with htmlReadMemory(HTML_PARSE_RECOVER | HTML_PARSE_NONET |
 *   HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING), no external entities, no
 *   network; the input is already UTF-8 (callers decode with f_text first).
 *   Renders: script/style/head/template/noscript/object/embed/iframe
 *   dropped; block elements (p, div, h1-6, blockquote, pre, tr, br, hr, li,
 *   dt/dd, section ...) to line breaks; li as "- " / "1. ", tables as rows
 *   with cells separated by " | "; pre keeps whitespace; other whitespace
 *   collapsed; entities decoded; <a href> written as "TEXT <URL>" (URL
 *   defanged with mk_defang_url() when opts->defang: UNC paths and
 *   protocol-handler schemes too, "<[\\]evil[.]example\s>",
 *   "<search-ms[:]...>"; omitted when it equals the text; javascript:,
 *   data:, vbscript: and file: targets are replaced by "[removed link]");
 *   a link whose shown text names another host than its target
 *   (mk_link_misleads) gets opts->mismatch_mark after its text, counted
 *   in *opts->mismatches;
 *   images written as "[image: ALT]" or dropped; hidden elements
 *   (display:none, hidden attribute) dropped.  More than opts->max_nodes
 *   elements: stops and returns what it has with *truncated set.
 *   With opts->defang the whole text (visible text and written targets)
 *   goes through mk_text_defang().  Result is normalised with
 *   mk_text_normalise().
 *
 * OWNERSHIP
 *   Returns a new string (caller frees); NULL + err on internal error only.
 */
#ifndef MK_F_HTML_H
#define MK_F_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mk_error.h"

typedef struct mk_html_opts {
	bool defang;          /* defang link targets */
	bool show_links;      /* write link targets at all */
	int64_t max_nodes;    /* element budget */
	bool *truncated;      /* out, may be NULL */
	const char *mismatch_mark;  /* NULL: MK_HTML_MISMATCH_MARK_EN */
	unsigned *mismatches; /* out, may be NULL: links counted */
} mk_html_opts;

#define MK_HTML_MISMATCH_MARK_EN "[Warning: link target differs from its text]"
#define MK_HTML_MISMATCH_MARK_JA "【注意: 表示と異なるリンク先】"
/* The mark for general.language LANG ("en" or "ja"). */
#define MK_HTML_MISMATCH_MARK(lang) \
	(g_strcmp0((lang), "en") == 0 ? MK_HTML_MISMATCH_MARK_EN : MK_HTML_MISMATCH_MARK_JA)

char *mk_html_to_text(const char *utf8, size_t len, const mk_html_opts *opts,
                      mk_error *err);

#endif
