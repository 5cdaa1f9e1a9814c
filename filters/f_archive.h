/*
 * NAME
 *   f_archive - rebuild an archive as a new zip of its sanitized members
 *   (in-process filter "archive")
 *
 * SUMMARY
 *   int mk_archive_filter(const mk_config *cfg, mk_node *n, mk_error *err);
 *   char *mk_archive_member_path(const char *name, gsize max_len);
 *   char *mk_archive_zip_name(const char *declared);
 *
 * DESCRIPTION
 *   Runs after the engine sanitized the members (engine/body.c); the zip
 *   is written by the sandboxed worker (`mukaika-worker zip`,
 *   f_zipwrite.c: libarchive's writer runs in no daemon).  Each
 *   child of N goes into the new zip as: action allow -> child->data;
 *   sanitize with an output -> child->out, named child->out_name (inside
 *   the member's directory when it has none) or the declared name;
 *   anything else (strip or worse, a failed filter) is left out.  A
 *   nested archive therefore appears as its own rebuilt zip.  Paths are
 *   rebuilt component by component (mk_names_safe, limits.max_name_length);
 *   empty, "." and ".." components are dropped, so no name is absolute or
 *   climbs; duplicates get "~N" before the extension.  Entries are regular
 *   files, mode 0644, a fixed time (1980-01-01), deflate, UTF-8 names.
 *   Output: application/zip, named mk_archive_zip_name(n->declared_name).
 *
 *   mk_archive_member_path(): the safe path for a member name ("" when
 *   nothing is left).  mk_archive_zip_name(): "x.tar.gz" -> "x.zip",
 *   "a.7z" -> "a.zip", none -> "archive.zip".  Both: caller frees.
 *
 * NEVER
 *   Copies the original container bytes, writes to the filesystem, runs
 *   a zip writer in this process, or
 *   keeps a member whose action is not allow or a sanitized output.
 *
 * FAILURE
 *   MK_ERR_DATA when N has no children or no member survived;
 *   MK_ERR_LIMIT when the zip grows past limits.max_unpacked_size;
 *   MK_ERR_SOFTWARE on a libarchive error; a worker failure as in
 *   wclient.h.  n->out stays unset.
 */
#ifndef MK_F_ARCHIVE_H
#define MK_F_ARCHIVE_H

#include <glib.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

/* Magic of the request to `mukaika-worker zip` (f_zipwrite.c). */
#define MK_ZIPREQ_MAGIC "MKZ1"

int mk_archive_filter(const mk_config *cfg, mk_node *n, mk_error *err);
char *mk_archive_member_path(const char *name, gsize max_len);
char *mk_archive_zip_name(const char *declared);

#endif
