/*
 * NAME
 *   fuzz_rtf - libFuzzer target for the RTF worker filter (filters/f_rtf.c)
 *
 * DESCRIPTION
 *   See fuzz_wfilter.h: the filter must return cleanly on any input, and
 *   its own output must pass through it again.
 */
#include "f_rtf.h"
#include "fuzz_wfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_wfilter(&mk_wfilter_rtf, data, size);
}
