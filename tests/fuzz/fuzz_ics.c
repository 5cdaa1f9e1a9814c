/*
 * NAME
 *   fuzz_ics - libFuzzer target for the iCalendar filter as the worker's
 *   text run does it (filters/f_textrun.c -> f_ics.c: charset decoding,
 *   unfolding, ATTACH/X-ALT-DESC/alarm properties dropped, text defanged)
 *
 * DESCRIPTION
 *   Input byte 0 picks the declared charset as in fuzz_csv; the rest is
 *   the part.  The filter must answer (output or error), and its output
 *   must pass through it again with nothing left to drop.
 */
#include "fuzz_text.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_text_part("ics", "text/calendar", data, size);
}
