/*
 * NAME
 *   archive - archive members as child nodes, read by libarchive from memory
 *
 * SUMMARY
 *   bool mk_archive_is_container(const char *true_type);
 *   bool mk_archive_is_stream(const char *true_type);
 *   int mk_archive_expand(mk_ctx *ctx, mk_node *leaf, mk_error *err);
 *
 * DESCRIPTION
 *   mk_archive_is_container() / mk_archive_is_stream() (arctypes.c, in every
 *   process) only compare a true type with the lists.  mk_archive_expand()
 *   and the zip helpers read the archive: mukaika-worker only (wunpack.c).
 *
 *   For zip, 7z, tar (+gz/bz2/xz/zstd), gz/bz2/xz single streams, rar, iso9660,
 *   cab, cpio, ar: adds one MK_NODE_MEMBER child per regular member with its
 *   decoded data and declared_name = the member path (as data, normalised to
 *   UTF-8).  Nothing is ever written to the filesystem.
 *
 *   Findings on the member (or the leaf when it concerns the archive):
 *   encrypted (archive or member), path_traversal ("..", also "..\"),
 *   absolute_path ("/x", "C:\x", "\\host"), link_member (symlink, hardlink,
 *   device, fifo: not extracted), limit (limits.max_archive_members,
 *   max_member_size, max_unpacked_size over the whole item via ctx->unpacked,
 *   max_compression_ratio per member and overall, max_archive_depth, time),
 *   parse_error (truncated/corrupt).  On a limit the remaining members are
 *   not read.  Does not recurse: mk_expand() walks the new children.
 *
 * RETURNS
 *   0 (also when findings were added), negative mk_errcode on internal error.
 */
#ifndef MK_ARCHIVE_H
#define MK_ARCHIVE_H

#include <stdbool.h>

#include "ctx.h"
#include "item.h"
#include "mk_error.h"

bool mk_archive_is_container(const char *true_type);   /* arctypes.c */
bool mk_archive_is_stream(const char *true_type);      /* gz, bz2, xz ... */
int mk_archive_expand(mk_ctx *ctx, mk_node *leaf, mk_error *err);

/*
 * Zip helpers shared with sniff and office (headers only, from memory).
 * mk_zip_list(): member names (UTF-8), at most MAX; *encrypted (may be NULL)
 * set when an entry is encrypted.  NULL when BUF is not a readable zip.
 * mk_zip_read_member(): the first MAX bytes of member NAME (exact match),
 * NULL when absent or unreadable.  Both: caller frees/unrefs.
 */
GPtrArray *mk_zip_list(const void *buf, size_t len, guint max, bool *encrypted);
GBytes *mk_zip_read_member(const void *buf, size_t len, const char *name,
                           gsize max);
/* Member name of ENTRY as UTF-8: libarchive's UTF-8, else raw bytes as
 * UTF-8, CP932, Latin-1.  Caller frees.  ENTRY is a struct archive_entry. */
char *mk_archive_entry_name(void *entry);

#endif
