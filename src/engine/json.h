/*
 * NAME
 *   json - a tiny streaming JSON writer over GString
 *
 * DESCRIPTION
 *   Writes valid JSON (RFC 8259): strings are escaped, invalid UTF-8 is
 *   replaced by U+FFFD, control characters are \u-escaped.  Commas are
 *   managed by the writer.  No reader: tests parse reports with jq or
 *   json-glib.
 *
 * OWNERSHIP
 *   mk_json_finish() returns the text (caller frees) and frees the writer.
 */
#ifndef MK_JSON_H
#define MK_JSON_H

#include <glib.h>
#include <stdbool.h>

typedef struct mk_json mk_json;

mk_json *mk_json_new(bool pretty);
void mk_json_begin_object(mk_json *j, const char *key);  /* key NULL in arrays/top */
void mk_json_end_object(mk_json *j);
void mk_json_begin_array(mk_json *j, const char *key);
void mk_json_end_array(mk_json *j);
void mk_json_string(mk_json *j, const char *key, const char *value); /* NULL -> null */
void mk_json_int(mk_json *j, const char *key, gint64 value);
void mk_json_bool(mk_json *j, const char *key, bool value);
void mk_json_null(mk_json *j, const char *key);
char *mk_json_finish(mk_json **j);
/* Escape S as a JSON string literal with quotes, appended to OUT. */
void mk_json_escape(GString *out, const char *s);

#endif
