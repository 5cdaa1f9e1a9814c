/*
 * NAME
 *   fuzz_wfilter - the body shared by the worker-filter fuzz targets
 *
 * DESCRIPTION
 *   Feeds the bytes to FILTER->run() with a small output bound; the filter
 *   must return cleanly (output or error) without crashing, leaking or
 *   reading out of bounds.  A successful output is fed through the filter
 *   once more: what we produce must parse again (only a limit may stop it).
 */
#ifndef MK_FUZZ_WFILTER_H
#define MK_FUZZ_WFILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "mk_limits.h"
#include "worker/wfilter.h"

/* The defaults for the filters' own limits (0 would refuse everything). */
static inline mk_wopts
fuzz_wopts(void)
{
	return (mk_wopts){ .max_output = 4 * MK_MiB,
	                   .rtf_max_depth = MK_DEF_RTF_MAX_DEPTH,
	                   .ooxml_max_parts = MK_DEF_OOXML_MAX_PARTS,
	                   .ooxml_max_part_size = 4 * MK_MiB };
}

/* FILTER on DATA with options O; ROUND: feed a success through once more. */
static inline int
fuzz_wfilter_opts(const mk_wfilter *filter, const mk_wopts *op,
                  const uint8_t *data, size_t size, bool round)
{
	const mk_wopts o = *op;
	GBytes *in = g_bytes_new_static(data, size), *out = NULL, *out2 = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	char *type = NULL, *type2 = NULL;
	mk_error err = { 0 };

	if (filter->run(in, &o, &out, &type, notes, &err) == 0) {
		if (round &&
		    filter->run(out, &o, &out2, &type2, notes, &err) != 0 &&
		    err.code != MK_ERR_LIMIT)
			abort();
		g_bytes_unref(out2);
		g_free(type2);
		g_bytes_unref(out);
		g_free(type);
	}
	g_bytes_unref(in);
	g_ptr_array_unref(notes);
	return 0;
}

static inline int
fuzz_wfilter(const mk_wfilter *filter, const uint8_t *data, size_t size)
{
	const mk_wopts o = fuzz_wopts();

	return fuzz_wfilter_opts(filter, &o, data, size, true);
}

#endif
