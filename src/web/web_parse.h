/*
 * NAME
 *   web_parse - the request parts mukaika-web parses itself: form bodies,
 *   URL paths and URL escapes
 *
 * SUMMARY
 *   void web_parse_form(GHashTable *h, const char *text);
 *   bool web_split_path(const char *url, char ***seg, int *nseg);
 *   size_t web_unescape(char *s);
 *
 * DESCRIPTION
 *   web_parse_form(): an application/x-www-form-urlencoded body into H
 *   (new key -> new value; '+' is a space, %XX decoded); a pair without
 *   '=', with a bad escape or a value that is not UTF-8 is dropped; a
 *   repeated key keeps its last value.
 *
 *   web_split_path(): URL's non-empty '/'-separated segments; each must be
 *   plain ([A-Za-z0-9._-], not "." or ".."), else false with *SEG an empty
 *   list.  *SEG is NULL-terminated and new (g_strfreev), *NSEG its length.
 *
 *   web_unescape(): %XX decoded in place (libmicrohttpd's unescape
 *   callback), a decoded NUL becomes '%' (refused by web_split_path)
 *   instead of cutting the string short; returns the new length.
 *
 *   Headers, cookies and the query string are parsed by libmicrohttpd;
 *   Host and Origin are checked by web_gate.c.  tests/fuzz/fuzz_web.c
 *   drives all of these and the report JSON reader (wj_parse).
 *
 * NEVER
 *   Reads past the string's NUL; keeps a value that is not UTF-8.
 */
#ifndef MK_WEB_PARSE_H
#define MK_WEB_PARSE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

void web_parse_form(GHashTable *h, const char *text);
bool web_split_path(const char *url, char ***seg, int *nseg);
size_t web_unescape(char *s);

#endif
