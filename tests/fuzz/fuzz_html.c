/*
 * NAME
 *   fuzz_html - libFuzzer target for the text filters (filters/f_text.c,
 *   filters/f_html.c)
 *
 * DESCRIPTION
 *   The first input byte picks a declared charset (none, UTF-8, Shift_JIS,
 *   EUC-JP, ISO-2022-JP, ISO-8859-1, an unknown name); the rest is decoded
 *   with mk_text_to_utf8() as the engine does, rendered with
 *   mk_html_to_text() under the default limits (links shown and defanged),
 *   and the decoded text also goes through mk_text_normalise() and
 *   mk_text_defang(), whose idempotence is checked.  Useful seeds: HTML
 *   parts of mail corpora, tests/data/text/ja.*.
 *
 * OWNS
 *   One configuration snapshot (built once, kept for the process lifetime).
 *
 * NEVER
 *   Writes to the filesystem.  Only crashes, sanitizer reports, leaks,
 *   hangs and a non-idempotent defang are failures.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz_model.h"
#include "config.h"
#include "f_html.h"
#include "f_text.h"
#include "mk_error.h"

static void
check_defang(const char *utf8)
{
	char *norm = mk_text_normalise(utf8);
	char *once = mk_text_defang(norm);
	char *twice = mk_text_defang(once);

	if (strcmp(once, twice) != 0)
		abort();
	g_free(twice);
	g_free(once);
	g_free(norm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = {
		NULL, "UTF-8", "Shift_JIS", "EUC-JP", "ISO-2022-JP", "ISO-8859-1",
		"x-unknown",
	};
	bool truncated = false, guessed = false;
	mk_html_opts o = { .defang = true, .show_links = true,
	                   .max_nodes = fuzz_cfg->limits.html_max_nodes,
	                   .truncated = &truncated };
	mk_error err = { 0 };
	char *used = NULL, *utf8, *text;

	if (size == 0 || (int64_t)size > fuzz_cfg->limits.max_text_size)
		return 0;
	utf8 = mk_text_to_utf8(data + 1, size - 1,
	                       charsets[data[0] % G_N_ELEMENTS(charsets)],
	                       &used, &guessed, &err);
	if (utf8 == NULL)
		return 0;
	text = mk_html_to_text(utf8, strlen(utf8), &o, &err);
	check_defang(utf8);
	g_free(text);
	g_free(utf8);
	g_free(used);
	return 0;
}
