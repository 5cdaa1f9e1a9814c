/*
 * NAME
 *   test_pixbuf - large pixel buffers: zeroed when asked, 2 MiB aligned
 *   and advised as huge pages from MK_PIXBUF_HUGE_MIN up, NULL on 0 or
 *   impossible sizes
 */
#include <stdio.h>
#include <string.h>

#include "f_pixbuf.h"
#include "testutil.h"

#define MiB ((gsize)1 << 20)

/* The VmFlags line of the mapping holding P contains " hg" (advised as
 * huge pages); -1 when /proc/self/smaps does not say. */
static int
advised_huge(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in = false;
	int r = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = (unsigned long)p >= lo && (unsigned long)p < hi;
			continue;
		}
		if (in && strncmp(line, "VmFlags:", 8) == 0) {
			r = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return r;
}

START_TEST(test_zero_and_null)
{
	ck_assert_ptr_null(mk_pixbuf_try_new(0, true));
	ck_assert_ptr_null(mk_pixbuf_try_new(G_MAXSIZE, false));
	ck_assert_ptr_null(mk_pixbuf_try_new(G_MAXSIZE - MiB, false));
	for (int round = 0; round < 3; round++) {
		/* dirty the heap first: a reused block must still come back 0 */
		gsize sizes[] = { 64, 100 * 1024, 3 * MiB + 17 };
		for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
			guint8 *d = mk_pixbuf_try_new(sizes[i], false);
			ck_assert_ptr_nonnull(d);
			memset(d, 0xab, sizes[i]);
			g_free(d);
			guint8 *z = mk_pixbuf_try_new(sizes[i], true);
			ck_assert_ptr_nonnull(z);
			for (gsize k = 0; k < sizes[i]; k++)
				if (z[k] != 0)
					ck_abort_msg("byte %zu of %zu is %u", k, sizes[i], z[k]);
			g_free(z);
		}
	}
}
END_TEST

START_TEST(test_huge_alignment)
{
	gsize len = 8 * MiB + 4321;   /* an A4 page at 150 dpi, 4 bytes a pixel */
	guint8 *p = mk_pixbuf_try_new(len, false);
	int hg;

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((guintptr)p % (2 * MiB), 0);
	memset(p, 0xff, len);
	ck_assert_uint_eq(p[len - 1], 0xff);
	hg = advised_huge(p);
	if (g_file_test("/sys/kernel/mm/transparent_hugepage/enabled", G_FILE_TEST_EXISTS))
		ck_assert_int_eq(hg, 1);
	g_free(p);

	p = mk_pixbuf_try_new(MK_PIXBUF_HUGE_MIN - 1, false);   /* plain malloc */
	ck_assert_ptr_nonnull(p);
	g_free(p);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pixbuf");
	TCase *tc = tcase_create("alloc");

	tcase_add_test(tc, test_zero_and_null);
	tcase_add_test(tc, test_huge_alignment);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
