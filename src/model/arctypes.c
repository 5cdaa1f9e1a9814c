/*
 * NAME
 *   arctypes - which true types are archives or compressed streams
 *
 * DESCRIPTION
 *   Type lists and signatures only (no parsing): the engine uses them to
 *   decide that a leaf goes to the worker's unpack run, the worker's
 *   archive reader (archive.c) to choose its formats.
 */
#include "archive.h"
#include "tnef.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define TNEF_HDR_LEN   6u   /* signature u32 + key u16 */

static const char *const container_types[] = {
	"application/zip", "application/x-zip-compressed",
	"application/x-7z-compressed", "application/x-tar", "application/x-gtar",
	"application/x-ustar", "application/vnd.rar", "application/x-rar",
	"application/x-rar-compressed", "application/x-iso9660-image",
	"application/vnd.ms-cab-compressed", "application/x-cpio",
	"application/x-archive", "application/x-lzh-compressed",
	"application/x-lha", "application/x-xar",
};

static const char *const stream_types[] = {
	"application/gzip", "application/x-gzip", "application/x-bzip2",
	"application/x-xz", "application/zstd", "application/x-zstd",
	"application/x-lzma", "application/x-lzip", "application/x-lz4",
	"application/x-compress",
};

static bool
in_list(const char *t, const char *const *list, size_t n)
{
	for (size_t i = 0; t != NULL && i < n; i++)
		if (g_ascii_strcasecmp(t, list[i]) == 0)
			return true;
	return false;
}

bool
mk_archive_is_stream(const char *t)
{
	return in_list(t, stream_types, G_N_ELEMENTS(stream_types));
}

bool
mk_archive_is_container(const char *true_type)
{
	return in_list(true_type, container_types,
	               G_N_ELEMENTS(container_types)) ||
	       mk_archive_is_stream(true_type);
}


bool
mk_tnef_is_tnef(const void *buf, size_t len)
{
	const guint8 *p = buf;

	return p != NULL && len >= TNEF_HDR_LEN &&
	       ((guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	        (guint32)p[3] << 24) == TNEF_SIGNATURE;
}
