/*
 * NAME
 *   fuzz_ooxml - libFuzzer target for the OOXML worker filter (filters/f_ooxml.c)
 *
 * DESCRIPTION
 *   See fuzz_wfilter.h: the filter must return cleanly on any input, and
 *   its own output must pass through it again.
 */
#include "f_ooxml.h"
#include "fuzz_wfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_wfilter(&mk_wfilter_ooxml, data, size);
}
