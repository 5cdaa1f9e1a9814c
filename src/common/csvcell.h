/*
 * NAME
 *   csvcell - one cell of an exported CSV file (audit export), formula-safe
 *
 * SUMMARY
 *   mk_csv_cell(g, "=HYPERLINK(...)", false);   // "'=HYPERLINK(...)",
 *
 * DESCRIPTION
 *   Appends S as an RFC 4180 quoted cell ("" doubled) followed by ',' or,
 *   when LAST, by CRLF.  CR and LF inside become spaces.  A cell whose
 *   first character after any leading spaces, tabs, CR, LF or ideographic
 *   spaces (U+3000) is = + - @ or their full-width forms (U+FF1D U+FF0B
 *   U+FF0D U+FF20) is prefixed with an apostrophe, so that no spreadsheet
 *   reads it as a formula.  NULL is an empty cell.
 *
 * OWNERSHIP
 *   S is borrowed; G is the caller's.
 */
#ifndef MK_CSVCELL_H
#define MK_CSVCELL_H

#include <glib.h>
#include <stdbool.h>

void mk_csv_cell(GString *g, const char *s, bool last);
/* True when S would be read as a formula (the rule above). */
bool mk_csv_formula(const char *s);

#endif
