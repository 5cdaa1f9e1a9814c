/*
 * NAME
 *   archive - archive members as child nodes, read by libarchive from memory
 *   (see archive.h)
 *
 * DESCRIPTION
 *   Runs in mukaika-worker only (the "unpack" run, src/worker/wunpack.c,
 *   under its memory, CPU and wall-clock limits): this is where raw
 *   attacker bytes meet libarchive's format readers.
 *
 *   The leaf's data is opened with archive_read_open_memory(), every filter,
 *   and the archive formats only (7z, ar, cab, cpio, iso9660, lha, rar, rar5,
 *   tar, xar, zip: no mtree/warc, which bid on plain text).  The raw format
 *   is added only when the true type is a single compressed stream (gzip,
 *   bzip2, xz, zstd, lzma, lzip, lz4, compress); a tar inside still wins the
 *   bid, otherwise the stream becomes one member named after the leaf minus
 *   its compression extension.
 *
 *   Members are read in fixed chunks into a growing buffer (never the
 *   declared size up front); after every chunk the member size, the item's
 *   unpacked total (ctx->unpacked), the ratio of this archive's output to its
 *   compressed size, and the time budget are checked, so a bomb stops early.
 *   The per-member ratio is bounded by the same check: a member's compressed
 *   size is at most the archive's.
 *
 *   Member names are data: decoded to UTF-8 (libarchive's UTF-8, else the
 *   raw bytes as UTF-8, CP932, Latin-1), checked for "..", absolute and drive
 *   paths, and stored as declared_name.  Directories are not nodes; links,
 *   devices and fifos become empty members with link_member; encrypted
 *   entries become empty members with encrypted (the leaf gets encrypted
 *   too).  With candidate passwords in ctx (PPAP unlock) they are offered
 *   to libarchive (archive_read_add_passphrase) and encrypted entries are
 *   read like any other; a wrong password leaves encrypted on the leaf and
 *   on that member and stops reading.  libarchive 3.6 decrypts zip
 *   (ZipCrypto, WinZip AES) only; 7z and rar stay encrypted ("... is
 *   encrypted, but currently not supported").  Passwords are borrowed, never
 *   copied into nodes or findings.
 *
 * OWNS
 *   the libarchive handle during one call; the child nodes belong to LEAF.
 *
 * NEVER
 *   writes to the filesystem, uses a member name as a path, or recurses.
 *
 * FAILURE
 *   corrupt/truncated input → parse_error on the leaf (members read so far
 *   stay); a limit → limit on the leaf and the rest is not read; libarchive
 *   unable to allocate → MK_ERR_SOFTWARE.
 */
#include "archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#define ARC_CHUNK (64 * 1024)   /* read buffer, not a limit */

static const char *const stream_exts[] = {
	".gz", ".gzip", ".bz2", ".xz", ".zst", ".lzma", ".lz", ".lz4", ".z",
};

typedef struct {
	mk_ctx *ctx;
	mk_node *leaf;
	struct archive *a;
	gint64 in_size;      /* compressed size: the leaf's data */
	gint64 total;        /* bytes produced from this archive */
	gint64 entries;
	bool enc_noted;
} arc_state;

char *
mk_archive_entry_name(void *entry)
{
	struct archive_entry *e = entry;
	const char *u = archive_entry_pathname_utf8(e);
	const char *raw;
	char *s;

	if (u != NULL && g_utf8_validate(u, -1, NULL))
		return g_strdup(u);
	raw = archive_entry_pathname(e);
	if (raw == NULL)
		return g_strdup("");
	if (g_utf8_validate(raw, -1, NULL))
		return g_strdup(raw);
	s = g_convert(raw, -1, "UTF-8", "CP932", NULL, NULL, NULL);
	if (s == NULL)
		s = g_convert(raw, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
	return s != NULL ? s : g_utf8_make_valid(raw, -1);
}

/* Enable the archive formats (and raw when RAW); false on allocation. */
static bool
support_formats(struct archive *a, bool raw)
{
	return archive_read_support_filter_all(a) == ARCHIVE_OK &&
	       archive_read_support_format_7zip(a) == ARCHIVE_OK &&
	       archive_read_support_format_ar(a) == ARCHIVE_OK &&
	       archive_read_support_format_cab(a) == ARCHIVE_OK &&
	       archive_read_support_format_cpio(a) == ARCHIVE_OK &&
	       archive_read_support_format_iso9660(a) == ARCHIVE_OK &&
	       archive_read_support_format_lha(a) == ARCHIVE_OK &&
	       archive_read_support_format_rar(a) == ARCHIVE_OK &&
	       archive_read_support_format_rar5(a) == ARCHIVE_OK &&
	       archive_read_support_format_tar(a) == ARCHIVE_OK &&
	       archive_read_support_format_xar(a) == ARCHIVE_OK &&
	       archive_read_support_format_zip(a) == ARCHIVE_OK &&
	       (!raw || archive_read_support_format_raw(a) == ARCHIVE_OK);
}

static bool
msg_is_encryption(const char *msg)
{
	char *low = g_ascii_strdown(msg != NULL ? msg : "", -1);
	bool enc = strstr(low, "encrypt") != NULL ||
	           strstr(low, "passphrase") != NULL ||
	           strstr(low, "password") != NULL;

	g_free(low);
	return enc;
}

static void
note_encrypted(arc_state *st, const char *why)
{
	if (st->enc_noted)
		return;
	st->enc_noted = true;
	mk_node_add_finding(st->leaf, MK_F_ENCRYPTED, "%s", why);
}

/* A libarchive failure on the leaf: encrypted or parse_error. */
static void
arc_failed(arc_state *st, const char *where)
{
	const char *msg = archive_error_string(st->a);

	if (msg_is_encryption(msg))
		note_encrypted(st, msg);
	else
		mk_node_add_finding(st->leaf, MK_F_PARSE_ERROR, "%s: %s", where,
		                    msg != NULL ? msg : "corrupt archive");
}

static void
check_name(mk_node *child, const char *name)
{
	char **parts;

	if (name[0] == '/' || name[0] == '\\' ||
	    (g_ascii_isalpha(name[0]) && name[1] == ':'))
		mk_node_add_finding(child, MK_F_ABSOLUTE_PATH, "%s", name);
	parts = g_regex_split_simple("[/\\\\]", name, 0, 0);
	for (guint i = 0; parts[i] != NULL; i++) {
		if (strcmp(parts[i], "..") == 0) {
			mk_node_add_finding(child, MK_F_PATH_TRAVERSAL, "%s", name);
			break;
		}
	}
	g_strfreev(parts);
}

/* Name of the single member of a compressed stream. */
static char *
raw_member_name(const mk_node *leaf)
{
	char *base;
	size_t n;

	if (leaf->declared_name == NULL || *leaf->declared_name == '\0')
		return g_strdup("data");
	base = g_path_get_basename(leaf->declared_name);
	n = strlen(base);
	for (size_t i = 0; i < G_N_ELEMENTS(stream_exts); i++) {
		size_t e = strlen(stream_exts[i]);

		if (n > e && g_ascii_strcasecmp(base + n - e, stream_exts[i]) == 0) {
			base[n - e] = '\0';
			break;
		}
	}
	return base;
}

/* Limits after BYTES more of member NAME; true (and a finding) when hit. */
static bool
over_limit(arc_state *st, const char *name, gint64 member, gint64 more)
{
	const mk_config *cfg = st->ctx->cfg;
	gint64 in = st->in_size > 0 ? st->in_size : 1;

	st->total += more;
	st->ctx->unpacked += more;
	if (member > cfg->limits.max_member_size) {
		mk_node_add_finding(st->leaf, MK_F_LIMIT,
		                    "member '%s' larger than %" G_GINT64_FORMAT " bytes",
		                    name, cfg->limits.max_member_size);
	} else if (st->ctx->unpacked > cfg->limits.max_unpacked_size) {
		mk_node_add_finding(st->leaf, MK_F_LIMIT,
		                    "unpacked size over %" G_GINT64_FORMAT " bytes",
		                    cfg->limits.max_unpacked_size);
	} else if (st->total / in > cfg->limits.max_compression_ratio) {
		mk_node_add_finding(st->leaf, MK_F_LIMIT,
		                    "compression ratio over %" G_GINT64_FORMAT
		                    " at member '%s'",
		                    cfg->limits.max_compression_ratio, name);
	} else if (mk_ctx_expired(st->ctx)) {
		mk_node_add_finding(st->leaf, MK_F_LIMIT, "time budget spent");
	} else {
		return false;
	}
	return true;
}

/* Read the current member; NULL when stopped (finding added). */
static GBytes *
read_member(arc_state *st, const char *name)
{
	GByteArray *buf = g_byte_array_new();
	guint8 *chunk = g_malloc(ARC_CHUNK);
	GBytes *out = NULL;
	la_ssize_t r;

	for (;;) {
		r = archive_read_data(st->a, chunk, ARC_CHUNK);
		if (r == 0)
			break;
		if (r < 0) {
			arc_failed(st, name);
			goto out;
		}
		g_byte_array_append(buf, chunk, (guint)r);
		if (over_limit(st, name, buf->len, r))
			goto out;
	}
	out = g_byte_array_free_to_bytes(buf);
	buf = NULL;
out:
	if (buf != NULL)
		g_byte_array_unref(buf);
	g_free(chunk);
	return out;
}

static mk_node *
new_member(arc_state *st, const char *name, GBytes *data)
{
	mk_node *child = mk_node_new(MK_NODE_MEMBER, st->leaf);
	GBytes *empty = NULL;

	if (data == NULL)
		data = empty = g_bytes_new(NULL, 0);
	mk_set_str(&child->declared_name, name);
	mk_node_set_data(child, data);
	if (empty != NULL)
		g_bytes_unref(empty);
	check_name(child, name);
	st->ctx->nodes++;
	return child;
}

static const char *
link_kind(struct archive_entry *e)
{
	switch (archive_entry_filetype(e)) {
	case AE_IFLNK:  return "symlink";
	case AE_IFCHR:  return "character device";
	case AE_IFBLK:  return "block device";
	case AE_IFIFO:  return "fifo";
	case AE_IFSOCK: return "socket";
	default:
		return archive_entry_hardlink(e) != NULL ? "hardlink" : NULL;
	}
}

static bool
has_passwords(const arc_state *st)
{
	return st->ctx->passwords != NULL && st->ctx->passwords->len > 0;
}

/* Offer the candidate passwords of this run; false on allocation. */
static bool
add_passwords(arc_state *st)
{
	for (guint i = 0; st->ctx->passwords != NULL && i < st->ctx->passwords->len; i++) {
		const char *pw = g_ptr_array_index(st->ctx->passwords, i);

		if (pw != NULL && *pw != '\0' &&
		    archive_read_add_passphrase(st->a, pw) != ARCHIVE_OK)
			return false;
	}
	return true;
}

/* One header; false to stop reading the archive. */
static bool
handle_entry(arc_state *st, struct archive_entry *e)
{
	const mk_config *cfg = st->ctx->cfg;
	char *name = NULL;
	const char *kind;
	GBytes *data;
	mk_node *child;
	bool go = false;

	if (archive_entry_filetype(e) == AE_IFDIR)
		return true;
	name = archive_format(st->a) == ARCHIVE_FORMAT_RAW ?
	       raw_member_name(st->leaf) : mk_archive_entry_name(e);
	if ((kind = link_kind(e)) != NULL) {
		const char *target = archive_entry_symlink_utf8(e);

		if (target == NULL)
			target = archive_entry_hardlink_utf8(e);
		child = new_member(st, name, NULL);
		mk_node_add_finding(child, MK_F_LINK_MEMBER, "%s -> %s", kind,
		                    target != NULL ? target : "");
		go = true;
	} else if (archive_entry_is_encrypted(e) && has_passwords(st)) {
		if ((data = read_member(st, name)) != NULL) {
			new_member(st, name, data);
			g_bytes_unref(data);
			st->ctx->decrypted++;
			go = true;
		} else if (st->enc_noted) {   /* wrong password: stop here */
			child = new_member(st, name, NULL);
			mk_node_add_finding(child, MK_F_ENCRYPTED, "encrypted member");
		}
	} else if (archive_entry_is_encrypted(e)) {
		child = new_member(st, name, NULL);
		mk_node_add_finding(child, MK_F_ENCRYPTED, "encrypted member");
		note_encrypted(st, "encrypted member(s)");
		go = true;
	} else if (archive_entry_size_is_set(e) &&
	           archive_entry_size(e) > cfg->limits.max_member_size) {
		mk_node_add_finding(st->leaf, MK_F_LIMIT,
		                    "member '%s' declares %" G_GINT64_FORMAT " bytes",
		                    name, (gint64)archive_entry_size(e));
	} else if ((data = read_member(st, name)) != NULL) {
		new_member(st, name, data);
		g_bytes_unref(data);
		go = true;
	}
	g_free(name);
	return go;
}

static void
read_all(arc_state *st)
{
	struct archive_entry *e;
	int r;

	for (;;) {
		if (mk_ctx_expired(st->ctx)) {
			mk_node_add_finding(st->leaf, MK_F_LIMIT, "time budget spent");
			return;
		}
		r = archive_read_next_header(st->a, &e);
		if (r == ARCHIVE_EOF)
			return;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {   /* RETRY, FAILED, FATAL */
			arc_failed(st, "header");
			return;
		}
		if (!has_passwords(st) && archive_read_has_encrypted_entries(st->a) > 0)
			note_encrypted(st, "archive has encrypted entries");
		if (++st->entries > st->ctx->cfg->limits.max_archive_members) {
			mk_node_add_finding(st->leaf, MK_F_LIMIT,
			                    "more than %" G_GINT64_FORMAT " members",
			                    st->ctx->cfg->limits.max_archive_members);
			return;
		}
		if (!handle_entry(st, e))
			return;
	}
}

int
mk_archive_expand(mk_ctx *ctx, mk_node *leaf, mk_error *err)
{
	arc_state st = { .ctx = ctx, .leaf = leaf };
	gsize len = 0;
	const void *buf;
	int rc = 0;

	if (leaf->data == NULL || !mk_archive_is_container(leaf->true_type))
		return 0;
	if (leaf->archive_depth >= ctx->cfg->limits.max_archive_depth) {
		mk_node_add_finding(leaf, MK_F_LIMIT,
		                    "archive nesting deeper than %" G_GINT64_FORMAT,
		                    ctx->cfg->limits.max_archive_depth);
		return 0;
	}
	buf = g_bytes_get_data(leaf->data, &len);
	st.in_size = (gint64)len;
	st.a = archive_read_new();
	if (st.a == NULL || !support_formats(st.a, mk_archive_is_stream(leaf->true_type)) ||
	    !add_passwords(&st)) {
		mk_error_set(err, MK_ERR_SOFTWARE, "libarchive: cannot set up reader");
		rc = MK_ERR_SOFTWARE;
		goto out;
	}
	if (archive_read_open_memory(st.a, buf, len) != ARCHIVE_OK) {
		arc_failed(&st, "open");
		goto out;
	}
	read_all(&st);
out:
	if (st.a != NULL)
		archive_read_free(st.a);
	return rc;
}

static bool
header_ok(int r)
{
	return r == ARCHIVE_OK || r == ARCHIVE_WARN;
}

/* A zip-only reader over BUF; NULL on failure. */
static struct archive *
zip_open(const void *buf, size_t len)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	if (archive_read_support_format_zip(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

GPtrArray *
mk_zip_list(const void *buf, size_t len, guint max, bool *encrypted)
{
	struct archive *a = zip_open(buf, len);
	struct archive_entry *e;
	GPtrArray *names;

	if (encrypted != NULL)
		*encrypted = false;
	if (a == NULL)
		return NULL;
	names = g_ptr_array_new_with_free_func(g_free);
	while (names->len < max && header_ok(archive_read_next_header(a, &e))) {
		if (encrypted != NULL && archive_entry_is_encrypted(e))
			*encrypted = true;
		g_ptr_array_add(names, mk_archive_entry_name(e));
	}
	archive_read_free(a);
	if (names->len == 0)
		g_clear_pointer(&names, g_ptr_array_unref);
	return names;
}

GBytes *
mk_zip_read_member(const void *buf, size_t len, const char *name, gsize max)
{
	struct archive *a = zip_open(buf, len);
	struct archive_entry *e;
	GBytes *out = NULL;
	guint8 *data;
	la_ssize_t r;

	if (a == NULL)
		return NULL;
	while (header_ok(archive_read_next_header(a, &e))) {
		char *n = mk_archive_entry_name(e);
		bool match = strcmp(n, name) == 0;

		g_free(n);
		if (!match)
			continue;
		data = g_malloc(max + 1);
		r = archive_read_data(a, data, max);
		if (r >= 0) {
			data[r] = '\0';   /* callers may treat it as a string */
			out = g_bytes_new_take(data, (gsize)r);
		} else {
			g_free(data);
		}
		break;
	}
	archive_read_free(a);
	return out;
}
