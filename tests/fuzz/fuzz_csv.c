/*
 * NAME
 *   fuzz_csv - libFuzzer target for the CSV filter as the worker's text run
 *   does it (filters/f_textrun.c -> f_csv.c: charset decoding, separator
 *   choice, formula cells prefixed by the csvcell.h rule)
 *
 * DESCRIPTION
 *   Input byte 0 picks the declared charset (none, UTF-8, Shift_JIS,
 *   EUC-JP, ISO-2022-JP, an unknown name) and csv.prefix_formulas (bit 3);
 *   the rest is the part.  The filter must answer (output or error);
 *   with prefixing on, the rewriting must be idempotent on its own output
 *   (a prefixed cell is never prefixed again).
 */
#include "fuzz_text.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_text_part("csv", "text/csv", data, size);
}
