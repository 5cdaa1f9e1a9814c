/*
 * NAME
 *   fuzz_image - libFuzzer target for the image worker filter
 *   (filters/f_image.c: the PNG, JPEG, GIF, BMP, TIFF and WebP decoders
 *   and the re-encoders) and the EMF/WMF metafile rebuild
 *   (filters/f_image_meta.c)
 *
 * DESCRIPTION
 *   The same bytes go to the metafile rebuild as EMF and as WMF (what the
 *   OOXML and RTF filters do with embedded pictures; cheap) and to the
 *   image filter, which finds the format from the signature.  The image
 *   output is fed back once (our PNG/JPEG must decode again).  Limits:
 *   4 megapixels, 4096 pixels a side.
 *   Useful seeds: a few small images of each format (tests/fuzz/run.sh
 *   writes them), /usr/share/clamav-testfiles.
 */
#include "f_image.h"
#include "f_image_meta.h"
#include "fuzz_wfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_wopts o = fuzz_wopts();
	GBytes *out = NULL;
	guint dropped = 0;
	mk_error err = { 0 };

	for (int emf = 0; emf < 2; emf++) {
		if (mk_meta_rebuild(data, size, emf, &out, &dropped, &err) == 0)
			g_bytes_unref(out);
		out = NULL;
	}
	o.image_max_pixels = 4000000;
	o.image_max_dimension = 4096;
	return fuzz_wfilter_opts(&mk_wfilter_image, &o, data, size, true);
}
