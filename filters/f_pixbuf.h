/*
 * NAME
 *   f_pixbuf - large pixel buffers for the CDR filters
 *
 * SUMMARY
 *   guint8 *px = mk_pixbuf_try_new(len, zero);   ... g_free(px);
 *
 * DESCRIPTION
 *   LEN bytes for decoded or rendered pixels.  From MK_PIXBUF_HUGE_MIN
 *   bytes up, the buffer is aligned to and rounded up to 2 MiB and advised
 *   as transparent huge pages (MADV_HUGEPAGE; the advice may be refused,
 *   which only costs speed).  Every document runs in a fresh process, so
 *   every pixel page is touched for the first time: in 4 KiB pages an A4
 *   page at 150 dpi (8.7 MB) took 23 ms of page faults here, in 2 MiB
 *   pages 2 ms.  ZERO: the bytes are 0; otherwise they are undefined.
 *
 * FAILURE
 *   NULL when LEN is 0 or the memory cannot be had (the worker's
 *   RLIMIT_AS); the caller reports "out of memory".
 *
 * OWNERSHIP
 *   The caller frees with g_free() (GLib's allocator is the system's).
 */
#ifndef MK_F_PIXBUF_H
#define MK_F_PIXBUF_H

#include <glib.h>
#include <stdbool.h>

#define MK_PIXBUF_HUGE_MIN ((gsize)1 << 20)

guint8 *mk_pixbuf_try_new(gsize len, bool zero);

#endif
