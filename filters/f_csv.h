/*
 * NAME
 *   f_csv - CSV to UTF-8 with formula-leading cells neutralised
 *   (in-process filter "csv" for text/csv)
 *
 * SUMMARY
 *   int mk_csv_filter(const mk_config *cfg, mk_node *n, mk_error *err);
 *   char *mk_csv_defuse(const char *utf8, bool prefix, guint *count);
 *
 * DESCRIPTION
 *   The data is decoded to UTF-8 (mk_filter_decode, registry.h: as
 *   declared, a guess adds the charset finding; the text ends at a NUL),
 *   and with csv.prefix_formulas every cell whose first character is TAB
 *   or CR, or that starts, after leading blanks (space, TAB, U+3000) and
 *   double quotes, with '=', '+', '-', '@' or a full-width form of them
 *   (the rule of the CSV exports, src/common/csvcell.h, shared), gets a
 *   leading "'" so that a spreadsheet
 *   shows it as text instead of evaluating it (DDE, HYPERLINK, WEBSERVICE
 *   ...).  A cell that is only a number ("-12.5", "+81") is left alone.
 *   Quoted cells get the "'" inside the quotes.  The separator is X when
 *   the first line is "sep=X" (any one ASCII character but a quote, as
 *   Excel reads it), else the most frequent of ',', ';' and TAB on the
 *   first line outside quotes.  Because a spreadsheet may split on another
 *   character than that, a formula character right after any of ',', ';',
 *   TAB, '|' and '^' (inside quotes too; a quote in between is skipped)
 *   gets a "'" right after that character as well ("1^=x" -> "1^'=x");
 *   numbers stay alone there too.  Line ends and quoting are kept.  Output: text/csv, UTF-8, with a BOM when
 *   the text is not pure ASCII (so that Excel reads it as UTF-8); the
 *   name is the declared one ("data.csv" without one).
 *
 *   mk_csv_defuse(): the cell rewriting alone on UTF-8 text; *count gets
 *   the number of prefixed cells.  Caller frees.
 *
 * FAILURE
 *   Input over limits.max_text_size: MK_ERR_LIMIT, n->out unset.
 */
#ifndef MK_F_CSV_H
#define MK_F_CSV_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

int mk_csv_filter(const mk_config *cfg, mk_node *n, mk_error *err);
char *mk_csv_defuse(const char *utf8, bool prefix, guint *count);

#endif
