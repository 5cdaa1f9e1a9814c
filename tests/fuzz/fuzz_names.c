/*
 * NAME
 *   fuzz_names - libFuzzer target for the name checks (src/model/names.c)
 *
 * DESCRIPTION
 *   The input, as bytes, is a declared file name (and, split at the first
 *   NUL, a declared type): mk_names_check() judges it as it would an
 *   attachment, mk_names_safe() must return valid UTF-8 within its length,
 *   mk_names_extension() and mk_names_rendered_as() must not fail.
 *
 * NEVER
 *   Writes to the filesystem; only crashes, sanitizer reports, leaks,
 *   hangs and a broken mk_names_safe() contract are failures.
 */
#include <string.h>

#include "fuzz_model.h"
#include "names.h"

#define SAFE_MAX 64    /* a short cut exercises the stem/extension split */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	gsize nlen = nul ? (gsize)(nul - data) : size;
	char *name = g_utf8_make_valid((const char *)data, (gssize)nlen);
	char *dtype = nul ? g_strndup((const char *)nul + 1, size - nlen - 1) : NULL;
	mk_ctx ctx;
	mk_node *n = fuzz_leaf(&ctx, MK_NODE_PART, NULL, 0);
	char *safe, *ext;

	n->role = MK_ROLE_ATTACHMENT;
	n->declared_name = g_strdup(name);
	n->declared_type = dtype;
	n->true_type = g_strdup("application/pdf");
	mk_names_check(&ctx, n);
	safe = mk_names_safe(name, SAFE_MAX);
	if (safe == NULL || strlen(safe) > SAFE_MAX || !g_utf8_validate(safe, -1, NULL))
		__builtin_trap();
	ext = mk_names_extension(name);
	(void)mk_names_rendered_as(name, dtype);
	g_free(ext);
	g_free(safe);
	g_free(name);
	mk_node_free(&n);
	return 0;
}
