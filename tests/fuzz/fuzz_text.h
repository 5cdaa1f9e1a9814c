/*
 * NAME
 *   fuzz_text - the body shared by the text-run fuzz targets (fuzz_csv,
 *   fuzz_ics)
 *
 * DESCRIPTION
 *   fuzz_text_part(OP, TYPE, DATA, SIZE): DATA[0] picks the declared
 *   charset (none, UTF-8, Shift_JIS, EUC-JP, ISO-2022-JP, an unknown
 *   name) and, bit 3, csv.prefix_formulas; the rest becomes a part of
 *   true type TYPE run through mk_textrun_part(OP) with the default
 *   limits, as the worker's text run does.  On success the output is
 *   checked: "csv" with prefixing rewrites nothing more when defused
 *   again, "ics" leaves nothing more to drop.  A failed check aborts.
 *
 * OWNS
 *   One configuration (fuzz_model.h), kept for the process lifetime.
 */
#ifndef MK_FUZZ_TEXT_H
#define MK_FUZZ_TEXT_H

#include <stdlib.h>
#include <string.h>

#include "f_csv.h"
#include "f_ics.h"
#include "f_textrun.h"
#include "fuzz_model.h"

static inline void
fuzz_text_check(const char *op, const mk_node *n, bool prefix)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(n->out, &len);
	char *body = g_strndup(p ? p : "", len), *again;
	const char *t = body;
	guint more = 0;

	if (strncmp(t, "\xEF\xBB\xBF", 3) == 0)
		t += 3;
	if (strcmp(op, "csv") == 0 && prefix) {
		again = mk_csv_defuse(t, true, &more);
		if (more != 0 || strcmp(again, t) != 0)
			abort();
		g_free(again);
	} else if (strcmp(op, "ics") == 0) {
		again = mk_ics_strip(t, strlen(t), &more);
		if (more != 0)
			abort();
		g_free(again);
	}
	g_free(body);
}

static inline int
fuzz_text_part(const char *op, const char *type, const uint8_t *data, size_t size)
{
	static const char *const charsets[] = {
		NULL, "UTF-8", "Shift_JIS", "EUC-JP", "ISO-2022-JP", "x-unknown",
	};
	mk_node *n;
	GBytes *b;
	mk_error err = { 0 };
	bool prefix;

	if (size == 0 || fuzz_cfg == NULL)
		return 0;
	prefix = (data[0] & 8) != 0;
	fuzz_cfg->csv.prefix_formulas = prefix;
	n = mk_node_new(MK_NODE_PART, NULL);
	b = g_bytes_new(data + 1, size - 1);
	mk_node_set_data(n, b);
	g_bytes_unref(b);
	mk_set_str(&n->true_type, type);
	mk_set_str(&n->charset, charsets[(data[0] & 7) % G_N_ELEMENTS(charsets)]);
	if (mk_textrun_part(fuzz_cfg, n, op, &err) == 0 && n->out != NULL)
		fuzz_text_check(op, n, prefix);
	mk_node_free(&n);
	return 0;
}

#endif
