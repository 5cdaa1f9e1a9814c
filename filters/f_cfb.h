/*
 * NAME
 *   f_cfb - read a compound file (OLE2/CFB) into a tree of storages and
 *   streams, and write such a tree as a new compound file
 *
 * SUMMARY
 *   mk_cfb_entry *root = mk_cfb_read(in, &err);
 *   GBytes *out = mk_cfb_write(root, max_bytes, &err);
 *   mk_cfb_free(&root);
 *
 * DESCRIPTION
 *   mk_cfb_read(): version 3 (512-byte sectors) and 4 (4096-byte) files;
 *   header, DIFAT (header and chain), FAT, directory, mini FAT and mini
 *   stream.  Every sector index is range checked and every chain is
 *   walked at most once per sector (a repeated sector is an error), the
 *   directory tree is walked without recursion over siblings, each entry
 *   at most once, storages at most MK_CFB_MAX_DEPTH deep.  Stream bytes
 *   are copied out (a stream is never larger than the input).  What
 *   cannot be read fails the whole file.
 *
 *   mk_cfb_write(): always version 3: header, then the mini stream
 *   (streams under 4096 bytes, 64-byte mini sectors), the other streams,
 *   the directory (each storage's children as a balanced binary tree in
 *   the CFB name order, all black), the mini FAT, the FAT and the DIFAT
 *   sectors when the FAT has more than 109 sectors.  Names, CLSIDs, state
 *   bits and times of the entries are written as read; nothing else of
 *   the input survives (no unused sector, no free directory slot's old
 *   bytes).
 *
 * FAILURE
 *   NULL with ERR set: MK_ERR_DATA for a file that is not a compound file
 *   or cannot be walked; MK_ERR_LIMIT when the output would pass
 *   MAX_BYTES or a name is over 31 UTF-16 units.
 *
 * OWNERSHIP
 *   The tree returned by mk_cfb_read() is new (mk_cfb_free()); each entry
 *   owns its name, data and kids.  mk_cfb_write() borrows the tree; the
 *   bytes returned are new (caller unrefs).
 */
#ifndef MK_F_CFB_H
#define MK_F_CFB_H

#include <glib.h>
#include <stdbool.h>

#include "mk_error.h"

#define MK_CFB_MAX_DEPTH 32
#define MK_CFB_STORAGE 1
#define MK_CFB_STREAM 2
#define MK_CFB_ROOT 5

typedef struct mk_cfb_entry {
	char *name;                  /* UTF-8 (for matching, notes) */
	gunichar2 *wname;            /* as stored, without the NUL */
	glong wlen;
	int type;                    /* MK_CFB_STORAGE, _STREAM, _ROOT */
	guint8 clsid[16], state[4], times[16];
	GBytes *data;                /* streams: the content */
	GPtrArray *kids;             /* storages and the root: mk_cfb_entry* */
} mk_cfb_entry;

mk_cfb_entry *mk_cfb_read(GBytes *in, mk_error *err);
GBytes *mk_cfb_write(const mk_cfb_entry *root, gsize max_bytes, mk_error *err);
void mk_cfb_free(mk_cfb_entry **e);

/* The child of E named NAME (ASCII, case-insensitive), or NULL. */
mk_cfb_entry *mk_cfb_child(const mk_cfb_entry *e, const char *name);

#endif
