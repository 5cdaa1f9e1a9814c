/*
 * NAME
 *   f_fields - Word field instructions that may stay in a rebuilt document
 *   (shared by the OOXML and RTF filters)
 *
 * SUMMARY
 *   bool mk_field_instr_safe(const char *instr);
 *   char *mk_field_web_target(const char *instr);
 *
 * DESCRIPTION
 *   True when INSTR (the instruction text of a w:fldSimple/w:instrText or
 *   an RTF \fldinst, without nested fields: the callers drop those first)
 *   starts with a field type that only shows something taken from the
 *   document or its properties: PAGE, NUMPAGES, DATE, TIME, TOC, REF,
 *   PAGEREF, SEQ, STYLEREF, SECTION(PAGES), document properties, form
 *   fields, EQ, SYMBOL, "=" ...  The keyword must end there, or at a
 *   blank, a switch or a quote ("PAGEX", "PAGE1" are not PAGE).  An
 *   allowlist, not a denylist: DDE, INCLUDE*, IMPORT, LINK, HYPERLINK,
 *   QUOTE, MACROBUTTON, AUTOTEXT, PRINT, ADDIN, ASK, FILLIN, IF ... and
 *   every future keyword are not safe.
 *
 *   mk_field_web_target(): for a HYPERLINK instruction, its target when
 *   that is an http or https URL (at most MK_FIELD_MAX_URL bytes, no
 *   control character), else NULL.  The target is the first argument
 *   that is not a switch, quoted ("...", with \" and \\ escapes) or not;
 *   \l, \o and \t take an argument, \m, \n and \h none.  A \l-only
 *   link (to a bookmark) has no target.  The caller drops the field and
 *   writes the URL as defanged text (f_defang.h).  New string, caller
 *   frees.
 */
#ifndef MK_F_FIELDS_H
#define MK_F_FIELDS_H

#include <stdbool.h>

#define MK_FIELD_MAX_URL 4096

bool mk_field_instr_safe(const char *instr);
char *mk_field_web_target(const char *instr);   /* caller frees */

#endif
