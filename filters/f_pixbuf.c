/*
 * NAME
 *   f_pixbuf - large pixel buffers for the CDR filters (see f_pixbuf.h)
 */
#include "f_pixbuf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PIXBUF_HUGE_PAGE ((gsize)2 << 20)

guint8 *
mk_pixbuf_try_new(gsize len, bool zero)
{
	gsize cap;
	void *p = NULL;

	if (len == 0)
		return NULL;
	if (len < MK_PIXBUF_HUGE_MIN)
		return zero ? g_try_malloc0(len) : g_try_malloc(len);
	if (len > G_MAXSIZE - PIXBUF_HUGE_PAGE)
		return NULL;
	cap = (len + PIXBUF_HUGE_PAGE - 1) & ~(PIXBUF_HUGE_PAGE - 1);
	if (posix_memalign(&p, PIXBUF_HUGE_PAGE, cap) != 0)
		return NULL;
	(void)madvise(p, cap, MADV_HUGEPAGE);   /* advice: a refusal costs speed only */
	if (zero)
		memset(p, 0, len);
	return p;
}
