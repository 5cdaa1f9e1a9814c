/*
 * NAME
 *   f_text - text bodies to clean UTF-8: charset decoding, normalising
 *   (link defanging: f_defang.h, included here)
 *
 * SUMMARY
 *   char *mk_text_to_utf8(const void *buf, size_t len, const char *declared,
 *                         char **used, bool *guessed, mk_error *err);
 *   char *mk_text_normalise(const char *utf8);
 *
 * DESCRIPTION
 *   mk_text_to_utf8() decodes with the declared charset when it decodes the
 *   whole buffer without error (aliases: Shift_JIS/SJIS/x-sjis/Windows-31J ->
 *   CP932, ISO-2022-JP -> its CP932-extended form when needed, EUC-JP,
 *   UTF-8, ISO-8859-*, windows-125x, GB/Big5/EUC-KR ...); otherwise detects
 *   with uchardet, then tries UTF-8, CP932, EUC-JP, ISO-2022-JP; as a last
 *   resort decodes as UTF-8 with U+FFFD for invalid bytes.  *guessed is set
 *   when the declared charset was missing, unknown or wrong.  Never fails on
 *   bad data; NULL only on internal error.
 *
 *   mk_text_normalise(): CRLF/CR -> LF, removes NUL and C0/C1 controls except
 *   TAB/LF, removes bidi override/isolate controls, strips a BOM, trims
 *   trailing whitespace on lines and collapses more than 2 blank lines.
 *
 * OWNERSHIP
 *   All returned strings are new (caller frees); *used too.
 */
#ifndef MK_F_TEXT_H
#define MK_F_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "f_defang.h"
#include "mk_error.h"

char *mk_text_to_utf8(const void *buf, size_t len, const char *declared,
                      char **used, bool *guessed, mk_error *err);
char *mk_text_normalise(const char *utf8);

#endif
