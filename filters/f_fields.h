/*
 * NAME
 *   f_fields - Word field instructions that may stay in a rebuilt document
 *   (shared by the OOXML and RTF filters)
 *
 * SUMMARY
 *   bool mk_field_instr_safe(const char *instr);
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
 */
#ifndef MK_F_FIELDS_H
#define MK_F_FIELDS_H

#include <stdbool.h>

bool mk_field_instr_safe(const char *instr);

#endif
