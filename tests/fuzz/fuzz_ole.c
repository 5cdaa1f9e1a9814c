/*
 * NAME
 *   fuzz_ole - libFuzzer target for the legacy Office filter (filters/f_ole*.c, f_cfb*.c)
 *
 * DESCRIPTION
 *   See fuzz_wfilter.h: the filter must return cleanly on any input, and
 *   its own output must pass through it again.
 */
#include "f_ole.h"
#include "fuzz_wfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_wfilter(&mk_wfilter_ole, data, size);
}
