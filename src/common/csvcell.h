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
/* True when S would be read as a formula (the rule above; leading double
 * quotes are skipped too). */
bool mk_csv_formula(const char *s);
/* The same rule inside a CSV text (filters/f_csv.c): the number of bytes
 * of leading blanks and double quotes before the sign, or -1 when S does
 * not start (after those) with = + - @ or a full-width form.  With EOL
 * false, CR and LF end the cell instead of being skipped. */
gssize mk_csv_formula_lead(const char *s, bool eol);

#endif
