/*
 * NAME
 *   wregistry - the filters mukaika-worker can run, by name (wfilter.h)
 *
 * DESCRIPTION
 *   One row per worker filter; each filters/f_NAME.c exports
 *   `const mk_wfilter mk_wfilter_NAME`.  To add one: declare it below, add
 *   it to the table, and append its source (and libraries) to
 *   worker_filter_sources / worker_filter_deps in src/worker/meson.build.
 *   Builds with the test suite add the "selftest-*" filters (wselftest.c)
 *   that break the rules on purpose, for tests/unit/test_worker.c.
 *
 * NEVER
 *   Lists a filter that runs outside the worker.
 */
#include <string.h>

#include "wfilter.h"
#include "wselftest.h"

extern const mk_wfilter mk_wfilter_image;
extern const mk_wfilter mk_wfilter_ooxml;
extern const mk_wfilter mk_wfilter_rtf;
extern const mk_wfilter mk_wfilter_pdf;
extern const mk_wfilter mk_wfilter_unpack;
extern const mk_wfilter mk_wfilter_ole;
extern const mk_wfilter mk_wfilter_text;
extern const mk_wfilter mk_wfilter_zip;

static const mk_wfilter *const wfilters[] = {
	&mk_wfilter_image,
	&mk_wfilter_ooxml,
	&mk_wfilter_rtf,
	&mk_wfilter_pdf,
	&mk_wfilter_unpack,
	&mk_wfilter_ole,
	&mk_wfilter_text,
	&mk_wfilter_zip,
};

void
mk_wfilter_init_all(void)
{
	mk_wunpack_init();
	mk_wtext_init();
}

const mk_wfilter *
mk_wfilter_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (gsize i = 0; i < G_N_ELEMENTS(wfilters); i++)
		if (strcmp(wfilters[i]->name, name) == 0)
			return wfilters[i];
#ifdef MK_WORKER_SELFTEST
	return mk_wselftest_find(name);
#else
	return NULL;
#endif
}
