/*
 * NAME
 *   fnote - structured filter notes: what a filter removed or changed, as a
 *   code and a count, in words for the report (English) and the notice
 *   (ja/en)
 *
 * SUMMARY
 *   mk_fnote_add(notes, MK_FN_VBA, 2);      "vba 2: removed 2 VBA project(s) (macros)"
 *   if (mk_fnote_parse(note, &code, &count)) ... mk_fnote_text(code, "ja", count)
 *
 * DESCRIPTION
 *   A filter that runs in the worker passes its notes to the engine as
 *   lines of text (src/worker/wclient.c); a structured note is such a line
 *   that starts with a key from the table below and a count ("KEY N: "),
 *   followed by the English words the report shows.  The notice
 *   (src/engine/notice.c) reads the key back and writes one specific line
 *   per note in the configured language, instead of guessing from
 *   keywords.  Notes without a key (older filters) stay free text.
 *
 * NEVER
 *   Allocates in mk_fnote_parse or mk_fnote_text; a key is never taken
 *   from the input document.
 *
 * OWNERSHIP
 *   mk_fnote_add appends a new string to NOTES (NOTES frees it).
 *   mk_fnote_text returns a new string (caller frees).
 */
#ifndef MK_FNOTE_H
#define MK_FNOTE_H

#include <glib.h>
#include <stdbool.h>

typedef enum {
	MK_FN_VBA = 0,        /* VBA project or macro storage removed */
	MK_FN_XLM_SHEET,      /* Excel 4 macro sheet emptied */
	MK_FN_VBA_SHEET,      /* VB module sheet emptied */
	MK_FN_AUTO_NAME,      /* auto-run (Auto_Open...) or macro name neutralized */
	MK_FN_OBJECT,         /* embedded OLE object removed */
	MK_FN_CONTROL,        /* ActiveX control removed */
	MK_FN_OLE_LINK,       /* linked OLE object (link to another file) removed */
	MK_FN_EXT_BOOK,       /* link to another workbook cut */
	MK_FN_DDE,            /* DDE link cut */
	MK_FN_FIELD,          /* field instruction (DDE, INCLUDE, ...) blanked */
	MK_FN_ACTION,         /* click action that runs a macro or program removed */
	MK_FN_MEDIA_LINK,     /* link to an outside sound or movie file removed */
	MK_FN_WEB_LINK,       /* web link kept as defanged text, link removed */
	MK_FN_WEB_UNLINKED,   /* web link made inactive (the format cannot show its URL) */
	MK_FN_OTHER_LINK,     /* link of another scheme removed */
	MK_FN_LINK_MISMATCH,  /* link whose shown text names another host: marked
	                       * (the engine makes it a link_mismatch finding) */
	MK_FN_OTHER,          /* other storage or stream removed */
	MK_FN_N
} mk_fnote_code;

void mk_fnote_add(GPtrArray *notes, mk_fnote_code code, int count);
bool mk_fnote_parse(const char *note, mk_fnote_code *code, int *count);
char *mk_fnote_text(mk_fnote_code code, const char *language, int count);

#endif
