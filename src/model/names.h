/*
 * NAME
 *   names - findings about declared names and declared types
 *
 * SUMMARY
 *   void mk_names_check(mk_ctx *ctx, mk_node *n);
 *   char *mk_names_safe(const char *name, gsize max_len);
 *
 * DESCRIPTION
 *   mk_names_check() adds to N: bidi_name (U+202A..202E, U+2066..2069,
 *   U+200E/200F, U+061C), control_name (C0/C1 controls, DEL), long_name
 *   (over limits.max_name_length bytes), double_extension (a document-like
 *   extension followed by an executable/script one, e.g. "a.pdf.exe",
 *   "a.doc   .scr"; trailing dots/spaces ignored), type_mismatch (the
 *   declared extension or declared MIME type names a different family than
 *   the true type, e.g. ".txt" holding a PE executable), executable (the
 *   true type or the extension is an executable, script, shortcut, HTML
 *   application, installer, disk image).  Needs n->true_type set.
 *
 *   mk_names_rendered_as() maps a name (trailing dots and blanks ignored, as
 *   Windows does) or a declared MIME type to the markup type a browser or
 *   viewer would render it as; the expander uses it so that text libmagic
 *   calls plain is still handled as the HTML/SVG/XML its name makes it.
 *
 *   mk_names_safe() returns a display/attachment name: UTF-8 validated,
 *   controls and bidi characters removed, path separators replaced by "_",
 *   leading dots removed, cut to MAX_LEN bytes on a character boundary
 *   (from the stem: the last extension, up to 16 bytes, stays);
 *   "attachment" when nothing is left.  Caller frees.
 */
#ifndef MK_NAMES_H
#define MK_NAMES_H

#include <glib.h>
#include <stdbool.h>

#include "ctx.h"
#include "item.h"

void mk_names_check(mk_ctx *ctx, mk_node *n);
char *mk_names_safe(const char *name, gsize max_len);
/* Lower-case last extension without the dot ("" if none). Caller frees. */
char *mk_names_extension(const char *name);
/* The type a consumer renders NAME (as delivered: mk_names_safe) or, failing
 * that, the declared type as: "text/html" for .html/.xhtml/..., "image/svg+xml",
 * "text/xml", "multipart/related" (.mht), "text/csv" (.csv/.tsv),
 * "message/rfc822" (.eml), "text/calendar" (.ics/.vcs); NULL when neither
 * says so.  Static. */
const char *mk_names_rendered_as(const char *name, const char *declared_type);
/* True for executable/script/shortcut/installer/disk-image true types. */
bool mk_names_type_is_executable(const char *true_type);

#endif
