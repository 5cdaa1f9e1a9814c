/*
 * NAME
 *   f_text - text bodies to clean UTF-8: charset decoding, normalising,
 *   link defanging
 *
 * SUMMARY
 *   char *mk_text_to_utf8(const void *buf, size_t len, const char *declared,
 *                         char **used, bool *guessed, mk_error *err);
 *   char *mk_text_normalise(const char *utf8);
 *   char *mk_text_defang(const char *utf8);
 *   char *mk_defang_url(const char *url);
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
 *   mk_text_defang(): every URL-like token (scheme://..., www.host, mailto:)
 *   is rewritten with mk_defang_url(): "https://ex.jp/a" -> "hxxps://ex[.]jp/a",
 *   "http" -> "hxxp", "ftp" -> "fxp", the host's dots bracketed, "@" in
 *   userinfo -> "[@]".  Idempotent.  One notation for the whole class of
 *   links Windows and Office act on, what is bracketed is no longer live:
 *   - Web schemes (http(s)/hxxp(s), ftp/fxp, ftps, sftp, mailto) keep
 *     their ':'; every other scheme is a protocol handler and gets "[:]":
 *     "ms-msdt:/id x" -> "ms-msdt[:]/id x", "search-ms:" -> "search-ms[:]",
 *     file:, javascript:, data:, vbscript:.  In text these are recognised
 *     when followed by a non-space: the listed handlers (search-ms, search,
 *     shell, mk, mhtml, hcp, onenote, callto), every "ms-..." and
 *     "microsoft-..." scheme; any other scheme only with "//" or a
 *     backslash after the colon ("zoommtg://z.example" -> "zoommtg[:]//
 *     z[.]example").  mk_defang_url() brackets every non-web scheme
 *     ("tel:" too).
 *   - UNC paths, "\\host\share", "//host/share" and slash/backslash
 *     mixes ("\/host"): the leading slashes are bracketed and the host's
 *     dots too: "[\\]evil[.]example\share", "[//]evil[.]example/s".
 *     After a scheme, a run with a backslash or of more than three
 *     slashes is bracketed the same way ("hxxp:[\\]evil[.]example\x",
 *     "file[:][/////]h[.]example/s"); "//" and "///" stay.
 *   - The host (authority) after any scheme or UNC run gets "[.]" for
 *     every dot and "[@]" for the userinfo '@'; whatever follows (path,
 *     query, an opaque scheme's body) is scanned again, so links nested in
 *     it ("ms-word:ofe|u|https://...", "...location:\\host\s") are
 *     defanged too.
 *   Left alone: "C:\Users", "C:\\dir" (a drive), "\\" or "//" without a
 *   host, "//x" without a '/' after the host or right after a ':', a run
 *   right after a letter or digit ("a\\b"), "word: text", "10:30".
 *
 * OWNERSHIP
 *   All returned strings are new (caller frees); *used too.
 */
#ifndef MK_F_TEXT_H
#define MK_F_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "mk_error.h"

char *mk_text_to_utf8(const void *buf, size_t len, const char *declared,
                      char **used, bool *guessed, mk_error *err);
char *mk_text_normalise(const char *utf8);
char *mk_text_defang(const char *utf8);
char *mk_defang_url(const char *url);

#endif
