/*
 * NAME
 *   f_defang - links in text made inert: web links defanged, handler
 *   schemes and UNC paths bracketed
 *
 * SUMMARY
 *   char *mk_text_defang(const char *utf8);
 *   char *mk_defang_url(const char *url);
 *   bool mk_link_misleads(const char *text, const char *href);
 *
 * DESCRIPTION
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
 *     shell, mk, mhtml, hcp, onenote, callto, telnet, news, nntp, snews,
 *     gopher, rlogin, tn3270), every "ms-..." and
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
 *   mk_link_misleads() is true when the shown TEXT of a link names a host
 *   (a URL, "www.x", "a@x", or a word shaped like a domain whose last label
 *   is a country code or a common generic one; full-width letters count,
 *   NFKC) and the target HREF (scheme://[user@]host or mailto:) goes to
 *   another one.  The same host, "www." added or removed, or a subdomain
 *   of the shown host is not misleading.  A target without a host
 *   (relative, "#", handlers) is never judged.
 *
 * OWNERSHIP
 *   Returned strings are new (caller frees).
 */
#ifndef MK_F_DEFANG_H
#define MK_F_DEFANG_H

#include <stdbool.h>

char *mk_text_defang(const char *utf8);
char *mk_defang_url(const char *url);
bool mk_link_misleads(const char *text, const char *href);

#endif
