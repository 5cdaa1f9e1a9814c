/*
 * NAME
 *   office - active-content detection in Office containers (see office.h)
 *
 * DESCRIPTION
 *   Runs in mukaika-worker only (the "unpack" run, src/worker/wunpack.c):
 *   the OLE2 walker and the zip listing never see attacker bytes in a
 *   daemon.
 *
 *   Dispatch is on the content signature of n->data, not on names:
 *   - zip whose true type is not a plain archive (mk_archive_is_container
 *     false: OOXML, ODF, JAR, ...): member names (mk_zip_list, headers only).  OOXML ([Content_Types]
 *     .xml): vbaProject*.bin, activeX/, embeddings/, macrosheets/, customUI;
 *     every *.rels (read up to limits.max_text_size) for non-hyperlink
 *     TargetMode="External" relationships and attachedTemplate.  ODF
 *     ("mimetype"): Basic/ and Scripts/ macros, "Object N" OLE binaries.
 *     Encrypted zip entries → encrypted.
 *   - OLE2/CFB: a bounded reader (office_cfb.c-style, here in one file):
 *     header, DIFAT/FAT, directory chain, mini stream; every sector index is
 *     range checked and every chain walk is bounded by the sector count, so
 *     a cycle or a bad index ends the walk (parse_error), never a loop.
 *     Names → VBA/_VBA_PROJECT/_VBA_PROJECT_CUR/Macros, ObjectPool, MBD*,
 *     \x01Ole10Native (active_content); EncryptionInfo/EncryptedPackage
 *     (encrypted).  Streams: Workbook/Book BIFF records (BOUNDSHEET of type
 *     macro → XLM, FILEPASS → encrypted), WordDocument FIB fEncrypted,
 *     PowerPoint Document records (ExOleObjStg → embedded OLE/VBA storage,
 *     CryptSession10Container → encrypted).
 *   - RTF: control words \object \objdata \objocx \objemb \objlink
 *     \objautlink (escaped "\\" skipped).
 *   Each finding names what was found (one finding per kind of thing).
 *
 * NEVER
 *   modifies n->data, writes files, or follows a relationship target.
 *
 * FAILURE
 *   a CFB structure that cannot be walked → parse_error on the node (the
 *   caller's policy then holds it); nothing is "clean" by default.
 */
#include "office.h"

#include <string.h>

#include "archive.h"

#define CFB_ENDCHAIN 0xFFFFFFFEu
#define CFB_HDR      512
#define CFB_DIRENT   128

static const guint8 cfb_sig[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

typedef struct {
	const guint8 *buf;
	gsize len;
	guint32 ssz;          /* sector size */
	guint32 nsect;        /* whole sectors in the file */
	guint32 cutoff;       /* mini stream cutoff */
	GArray *fat;          /* guint32 */
	GArray *minifat;      /* guint32 */
	GByteArray *dir;      /* directory stream */
	GByteArray *mini;     /* mini stream (root entry's data) */
} cfb;

static guint32
le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	       (guint32)p[3] << 24;
}

static guint16
le16(const guint8 *p)
{
	return (guint16)(p[0] | p[1] << 8);
}

static void
add_once(mk_node *n, mk_finding_code c, const char *detail)
{
	for (guint i = 0; i < n->findings->len; i++) {
		mk_finding *f = g_ptr_array_index(n->findings, i);

		if (f->code == c && g_strcmp0(f->detail, detail) == 0)
			return;
	}
	mk_node_add_finding(n, c, "%s", detail);
}

/* ---- OOXML / ODF ------------------------------------------------------ */

/* Report external relationships in one .rels part. */
static void
rels_scan(mk_node *n, const char *part, const char *xml)
{
	const char *p = xml;

	while ((p = strstr(p, "<Relationship ")) != NULL) {
		const char *end = strchr(p, '>');
		char *el, *low, *t;

		if (end == NULL)
			break;
		el = g_strndup(p, (gsize)(end - p));
		low = g_ascii_strdown(el, -1);
		if (strstr(low, "/attachedtemplate\"") != NULL) {
			mk_node_add_finding(n, MK_F_ACTIVE_CONTENT,
			                    "attachedTemplate in %s", part);
		} else if (strstr(low, "targetmode=\"external\"") != NULL &&
		           strstr(low, "/hyperlink\"") == NULL) {
			t = strstr(el, "Target=\"");
			mk_node_add_finding(n, MK_F_ACTIVE_CONTENT,
			                    "external relationship in %s: %.*s", part,
			                    t != NULL ? (int)strcspn(t + 8, "\"") : 0,
			                    t != NULL ? t + 8 : "");
		}
		g_free(low);
		g_free(el);
		p = end;
	}
}

/* Word field codes starting with DDE/DDEAUTO (instrText, fldSimple). */
static void
dde_scan(mk_node *n, const char *xml)
{
	static const char *const marks[] = { "<w:instrtext", "w:instr=\"" };
	char *low = g_ascii_strdown(xml, -1);

	for (size_t k = 0; k < G_N_ELEMENTS(marks); k++) {
		const char *p = low;

		while ((p = strstr(p, marks[k])) != NULL) {
			p += strlen(marks[k]);
			if (k == 0 && (p = strchr(p, '>')) == NULL)
				break;
			p += k == 0 ? 1 : 0;
			p += strspn(p, " \t");
			if (g_str_has_prefix(p, "dde")) {
				add_once(n, MK_F_ACTIVE_CONTENT, "DDE field");
				goto out;
			}
		}
	}
out:
	g_free(low);
}

static void
ooxml_name(mk_node *n, const char *name)
{
	char *low = g_ascii_strdown(name, -1);
	const char *base = strrchr(low, '/') != NULL ? strrchr(low, '/') + 1 : low;

	if (g_str_has_prefix(base, "vbaproject") && g_str_has_suffix(base, ".bin"))
		add_once(n, MK_F_ACTIVE_CONTENT, "VBA project");
	else if (strstr(low, "/activex/") != NULL)
		add_once(n, MK_F_ACTIVE_CONTENT, "ActiveX control");
	else if (strstr(low, "/embeddings/") != NULL)
		add_once(n, MK_F_ACTIVE_CONTENT, "embedded object");
	else if (strstr(low, "/macrosheets/") != NULL)
		add_once(n, MK_F_ACTIVE_CONTENT, "Excel 4 macro sheet");
	else if (g_str_has_prefix(low, "customui/"))
		add_once(n, MK_F_ACTIVE_CONTENT, "custom UI (ribbon callbacks)");
	g_free(low);
}

static void
odf_name(mk_node *n, const char *name)
{
	if (g_str_has_prefix(name, "Basic/") || g_str_has_prefix(name, "Scripts/"))
		add_once(n, MK_F_ACTIVE_CONTENT, "macros");
	else if (g_str_has_prefix(name, "Object ") && strchr(name, '/') == NULL)
		add_once(n, MK_F_ACTIVE_CONTENT, "embedded OLE object");
}

static void
zip_inspect(mk_ctx *ctx, mk_node *n, const guint8 *buf, gsize len)
{
	bool enc = false, ooxml = false, odf = false;
	GPtrArray *names = mk_zip_list(buf, len,
	                               (guint)ctx->cfg->limits.max_archive_members,
	                               &enc);

	if (names == NULL) {
		mk_node_add_finding(n, MK_F_PARSE_ERROR, "unreadable zip container");
		return;
	}
	if (enc)
		mk_node_add_finding(n, MK_F_ENCRYPTED, "encrypted zip entries");
	for (guint i = 0; i < names->len; i++) {
		const char *nm = g_ptr_array_index(names, i);

		ooxml |= strcmp(nm, "[Content_Types].xml") == 0;
		odf |= strcmp(nm, "mimetype") == 0;
	}
	for (guint i = 0; i < names->len && !mk_ctx_expired(ctx); i++) {
		const char *nm = g_ptr_array_index(names, i);
		GBytes *b;

		if (odf && !ooxml)
			odf_name(n, nm);
		if (!ooxml)
			continue;
		ooxml_name(n, nm);
		if (!g_str_has_suffix(nm, ".rels") &&
		    strcmp(nm, "word/document.xml") != 0)
			continue;
		b = mk_zip_read_member(buf, len, nm,
		                       (gsize)ctx->cfg->limits.max_text_size);
		if (b != NULL && g_str_has_suffix(nm, ".rels"))
			rels_scan(n, nm, g_bytes_get_data(b, NULL));
		else if (b != NULL)
			dde_scan(n, g_bytes_get_data(b, NULL));
		g_clear_pointer(&b, g_bytes_unref);
	}
	g_ptr_array_unref(names);
}

/* ---- CFB -------------------------------------------------------------- */

static const guint8 *
cfb_sector(const cfb *c, guint32 id)
{
	if (id >= c->nsect)
		return NULL;
	return c->buf + (gsize)(id + 1) * c->ssz;
}

/* Append the chain from START (regular sectors) to OUT; false if broken. */
static bool
cfb_chain(const cfb *c, guint32 start, GByteArray *out)
{
	guint32 id = start, steps = 0;

	while (id != CFB_ENDCHAIN) {
		const guint8 *s = cfb_sector(c, id);

		if (s == NULL || id >= c->fat->len || ++steps > c->nsect)
			return false;
		g_byte_array_append(out, s, c->ssz);
		id = g_array_index(c->fat, guint32, id);
	}
	return true;
}

/* Sector ids of the FAT from the header and the DIFAT chain. */
static bool
cfb_fat_ids(const cfb *c, GArray *ids)
{
	guint32 nfat = le32(c->buf + 0x2C), next = le32(c->buf + 0x44);
	guint32 ndifat = le32(c->buf + 0x48), per = c->ssz / 4 - 1;

	if (nfat > c->nsect || ndifat > c->nsect)
		return false;
	for (guint32 i = 0; i < 109 && ids->len < nfat; i++) {
		guint32 v = le32(c->buf + 0x4C + 4 * i);

		g_array_append_val(ids, v);
	}
	for (guint32 d = 0; d < ndifat && ids->len < nfat; d++) {
		const guint8 *s = cfb_sector(c, next);

		if (s == NULL)
			return false;
		for (guint32 i = 0; i < per && ids->len < nfat; i++) {
			guint32 v = le32(s + 4 * i);

			g_array_append_val(ids, v);
		}
		next = le32(s + 4 * per);
	}
	return ids->len == nfat;
}

static bool
cfb_load_fat(cfb *c)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	bool ok = cfb_fat_ids(c, ids);

	for (guint i = 0; ok && i < ids->len; i++) {
		const guint8 *s = cfb_sector(c, g_array_index(ids, guint32, i));

		if (s == NULL) {
			ok = false;
			break;
		}
		for (guint32 k = 0; k < c->ssz / 4; k++) {
			guint32 v = le32(s + 4 * k);

			g_array_append_val(c->fat, v);
		}
	}
	g_array_unref(ids);
	return ok;
}

/* Header, FAT, directory, mini FAT and mini stream. */
static bool
cfb_open(cfb *c, const guint8 *buf, gsize len)
{
	guint16 shift;
	GByteArray *mf;
	bool ok;

	if (len < CFB_HDR || memcmp(buf, cfb_sig, 8) != 0)
		return false;
	shift = le16(buf + 0x1E);
	if (shift != 9 && shift != 12)
		return false;
	if (len / (1u << shift) < 2 || len / (1u << shift) > G_MAXUINT32 / 2)
		return false;
	c->buf = buf;
	c->len = len;
	c->ssz = 1u << shift;
	c->nsect = (guint32)(len / c->ssz) - 1;   /* sector 0 follows the header */
	c->cutoff = le32(buf + 0x38);
	c->fat = g_array_new(FALSE, FALSE, sizeof(guint32));
	c->minifat = g_array_new(FALSE, FALSE, sizeof(guint32));
	c->dir = g_byte_array_new();
	c->mini = g_byte_array_new();
	if (!cfb_load_fat(c) || !cfb_chain(c, le32(buf + 0x30), c->dir) ||
	    c->dir->len < CFB_DIRENT)
		return false;
	mf = g_byte_array_new();
	ok = le32(buf + 0x3C) == CFB_ENDCHAIN || cfb_chain(c, le32(buf + 0x3C), mf);
	for (guint i = 0; ok && i + 4 <= mf->len; i += 4) {
		guint32 v = le32(mf->data + i);

		g_array_append_val(c->minifat, v);
	}
	g_byte_array_unref(mf);
	/* root entry (first directory entry) holds the mini stream */
	if (ok && le32(c->dir->data + 0x74) != CFB_ENDCHAIN)
		ok = cfb_chain(c, le32(c->dir->data + 0x74), c->mini);
	return ok;
}

static void
cfb_close(cfb *c)
{
	if (c->fat != NULL)
		g_array_unref(c->fat);
	if (c->minifat != NULL)
		g_array_unref(c->minifat);
	if (c->dir != NULL)
		g_byte_array_unref(c->dir);
	if (c->mini != NULL)
		g_byte_array_unref(c->mini);
}

/* Data of directory entry E (128 bytes), truncated to its size. */
static GByteArray *
cfb_stream(const cfb *c, const guint8 *e)
{
	guint32 start = le32(e + 0x74), id = start, steps = 0;
	guint64 size = le32(e + 0x78);   /* high dword ignored: v3 files */
	GByteArray *out = g_byte_array_new();

	if (size >= c->cutoff) {
		if (!cfb_chain(c, start, out))
			g_byte_array_set_size(out, 0);
	} else {
		while (id != CFB_ENDCHAIN && id < c->minifat->len &&
		       ++steps <= c->minifat->len &&
		       (gsize)(id + 1) * 64 <= c->mini->len) {
			g_byte_array_append(out, c->mini->data + (gsize)id * 64, 64);
			id = g_array_index(c->minifat, guint32, id);
		}
	}
	if (out->len > size)
		g_byte_array_set_size(out, (guint)size);
	return out;
}

/* BIFF: BOUNDSHEET (0x85) with sheet type 1 = macro, FILEPASS (0x2F). */
static void
biff_scan(mk_node *n, const GByteArray *s)
{
	for (gsize p = 0; p + 4 <= s->len;) {
		guint16 type = le16(s->data + p), rlen = le16(s->data + p + 2);

		if (type == 0x0085 && rlen >= 6 && p + 4 + 6 <= s->len &&
		    s->data[p + 4 + 5] == 0x01)
			add_once(n, MK_F_ACTIVE_CONTENT, "Excel 4 (XLM) macro sheet");
		else if (type == 0x002F)
			add_once(n, MK_F_ENCRYPTED, "workbook is encrypted (FILEPASS)");
		p += 4 + (gsize)rlen;
	}
}

/* PowerPoint records: ExOleObjStg (0x1011), CryptSession10 (0x2F14). */
static void
ppt_scan(mk_node *n, const GByteArray *s)
{
	for (gsize p = 0; p + 8 <= s->len;) {
		guint16 ver = le16(s->data + p) & 0x0F, type = le16(s->data + p + 2);
		guint32 rlen = le32(s->data + p + 4);

		if (type == 0x1011)
			add_once(n, MK_F_ACTIVE_CONTENT,
			         "embedded OLE storage (ExOleObjStg)");
		else if (type == 0x2F14)
			add_once(n, MK_F_ENCRYPTED, "presentation is encrypted");
		p += 8 + (ver == 0x0F ? 0 : (gsize)rlen);   /* descend containers */
	}
}

static void
cfb_stream_checks(mk_node *n, const cfb *c, const guint8 *e, const char *name)
{
	GByteArray *s;

	if (strcmp(name, "Workbook") != 0 && strcmp(name, "Book") != 0 &&
	    strcmp(name, "WordDocument") != 0 &&
	    strcmp(name, "PowerPoint Document") != 0 &&
	    strcmp(name, "Current User") != 0)
		return;
	s = cfb_stream(c, e);
	if (name[0] == 'C') {
		/* CurrentUserAtom.headerToken: 0xF3D1C4DF = encrypted */
		if (s->len >= 16 && le32(s->data + 12) == 0xF3D1C4DFu)
			add_once(n, MK_F_ENCRYPTED, "presentation is encrypted");
	} else if (strncmp(name, "Word", 4) == 0) {
		if (s->len >= 12 && (le16(s->data + 0x0A) & 0x0100) != 0)
			add_once(n, MK_F_ENCRYPTED, "document is encrypted (FIB)");
	} else if (name[0] == 'P') {
		ppt_scan(n, s);
	} else {
		biff_scan(n, s);
	}
	g_byte_array_unref(s);
}

static void
cfb_name_checks(mk_node *n, const char *name)
{
	if (strcmp(name, "VBA") == 0 || strcmp(name, "_VBA_PROJECT") == 0 ||
	    strcmp(name, "_VBA_PROJECT_CUR") == 0 || strcmp(name, "Macros") == 0)
		add_once(n, MK_F_ACTIVE_CONTENT, "VBA macros");
	else if (strcmp(name, "ObjectPool") == 0 || g_str_has_prefix(name, "MBD"))
		add_once(n, MK_F_ACTIVE_CONTENT, "embedded OLE objects");
	else if (strcmp(name, "\001Ole10Native") == 0)
		add_once(n, MK_F_ACTIVE_CONTENT, "OLE package (Ole10Native)");
	else if (strcmp(name, "EncryptionInfo") == 0 ||
	         strcmp(name, "EncryptedPackage") == 0)
		add_once(n, MK_F_ENCRYPTED, "encrypted package");
}

static void
cfb_inspect(mk_ctx *ctx, mk_node *n, const guint8 *buf, gsize len)
{
	cfb c = { 0 };

	if (!cfb_open(&c, buf, len)) {
		mk_node_add_finding(n, MK_F_PARSE_ERROR, "corrupt OLE2 container");
		goto out;
	}
	for (guint off = 0; off + CFB_DIRENT <= c.dir->len; off += CFB_DIRENT) {
		const guint8 *e = c.dir->data + off;
		guint16 nlen = le16(e + 0x40);
		gunichar2 wname[32];
		char *name;

		if ((e[0x42] != 1 && e[0x42] != 2) || nlen < 2 || nlen > 64)
			continue;
		memcpy(wname, e, nlen);
		name = g_utf16_to_utf8(wname, nlen / 2 - 1, NULL, NULL, NULL);
		if (name == NULL)
			continue;
		cfb_name_checks(n, name);
		if (e[0x42] == 2 && !mk_ctx_expired(ctx))
			cfb_stream_checks(n, &c, e, name);
		g_free(name);
	}
out:
	cfb_close(&c);
}

/* ---- RTF -------------------------------------------------------------- */

static void
rtf_inspect(mk_node *n, const guint8 *buf, gsize len)
{
	static const char *const words[] = {
		"object", "objdata", "objocx", "objemb", "objlink", "objautlink",
	};

	for (gsize i = 0; i + 1 < len; i++) {
		gsize w = i + 1, e = w;

		if (buf[i] != '\\')
			continue;
		if (!g_ascii_isalpha(buf[w])) {
			i = w;          /* "\\", "\{", "\'": escaped, skip */
			continue;
		}
		while (e < len && e - w < 32 && g_ascii_isalpha(buf[e]))
			e++;
		for (gsize k = 0; k < G_N_ELEMENTS(words); k++) {
			if (strlen(words[k]) == e - w &&
			    memcmp(buf + w, words[k], e - w) == 0) {
				char *d = g_strdup_printf("RTF \\%s", words[k]);

				add_once(n, MK_F_ACTIVE_CONTENT, d);
				g_free(d);
			}
		}
		i = e - 1;
	}
}

void
mk_office_inspect(mk_ctx *ctx, mk_node *n)
{
	gsize len = 0;
	const guint8 *buf;

	if (n == NULL || n->data == NULL)
		return;
	buf = g_bytes_get_data(n->data, &len);
	if (len >= 4 && memcmp(buf, "PK\003\004", 4) == 0) {
		/* plain archives are archive.c's: their findings come from there */
		if (!mk_archive_is_container(n->true_type))
			zip_inspect(ctx, n, buf, len);
	}
	else if (len >= 8 && memcmp(buf, cfb_sig, 8) == 0)
		cfb_inspect(ctx, n, buf, len);
	else if (len >= 5 && memcmp(buf, "{\\rt", 4) == 0)
		rtf_inspect(n, buf, len);
}
