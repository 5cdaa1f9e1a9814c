/*
 * NAME
 *   fuzz_hdr - libFuzzer target for header text and addresses
 *   (src/model/hdrtext.c, src/model/addr.c, mk_link_misleads)
 *
 * DESCRIPTION
 *   The input, cut at its first NUL into A and B, goes through
 *   mk_hdr_decode(A), mk_hdr_param(A, "filename"), mk_addr_parse(A) and
 *   mk_link_misleads(A, B).  Checked properties: a decoded value holds no
 *   CR, LF or NUL and is valid UTF-8; every mailbox parsed, written back by
 *   mk_addr_format(), parses again to exactly that one mailbox.
 *
 * NEVER
 *   Writes to the filesystem.  Only crashes, sanitizer reports, leaks,
 *   hangs and a broken property are failures.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "addr.h"
#include "f_defang.h"
#include "hdrtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, "\r\n") != NULL || !g_utf8_validate(s, -1, NULL))
		abort();
}

static void
check_roundtrip(const mk_mailbox *m)
{
	char *w = mk_addr_format(m);
	mk_addr_list *back = mk_addr_parse(w);
	const mk_mailbox *b = back->boxes->len == 1 ? g_ptr_array_index(back->boxes, 0) : NULL;

	if (b == NULL || strcmp(b->addr, m->addr) != 0 || strcmp(b->name, m->name) != 0)
		abort();
	mk_addr_list_free(&back);
	g_free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t la = strnlen((const char *)data, size);
	char *a = g_strndup((const char *)data, la);
	char *b = la < size ? g_strndup((const char *)data + la + 1, size - la - 1)
	                    : g_strdup("");
	char *s = mk_hdr_decode(a), *p = mk_hdr_param(a, "filename");
	mk_addr_list *l = mk_addr_parse(a);

	check_text(s);
	check_text(p);
	for (guint i = 0; i < l->boxes->len; i++)
		check_roundtrip(g_ptr_array_index(l->boxes, i));
	(void)mk_link_misleads(a, b);
	mk_addr_list_free(&l);
	g_free(p);
	g_free(s);
	g_free(b);
	g_free(a);
	return 0;
}
