/*
 * NAME
 *   test_image - the "image" worker filter through the registry
 *
 * DESCRIPTION
 *   Images are built at run time (PNG with stored deflate blocks, BMP, GIF,
 *   TIFF by hand with an ImageDescription) or embedded (lossless WebP made
 *   with libwebp's WebPEncodeLosslessRGB, pixel i*37 pattern) or
 *   embedded (a JPEG with EXIF and a comment, made with libjpeg), each
 *   carrying something that must not survive: text chunks, metadata,
 *   appended data (polyglots).  Rows: input, expected result, output type,
 *   name and dimensions, and the bytes that must be gone.  Runs the real
 *   mukaika-worker ($MK_WORKER or $MK_BUILDDIR/src/worker/).
 */
#include <string.h>

#include "registry.h"
#include "testutil.h"

static const char JPEG_EXIF[] =
	"\xff\xd8\xff\xe0\x00\x10\x4a\x46\x49\x46\x00\x01\x01\x00\x00\x01"
	"\x00\x01\x00\x00\xff\xe1\x00\x13\x45\x78\x69\x66\x00\x00\x73\x65"
	"\x63\x72\x65\x74\x2d\x65\x78\x69\x66\xff\xfe\x00\x10\x73\x65\x63"
	"\x72\x65\x74\x2d\x63\x6f\x6d\x6d\x65\x6e\x74\xff\xdb\x00\x43\x00"
	"\x10\x0b\x0c\x0e\x0c\x0a\x10\x0e\x0d\x0e\x12\x11\x10\x13\x18\x28"
	"\x1a\x18\x16\x16\x18\x31\x23\x25\x1d\x28\x3a\x33\x3d\x3c\x39\x33"
	"\x38\x37\x40\x48\x5c\x4e\x40\x44\x57\x45\x37\x38\x50\x6d\x51\x57"
	"\x5f\x62\x67\x68\x67\x3e\x4d\x71\x79\x70\x64\x78\x5c\x65\x67\x63"
	"\xff\xdb\x00\x43\x01\x11\x12\x12\x18\x15\x18\x2f\x1a\x1a\x2f\x63"
	"\x42\x38\x42\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63"
	"\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63"
	"\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63\x63"
	"\x63\x63\x63\x63\x63\xff\xc0\x00\x11\x08\x00\x04\x00\x08\x03\x01"
	"\x22\x00\x02\x11\x01\x03\x11\x01\xff\xc4\x00\x1f\x00\x00\x01\x05"
	"\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02"
	"\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\xff\xc4\x00\xb5\x10\x00\x02"
	"\x01\x03\x03\x02\x04\x03\x05\x05\x04\x04\x00\x00\x01\x7d\x01\x02"
	"\x03\x00\x04\x11\x05\x12\x21\x31\x41\x06\x13\x51\x61\x07\x22\x71"
	"\x14\x32\x81\x91\xa1\x08\x23\x42\xb1\xc1\x15\x52\xd1\xf0\x24\x33"
	"\x62\x72\x82\x09\x0a\x16\x17\x18\x19\x1a\x25\x26\x27\x28\x29\x2a"
	"\x34\x35\x36\x37\x38\x39\x3a\x43\x44\x45\x46\x47\x48\x49\x4a\x53"
	"\x54\x55\x56\x57\x58\x59\x5a\x63\x64\x65\x66\x67\x68\x69\x6a\x73"
	"\x74\x75\x76\x77\x78\x79\x7a\x83\x84\x85\x86\x87\x88\x89\x8a\x92"
	"\x93\x94\x95\x96\x97\x98\x99\x9a\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9"
	"\xaa\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xc2\xc3\xc4\xc5\xc6\xc7"
	"\xc8\xc9\xca\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xe1\xe2\xe3\xe4"
	"\xe5\xe6\xe7\xe8\xe9\xea\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa"
	"\xff\xc4\x00\x1f\x01\x00\x03\x01\x01\x01\x01\x01\x01\x01\x01\x01"
	"\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"
	"\x0b\xff\xc4\x00\xb5\x11\x00\x02\x01\x02\x04\x04\x03\x04\x07\x05"
	"\x04\x04\x00\x01\x02\x77\x00\x01\x02\x03\x11\x04\x05\x21\x31\x06"
	"\x12\x41\x51\x07\x61\x71\x13\x22\x32\x81\x08\x14\x42\x91\xa1\xb1"
	"\xc1\x09\x23\x33\x52\xf0\x15\x62\x72\xd1\x0a\x16\x24\x34\xe1\x25"
	"\xf1\x17\x18\x19\x1a\x26\x27\x28\x29\x2a\x35\x36\x37\x38\x39\x3a"
	"\x43\x44\x45\x46\x47\x48\x49\x4a\x53\x54\x55\x56\x57\x58\x59\x5a"
	"\x63\x64\x65\x66\x67\x68\x69\x6a\x73\x74\x75\x76\x77\x78\x79\x7a"
	"\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x92\x93\x94\x95\x96\x97\x98"
	"\x99\x9a\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xb2\xb3\xb4\xb5\xb6"
	"\xb7\xb8\xb9\xba\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xd2\xd3\xd4"
	"\xd5\xd6\xd7\xd8\xd9\xda\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xf2"
	"\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xff\xda\x00\x0c\x03\x01\x00\x02"
	"\x11\x03\x11\x00\x3f\x00\x5b\xa4\x5d\x27\x44\x85\xec\x80\x8e\x49"
	"\xa5\x11\x17\xc7\x2a\x30\x4f\x1e\x87\x8a\x28\xa2\x9a\x57\x6e\xe0"
	"\xa7\x28\xec\xec\x7f\xff\xd9"
;

static guint32
crc32_of(const guint8 *p, gsize n)
{
	guint32 c = 0xFFFFFFFFu;

	for (gsize i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void
put32(GByteArray *b, guint32 v)
{
	guint8 x[4] = { v >> 24, v >> 16, v >> 8, v };

	g_byte_array_append(b, x, 4);
}

static void
chunk(GByteArray *b, const char *type, const guint8 *d, gsize n)
{
	GByteArray *t = g_byte_array_new();

	put32(b, (guint32)n);
	g_byte_array_append(t, (const guint8 *)type, 4);
	g_byte_array_append(t, d, (guint)n);
	g_byte_array_append(b, t->data, t->len);
	put32(b, crc32_of(t->data, t->len));
	g_byte_array_unref(t);
}

/* zlib stream of RAW in stored blocks (no compression needed). */
static GByteArray *
zlib_stored(const guint8 *raw, gsize n)
{
	GByteArray *z = g_byte_array_new();
	guint32 a = 1, b = 0;
	guint8 hdr[2] = { 0x78, 0x01 };

	g_byte_array_append(z, hdr, 2);
	for (gsize off = 0;; ) {
		gsize k = MIN(n - off, 65535);
		guint8 bh[5] = { off + k == n, k & 0xFF, k >> 8, ~k & 0xFF, (~k >> 8) & 0xFF };
		g_byte_array_append(z, bh, 5);
		g_byte_array_append(z, raw + off, (guint)k);
		off += k;
		if (off == n)
			break;
	}
	for (gsize i = 0; i < n; i++) {
		a = (a + raw[i]) % 65521;
		b = (b + a) % 65521;
	}
	put32(z, b << 16 | a);
	return z;
}

/* PNG W x H of colour type CT (2 RGB or 3 palette), with a tEXt chunk,
 * optionally a tRNS chunk, and TRAIL appended after IEND. */
static GBytes *
make_png(guint32 w, guint32 h, int ct, bool trns, const char *trail,
         gsize cut)
{
	GByteArray *b = g_byte_array_new(), *z;
	guint8 ihdr[13] = { 0 };
	gsize bpp = ct == 2 ? 3 : 1, rowlen = 1 + w * bpp;
	bool small = (gsize)w * h < 100000;
	guint8 *raw = g_malloc0(small ? rowlen * h : 16);
	static const guint8 plte[6] = { 255, 0, 0, 0, 0, 255 }, tr[1] = { 0 };

	g_byte_array_append(b, (const guint8 *)"\x89PNG\r\n\x1a\n", 8);
	for (int i = 0; i < 4; i++) {
		ihdr[i] = (guint8)(w >> (24 - 8 * i));
		ihdr[4 + i] = (guint8)(h >> (24 - 8 * i));
	}
	ihdr[8] = 8;
	ihdr[9] = (guint8)ct;
	chunk(b, "IHDR", ihdr, 13);
	chunk(b, "tEXt", (const guint8 *)"Comment\0secret-text", 19);
	if (ct == 3)
		chunk(b, "PLTE", plte, 6);
	if (trns)
		chunk(b, "tRNS", tr, 1);
	for (gsize i = 0; small && i < rowlen * h; i++)
		raw[i] = i % rowlen == 0 ? 0 : (guint8)(i % (ct == 3 ? 2 : 251));
	z = zlib_stored(raw, small ? rowlen * h : 16);
	chunk(b, "IDAT", z->data, z->len - cut);
	if (cut == 0)
		chunk(b, "IEND", NULL, 0);
	if (trail)
		g_byte_array_append(b, (const guint8 *)trail, (guint)strlen(trail));
	g_byte_array_unref(z);
	g_free(raw);
	return g_byte_array_free_to_bytes(b);
}

static void
le(GByteArray *b, guint32 v, int n)
{
	for (int i = 0; i < n; i++) {
		guint8 x = (guint8)(v >> (8 * i));
		g_byte_array_append(b, &x, 1);
	}
}

/* BMP W x H: 24-bit bottom-up, or 8-bit top-down with a 2-colour palette;
 * COMP is the compression field (0, or 1 = RLE8 for the failure row). */
static GBytes *
make_bmp(gint32 w, gint32 h, int bpp, guint32 comp, const char *trail)
{
	GByteArray *b = g_byte_array_new();
	guint32 stride = ((guint32)(w * bpp + 31) / 32) * 4;
	guint32 pal = bpp == 8 ? 8 : 0, off = 54 + pal;

	g_byte_array_append(b, (const guint8 *)"BM", 2);
	le(b, off + stride * (guint32)ABS(h), 4);
	le(b, 0, 4);
	le(b, off, 4);
	le(b, 40, 4);
	le(b, (guint32)w, 4);
	le(b, (guint32)(bpp == 8 ? -h : h), 4);
	le(b, 1, 2);
	le(b, (guint32)bpp, 2);
	le(b, comp, 4);
	le(b, stride * (guint32)ABS(h), 4);
	le(b, 2835, 4);
	le(b, 2835, 4);
	le(b, bpp == 8 ? 2 : 0, 4);
	le(b, 0, 4);
	if (bpp == 8) {
		le(b, 0x00FF0000, 4);
		le(b, 0x000000FF, 4);
	}
	for (guint32 i = 0; i < stride * (guint32)ABS(h); i++)
		le(b, i % 2, 1);
	if (trail)
		g_byte_array_append(b, (const guint8 *)trail, (guint)strlen(trail));
	return g_byte_array_free_to_bytes(b);
}

static const char WEBP_7x5[] =
	"\x52\x49\x46\x46\x2c\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c"
	"\x20\x00\x00\x00\x2f\x06\x00\x01\x00\xcd\x64\x44\xff\x03\x6a\xda"
	"\x36\x82\xe6\x02\x29\xbe\xf2\xdf\xbf\x3b\x06\xb3\x3d\x25\x31\x01"
	"\x5c\x58\xf0\x02"
;
static const char WEBP_20x1[] =
	"\x52\x49\x46\x46\x24\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c"
	"\x18\x00\x00\x00\x2f\x13\x00\x00\x00\xcd\x44\x44\xff\x03\x02\x81"
	"\x84\x26\xbe\xfd\x0d\x46\x98\xed\x29\x89\x74\x1c"
;

/* WebP literal ENC (N bytes) without its last CUT bytes, then TRAIL. */
static GBytes *
make_webp(const char *enc, gsize n, gsize cut, const char *trail)
{
	GByteArray *b = g_byte_array_new();

	g_byte_array_append(b, (const guint8 *)enc, (guint)(n - cut));
	if (trail)
		g_byte_array_append(b, (const guint8 *)trail, (guint)strlen(trail));
	return g_byte_array_free_to_bytes(b);
}

/* Little-endian baseline TIFF, uncompressed 8-bit RGB, W x H (LONG tags,
 * so the header may claim any size), an ImageDescription "secret-text",
 * CUT bytes of the strip missing, then TRAIL. */
static GBytes *
make_tiff(guint32 w, guint32 h, gsize cut, const char *trail)
{
	static const char desc[] = "secret-text";
	const guint32 nent = 11, ifd_end = 8 + 2 + nent * 12 + 4;
	const guint32 bps_at = ifd_end, desc_at = bps_at + 6;
	const guint32 data_at = desc_at + sizeof desc;
	gsize data = (gsize)w * h * 3 <= 1000000 ? (gsize)w * h * 3 : 64;
	const guint32 ent[11][4] = {   /* tag, type, count, value/offset */
		{ 256, 4, 1, w }, { 257, 4, 1, h }, { 258, 3, 3, bps_at },
		{ 259, 3, 1, 1 }, { 262, 3, 1, 2 }, { 270, 2, sizeof desc, desc_at },
		{ 273, 4, 1, data_at }, { 277, 3, 1, 3 }, { 278, 4, 1, h },
		{ 279, 4, 1, (guint32)((gsize)w * h * 3) }, { 284, 3, 1, 1 },
	};
	GByteArray *b = g_byte_array_new();

	g_byte_array_append(b, (const guint8 *)"II*\0", 4);
	le(b, 8, 4);
	le(b, nent, 2);
	for (guint32 i = 0; i < nent; i++) {
		le(b, ent[i][0], 2);
		le(b, ent[i][1], 2);
		le(b, ent[i][2], 4);
		le(b, ent[i][3], ent[i][1] == 3 && ent[i][2] == 1 ? 2 : 4);
		if (ent[i][1] == 3 && ent[i][2] == 1)
			le(b, 0, 2);
	}
	le(b, 0, 4);
	for (int i = 0; i < 3; i++)
		le(b, 8, 2);
	g_byte_array_append(b, (const guint8 *)desc, sizeof desc);
	for (gsize i = 0; i + cut < data; i++)
		le(b, (guint32)(i * 7), 1);
	if (trail)
		g_byte_array_append(b, (const guint8 *)trail, (guint)strlen(trail));
	return g_byte_array_free_to_bytes(b);
}

#define GIF_1x1 "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00" \
                "!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00" \
                "\x00\x02\x02\x44\x01\x00;"

typedef enum { IN_PNG, IN_PNG_PAL, IN_PNG_HUGE, IN_PNG_CUT, IN_PNG_WIDE,
               IN_GIF, IN_BMP24, IN_BMP8, IN_BMP_RLE, IN_JPEG, IN_TEXT,
               IN_WEBP, IN_WEBP_CUT, IN_WEBP_WIDE, IN_TIFF, IN_TIFF_CUT,
               IN_TIFF_HUGE, IN_TIFF_WIDE } in_kind;

typedef struct {
	in_kind kind;
	const char *type, *name;
	bool ok;
	const char *out_type, *out_name;
	guint32 w, h;
	int png_colour;        /* expected PNG colour type, -1 = not PNG */
	const char *err;       /* substring of the error when !ok */
} img_row;

static const img_row ROWS[] = {
	{ IN_PNG, "image/png", "photo.png", true, "image/png", "photo.png", 8, 6, 2, NULL },
	{ IN_PNG_PAL, "image/png", "icon.png", true, "image/png", "icon.png", 4, 3, 6, NULL },
	{ IN_PNG_HUGE, "image/png", "bomb.png", false, NULL, NULL, 0, 0, -1,
	  "image.max_pixels" },
	{ IN_PNG_CUT, "image/png", "cut.png", false, NULL, NULL, 0, 0, -1, "PNG:" },
	{ IN_PNG_WIDE, "image/png", "wide.png", false, NULL, NULL, 0, 0, -1,
	  "image.max_dimension" },
	{ IN_GIF, "image/gif", "anim.gif", true, "image/png", "anim.png", 1, 1, 6, NULL },
	{ IN_BMP24, "image/bmp", "a.bmp", true, "image/png", "a.png", 3, 2, 2, NULL },
	{ IN_BMP8, "image/x-ms-bmp", "b.BMP", true, "image/png", "b.png", 2, 2, 2, NULL },
	{ IN_BMP_RLE, "image/bmp", "r.bmp", false, NULL, NULL, 0, 0, -1, "unsupported" },
	{ IN_JPEG, "image/jpeg", "cam.jpeg", true, "image/jpeg", "cam.jpeg", 8, 4, -1, NULL },
	{ IN_TEXT, "image/png", "fake.png", false, NULL, NULL, 0, 0, -1,
	  "not a PNG, JPEG, GIF, BMP, WebP or TIFF" },
	{ IN_WEBP, "image/webp", "pic.webp", true, "image/png", "pic.png", 7, 5, 2, NULL },
	{ IN_WEBP_CUT, "image/webp", "cut.webp", false, NULL, NULL, 0, 0, -1, "WebP:" },
	{ IN_WEBP_WIDE, "image/webp", "wide.webp", false, NULL, NULL, 0, 0, -1,
	  "image.max_dimension" },
	{ IN_TIFF, "image/tiff", "scan.tif", true, "image/png", "scan.png", 6, 4, 2, NULL },
	{ IN_TIFF_CUT, "image/tiff", "cut.tiff", false, NULL, NULL, 0, 0, -1, "TIFF:" },
	{ IN_TIFF_HUGE, "image/tiff", "bomb.tif", false, NULL, NULL, 0, 0, -1,
	  "image.max_pixels" },
	{ IN_TIFF_WIDE, "image/tiff", "wide.tif", false, NULL, NULL, 0, 0, -1,
	  "image.max_dimension" },
};

#define TRAIL "PK\x03\x04secret-trailer<script>alert(1)</script>"

static GBytes *
make_input(in_kind k)
{
	switch (k) {
	case IN_PNG:      return make_png(8, 6, 2, false, TRAIL, 0);
	case IN_PNG_PAL:  return make_png(4, 3, 3, true, TRAIL, 0);
	case IN_PNG_HUGE: return make_png(100000, 100000, 2, false, NULL, 0);
	case IN_PNG_CUT:  return make_png(8, 6, 2, false, NULL, 20);
	case IN_PNG_WIDE: return make_png(20, 1, 2, false, NULL, 0);
	case IN_GIF:      return g_bytes_new(GIF_1x1 TRAIL, sizeof GIF_1x1 - 1 + strlen(TRAIL));
	case IN_BMP24:    return make_bmp(3, 2, 24, 0, TRAIL);
	case IN_BMP8:     return make_bmp(2, 2, 8, 0, TRAIL);
	case IN_BMP_RLE:  return make_bmp(2, 2, 8, 1, NULL);
	case IN_JPEG: {
		GByteArray *b = g_byte_array_new();
		g_byte_array_append(b, (const guint8 *)JPEG_EXIF, sizeof JPEG_EXIF - 1);
		g_byte_array_append(b, (const guint8 *)TRAIL, strlen(TRAIL));
		return g_byte_array_free_to_bytes(b);
	}
	case IN_WEBP:      return make_webp(WEBP_7x5, sizeof WEBP_7x5 - 1, 0, TRAIL);
	case IN_WEBP_CUT:  return make_webp(WEBP_7x5, sizeof WEBP_7x5 - 1, 12, NULL);
	case IN_WEBP_WIDE: return make_webp(WEBP_20x1, sizeof WEBP_20x1 - 1, 0, NULL);
	case IN_TIFF:      return make_tiff(6, 4, 0, TRAIL);
	case IN_TIFF_CUT:  return make_tiff(6, 4, 30, NULL);
	case IN_TIFF_HUGE: return make_tiff(100000, 100000, 0, NULL);
	case IN_TIFF_WIDE: return make_tiff(20, 1, 0, NULL);
	default:          return g_bytes_new_static("hello, not an image", 19);
	}
}

static bool
contains(GBytes *b, const char *s)
{
	gsize n = 0;
	const guint8 *p = g_bytes_get_data(b, &n);

	return memmem(p, n, s, strlen(s)) != NULL;
}

/* Dimensions from the output header (PNG IHDR or JPEG SOF0). */
static void
out_dims(GBytes *b, guint32 *w, guint32 *h, int *ct)
{
	gsize n = 0;
	const guint8 *p = g_bytes_get_data(b, &n);

	*ct = -1;
	if (n > 26 && memcmp(p, "\x89PNG", 4) == 0) {
		*w = (guint32)p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19];
		*h = (guint32)p[20] << 24 | p[21] << 16 | p[22] << 8 | p[23];
		*ct = p[25];
		return;
	}
	for (gsize i = 2; i + 9 < n; i++)
		if (p[i] == 0xFF && (p[i + 1] == 0xC0 || p[i + 1] == 0xC2)) {
			*h = p[i + 5] << 8 | p[i + 6];
			*w = p[i + 7] << 8 | p[i + 8];
			return;
		}
}

static mk_config *
image_config(void)
{
	mk_config *cfg = mkt_worker_config();

	cfg->image.max_dimension = 16;
	return cfg;
}

START_TEST(test_image_rows)
{
	const img_row *r = &ROWS[_i];
	mk_config *cfg = image_config();
	const mk_filter *f = mk_filter_find(r->type);
	mk_node *n = mk_node_new(MK_NODE_PART, NULL);
	GBytes *in = make_input(r->kind);
	mk_error err = { 0 };
	guint32 w = 0, h = 0;
	int ct, rc;

	if (r->kind == IN_PNG_HUGE || r->kind == IN_TIFF_HUGE)
		cfg->image.max_dimension = 1000000;
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "image");
	mk_node_set_data(n, in);
	mk_set_str(&n->true_type, r->type);
	mk_set_str(&n->declared_name, r->name);
	rc = f->run(cfg, n, &err);
	if (!r->ok) {
		ck_assert_msg(rc < 0, "row %d passed", _i);
		ck_assert_ptr_null(n->out);
		ck_assert_msg(strstr(err.msg, r->err) != NULL, "\"%s\"", err.msg);
		goto out;
	}
	ck_assert_msg(rc == 0, "row %d: %s", _i, err.msg);
	ck_assert_str_eq(n->out_type, r->out_type);
	ck_assert_str_eq(n->out_name, r->out_name);
	out_dims(n->out, &w, &h, &ct);
	ck_assert_uint_eq(w, r->w);
	ck_assert_uint_eq(h, r->h);
	ck_assert_int_eq(ct, r->png_colour);
	ck_assert(!contains(n->out, "secret"));
	ck_assert(!contains(n->out, "script"));
	ck_assert(!contains(n->out, "Exif"));
	ck_assert(g_bytes_equal(n->data, in));
out:
	g_bytes_unref(in);
	mk_node_free(&n);
	mk_config_unref(&cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("rows");

	tcase_add_loop_test(tc, test_image_rows, 0, G_N_ELEMENTS(ROWS));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
