/*
 * NAME
 *   tnef - MS-TNEF (winmail.dat, application/ms-tnef) attachments as children
 *
 * DESCRIPTION
 *   Runs in mukaika-worker only (the "unpack" run, src/worker/wunpack.c):
 *   the engine never parses TNEF in its own process.
 *
 *   A small bounded parser for the TNEF stream: signature, key, then
 *   attributes (level u8, id u32, length u32, data, checksum u16).  Message
 *   level: attBody, attOemCodepage, attMsgProps (PR_BODY, PR_RTF_COMPRESSED,
 *   PR_HTML).  Attachment level: attAttachRenddata starts an attachment,
 *   attAttachTitle, attAttachData, attAttachment (MAPI: long/short file name,
 *   display name, PR_ATTACH_DATA_OBJ, PR_ATTACH_MIME_TAG).  Attachments become
 *   MK_NODE_EMBEDDED children of the leaf; bodies become "body.txt",
 *   "body.rtf" (LZFu decompressed) and "body.html".  Name priority:
 *   PR_ATTACH_LONG_FILENAME, attAttachTitle, PR_ATTACH_FILENAME,
 *   PR_DISPLAY_NAME.  A PT_OBJECT data object loses its 16-byte IID (an
 *   embedded message then is itself a TNEF stream the engine can expand).
 *
 * OWNERSHIP
 *   Child data are slices of the leaf's GBytes (or new buffers for converted
 *   text and RTF); the children belong to the leaf.  Nothing else is kept.
 *
 * NEVER
 *   Reads past the buffer, trusts a length or count, writes to the
 *   filesystem, or uses an input name for anything but data.
 *
 * FAILURE
 *   A bad signature, a length past the end, an unknown MAPI type or a bad
 *   checksum adds MK_F_PARSE_ERROR to the leaf; a size, count or time limit
 *   adds MK_F_LIMIT and stops.  What was parsed before the failure is still
 *   emitted so it can be scanned; the findings keep the item from passing.
 */
#include "tnef.h"

#include <string.h>

#define TNEF_HDR_LEN     6u   /* signature u32 + key u16 */
#define TNEF_ATTR_HDR    9u   /* level u8 + id u32 + length u32 */
#define TNEF_ATTR_TRAIL  2u   /* checksum u16 */
#define LVL_MESSAGE      1
#define LVL_ATTACHMENT   2

enum {  /* attribute tags (low 16 bits of the attribute id) */
	ATT_BODY = 0x800C, ATT_ATTACH_DATA = 0x800F, ATT_ATTACH_TITLE = 0x8010,
	ATT_ATTACH_REND = 0x9002, ATT_MSG_PROPS = 0x9003, ATT_ATTACHMENT = 0x9005,
	ATT_OEM_CODEPAGE = 0x9007,
};

enum {  /* MAPI property ids */
	PR_BODY = 0x1000, PR_RTF_COMPRESSED = 0x1009, PR_HTML = 0x1013,
	PR_DISPLAY_NAME = 0x3001, PR_ATTACH_DATA_OBJ = 0x3701,
	PR_ATTACH_FILENAME = 0x3704, PR_ATTACH_LONG_FILENAME = 0x3707,
	PR_ATTACH_MIME_TAG = 0x370E, MAPI_NAMED_MIN = 0x8000,
};

enum {  /* MAPI property types; MV_FLAG marks multi-valued ones */
	PT_NULL = 0x01, PT_SHORT = 0x02, PT_LONG = 0x03, PT_FLOAT = 0x04,
	PT_DOUBLE = 0x05, PT_CURRENCY = 0x06, PT_APPTIME = 0x07, PT_ERROR = 0x0A,
	PT_BOOLEAN = 0x0B, PT_OBJECT = 0x0D, PT_I8 = 0x14, PT_STRING8 = 0x1E,
	PT_UNICODE = 0x1F, PT_SYSTIME = 0x40, PT_CLSID = 0x48, PT_BINARY = 0x102,
	MV_FLAG = 0x1000,
};
#define MAPI_IID_LEN 16u
#define MAPI_GUID_LEN 16u

/* compressed RTF */
#define LZFU_HDR_LEN  16u
#define LZFU_MAGIC    0x75465A4Cu   /* "LZFu" */
#define MELA_MAGIC    0x414C454Du   /* "MELA" */
#define LZFU_DICT     4096u
static const char lzfu_prebuf[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman "
	"\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes "
	"New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
	"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

typedef struct {
	const guint8 *p;
	const guint8 *end;
} tn_rd;

typedef struct {
	gsize off, len;        /* slice of the leaf's data */
	bool has_data;
	bool object;           /* PT_OBJECT data (IID already skipped) */
	char *title, *long_name, *short_name, *display, *mime_tag;
} tn_att;

typedef struct {
	mk_ctx *ctx;
	mk_node *leaf;
	const guint8 *base;    /* leaf data */
	GPtrArray *atts;       /* tn_att*, owned */
	tn_att *cur;           /* borrowed from atts */
	guint codepage;
	GBytes *body, *rtf, *html;
	bool failed;           /* stop parsing */
	bool bad_checksum;
} tn_state;

static guint16
le16(const guint8 *p)
{
	return (guint16)(p[0] | (p[1] << 8));
}

static guint32
le32(const guint8 *p)
{
	return (guint32)p[0] | ((guint32)p[1] << 8) | ((guint32)p[2] << 16) |
	       ((guint32)p[3] << 24);
}

static gsize
rd_left(const tn_rd *r)
{
	return (gsize)(r->end - r->p);
}

static bool
rd_u32(tn_rd *r, guint32 *v)
{
	if (rd_left(r) < 4)
		return false;
	*v = le32(r->p);
	r->p += 4;
	return true;
}

static bool
rd_skip(tn_rd *r, gsize n)
{
	if (rd_left(r) < n)
		return false;
	r->p += n;
	return true;
}

/* Skip the padding to a 4-byte boundary after N bytes (lenient at the end). */
static void
rd_pad(tn_rd *r, gsize n)
{
	gsize pad = (4 - (n & 3)) & 3;

	r->p += MIN(pad, rd_left(r));
}

static void
att_free(gpointer p)
{
	tn_att *a = p;

	g_free(a->title);
	g_free(a->long_name);
	g_free(a->short_name);
	g_free(a->display);
	g_free(a->mime_tag);
	g_free(a);
}

static void
tn_fail(tn_state *st, mk_finding_code code, const char *what, gsize off)
{
	mk_node_add_finding(st->leaf, code, "tnef: %s at offset %" G_GSIZE_FORMAT,
	                    what, off);
	st->failed = true;
}

static gsize
tn_off(const tn_state *st, const guint8 *p)
{
	return (gsize)(p - st->base);
}

/* --- strings ----------------------------------------------------------- */

/* Bytes up to the first NUL (or LEN). */
static gsize
str_len(const guint8 *p, gsize len, gsize unit)
{
	gsize i;

	for (i = 0; i + unit <= len; i += unit) {
		if (p[i] == 0 && (unit == 1 || p[i + 1] == 0))
			return i;
	}
	return len - (len % unit);
}

/* 8-bit string in the message code page (or CP932, or Latin-1) to UTF-8. */
static char *
str8_to_utf8(const tn_state *st, const guint8 *p, gsize len)
{
	gsize n = str_len(p, len, 1);
	char cp[16];
	char *s;

	if (g_utf8_validate((const char *)p, (gssize)n, NULL))
		return g_strndup((const char *)p, n);
	if (st->codepage != 0) {
		g_snprintf(cp, sizeof cp, "CP%u", st->codepage);
		s = g_convert((const char *)p, (gssize)n, "UTF-8", cp, NULL, NULL, NULL);
		if (s != NULL)
			return s;
	}
	s = g_convert((const char *)p, (gssize)n, "UTF-8", "CP932", NULL, NULL, NULL);
	if (s == NULL)
		s = g_convert((const char *)p, (gssize)n, "UTF-8", "ISO-8859-1",
		              NULL, NULL, NULL);
	return s;
}

static char *
utf16_to_utf8(const guint8 *p, gsize len)
{
	gsize n = str_len(p, len, 2);

	return g_convert((const char *)p, (gssize)n, "UTF-8", "UTF-16LE",
	                 NULL, NULL, NULL);
}

static char *
mapi_str(const tn_state *st, guint16 type, const guint8 *p, gsize len)
{
	if (type == PT_UNICODE)
		return utf16_to_utf8(p, len);
	if (type == PT_STRING8)
		return str8_to_utf8(st, p, len);
	return NULL;
}

static void
set_once(char **slot, char *s)
{
	if (*slot == NULL && s != NULL && *s != '\0')
		*slot = s;
	else
		g_free(s);
}

/* --- compressed RTF ---------------------------------------------------- */

/* LZFu decoding loop: returns false on a reference past the input. */
static bool
lzfu_run(tn_state *st, const guint8 *in, const guint8 *end, GByteArray *out,
         gsize cap)
{
	guint8 dict[LZFU_DICT] = { 0 };
	gsize wpos = sizeof lzfu_prebuf - 1;

	memcpy(dict, lzfu_prebuf, wpos);
	for (guint groups = 1; in < end && out->len < cap; groups++) {
		guint flags = *in++;

		if (groups % 4096 == 0 && mk_ctx_expired(st->ctx))
			return false;
		for (guint bit = 0; bit < 8 && in < end && out->len < cap; bit++) {
			if (!(flags & (1u << bit))) {
				dict[wpos++ % LZFU_DICT] = *in;
				g_byte_array_append(out, in++, 1);
				continue;
			}
			if (end - in < 2)
				return false;
			guint ref = ((guint)in[0] << 8) | in[1];
			gsize from = ref >> 4, n = (ref & 0xF) + 2;
			in += 2;
			if (from == wpos % LZFU_DICT)
				return true;    /* end marker */
			for (gsize i = 0; i < n && out->len < cap; i++) {
				guint8 c = dict[(from + i) % LZFU_DICT];
				dict[wpos++ % LZFU_DICT] = c;
				g_byte_array_append(out, &c, 1);
			}
		}
	}
	return true;
}

static GBytes *
lzfu_decompress(tn_state *st, const guint8 *p, gsize len)
{
	guint32 comp, raw, magic;
	GByteArray *out;
	gsize cap;

	if (len < LZFU_HDR_LEN) {
		tn_fail(st, MK_F_PARSE_ERROR, "short compressed RTF", tn_off(st, p));
		return NULL;
	}
	comp = le32(p);
	raw = le32(p + 4);
	magic = le32(p + 8);
	cap = MIN((gsize)raw, (gsize)st->ctx->cfg->limits.max_member_size);
	cap = MIN(cap, (gsize)MAX(0, st->ctx->cfg->limits.max_unpacked_size -
	                             st->ctx->unpacked));
	if ((gsize)raw > cap)
		mk_node_add_finding(st->leaf, MK_F_LIMIT,
		                    "tnef: RTF body of %u bytes cut", raw);
	if (magic == MELA_MAGIC)
		return g_bytes_new(p + LZFU_HDR_LEN, MIN(cap, len - LZFU_HDR_LEN));
	if (magic != LZFU_MAGIC) {
		tn_fail(st, MK_F_PARSE_ERROR, "unknown RTF compression", tn_off(st, p));
		return NULL;
	}
	if ((gsize)comp + 4 > len)
		mk_node_add_finding(st->leaf, MK_F_PARSE_ERROR,
		                    "tnef: compressed RTF truncated");
	out = g_byte_array_sized_new((guint)MIN(cap, (gsize)len * 4));
	if (!lzfu_run(st, p + LZFU_HDR_LEN, p + MIN(len, (gsize)comp + 4), out, cap))
		mk_node_add_finding(st->leaf, MK_F_PARSE_ERROR,
		                    "tnef: compressed RTF stream broken");
	return g_byte_array_free_to_bytes(out);
}

/* --- MAPI properties ---------------------------------------------------- */

static gsize
mapi_fixed_size(guint16 type)
{
	switch (type) {
	case PT_NULL: case PT_SHORT: case PT_LONG: case PT_FLOAT:
	case PT_ERROR: case PT_BOOLEAN:
		return 4;
	case PT_DOUBLE: case PT_CURRENCY: case PT_APPTIME: case PT_I8:
	case PT_SYSTIME:
		return 8;
	case PT_CLSID:
		return 16;
	default:
		return 0;
	}
}

static bool
mapi_is_var(guint16 type)
{
	return type == PT_STRING8 || type == PT_UNICODE || type == PT_BINARY ||
	       type == PT_OBJECT;
}

static tn_att *
cur_att(tn_state *st)
{
	if (st->cur == NULL) {
		st->cur = g_new0(tn_att, 1);
		g_ptr_array_add(st->atts, st->cur);
	}
	return st->cur;
}

static void
att_prop(tn_state *st, guint16 id, guint16 type, const guint8 *p, gsize len)
{
	tn_att *a = cur_att(st);

	switch (id) {
	case PR_ATTACH_LONG_FILENAME:
		set_once(&a->long_name, mapi_str(st, type, p, len));
		break;
	case PR_ATTACH_FILENAME:
		set_once(&a->short_name, mapi_str(st, type, p, len));
		break;
	case PR_DISPLAY_NAME:
		set_once(&a->display, mapi_str(st, type, p, len));
		break;
	case PR_ATTACH_MIME_TAG:
		set_once(&a->mime_tag, mapi_str(st, type, p, len));
		break;
	case PR_ATTACH_DATA_OBJ:
		if ((a->has_data && a->len > 0) ||
		    (type != PT_BINARY && type != PT_OBJECT))
			break;
		if (type == PT_OBJECT && len >= MAPI_IID_LEN) {
			p += MAPI_IID_LEN;
			len -= MAPI_IID_LEN;
			a->object = true;
		}
		a->off = tn_off(st, p);
		a->len = len;
		a->has_data = true;
		break;
	default:
		break;
	}
}

static GBytes *
text_bytes(const tn_state *st, guint16 type, const guint8 *p, gsize len)
{
	char *s = NULL;

	if (type == PT_UNICODE)
		s = utf16_to_utf8(p, len);
	if (s != NULL)
		return g_bytes_new_take(s, strlen(s));
	if (type == PT_STRING8)
		len = str_len(p, len, 1);
	return g_bytes_new(p, len);
}

static void
msg_prop(tn_state *st, guint16 id, guint16 type, const guint8 *p, gsize len)
{
	switch (id) {
	case PR_BODY:
		if (st->body == NULL)
			st->body = text_bytes(st, type, p, len);
		break;
	case PR_HTML:
		if (st->html == NULL)
			st->html = text_bytes(st, type, p, len);
		break;
	case PR_RTF_COMPRESSED:
		if (st->rtf == NULL && type == PT_BINARY)
			st->rtf = lzfu_decompress(st, p, len);
		break;
	default:
		break;
	}
}

/* Named-property name: GUID, kind, then an id or a padded UTF-16 name. */
static bool
mapi_skip_name(tn_rd *r)
{
	guint32 kind, n;

	if (!rd_skip(r, MAPI_GUID_LEN) || !rd_u32(r, &kind) || !rd_u32(r, &n))
		return false;
	if (kind == 0)
		return true;
	if (!rd_skip(r, n))
		return false;
	rd_pad(r, n);
	return true;
}

/* One property's values; calls the handler for value 0 only. */
static bool
mapi_values(tn_state *st, tn_rd *r, guint16 id, guint16 type, bool mv, int level)
{
	guint32 count = 1, n;
	gsize fixed = mapi_fixed_size(type);

	if ((mv || mapi_is_var(type)) && !rd_u32(r, &count))
		return false;
	if (!mapi_is_var(type)) {
		if (fixed == 0 || count > rd_left(r) / fixed)
			return false;
		r->p += (gsize)count * fixed;
		return true;
	}
	if (count > rd_left(r) / 4)
		return false;
	for (guint32 i = 0; i < count; i++) {
		if (!rd_u32(r, &n) || n > rd_left(r))
			return false;
		if (i == 0 && level == LVL_ATTACHMENT)
			att_prop(st, id, type, r->p, n);
		else if (i == 0)
			msg_prop(st, id, type, r->p, n);
		r->p += n;
		rd_pad(r, n);
	}
	return true;
}

static void
mapi_parse(tn_state *st, const guint8 *p, gsize len, int level)
{
	tn_rd r = { p, p + len };
	guint32 count;

	if (!rd_u32(&r, &count) || count > rd_left(&r) / 4) {
		tn_fail(st, MK_F_PARSE_ERROR, "bad MAPI property count", tn_off(st, p));
		return;
	}
	for (guint32 i = 0; i < count && !st->failed; i++) {
		const guint8 *at = r.p;
		guint32 tag;
		guint16 type, id;

		if (!rd_u32(&r, &tag)) {
			tn_fail(st, MK_F_PARSE_ERROR, "MAPI property past end", tn_off(st, at));
			return;
		}
		type = (guint16)(tag & 0xFFFF);
		id = (guint16)(tag >> 16);
		if ((id >= MAPI_NAMED_MIN && !mapi_skip_name(&r)) ||
		    !mapi_values(st, &r, id, type & ~MV_FLAG, (type & MV_FLAG) != 0,
		                 level))
			tn_fail(st, MK_F_PARSE_ERROR, "bad MAPI property", tn_off(st, at));
		else if (mk_ctx_expired(st->ctx))
			tn_fail(st, MK_F_LIMIT, "time budget spent", tn_off(st, at));
	}
}

/* --- attributes --------------------------------------------------------- */

static void
new_attachment(tn_state *st, gsize off)
{
	const mk_config *cfg = st->ctx->cfg;

	if (st->ctx->nodes + (gint64)st->atts->len + 1 > cfg->limits.max_parts) {
		tn_fail(st, MK_F_LIMIT, "too many attachments", off);
		return;
	}
	st->cur = NULL;
	(void)cur_att(st);
}

static void
handle_attr(tn_state *st, int level, guint16 tag, const guint8 *p, gsize len)
{
	tn_att *a;

	if (level == LVL_ATTACHMENT) {
		if (tag == ATT_ATTACH_REND) {
			new_attachment(st, tn_off(st, p));
			return;
		}
		a = cur_att(st);
		if (tag == ATT_ATTACH_TITLE)
			set_once(&a->title, str8_to_utf8(st, p, len));
		else if (tag == ATT_ATTACH_DATA && (!a->has_data || a->len == 0)) {
			a->off = tn_off(st, p);
			a->len = len;
			a->has_data = true;
			a->object = false;
		} else if (tag == ATT_ATTACHMENT)
			mapi_parse(st, p, len, LVL_ATTACHMENT);
		return;
	}
	if (tag == ATT_BODY && st->body == NULL)
		st->body = g_bytes_new(p, str_len(p, len, 1));
	else if (tag == ATT_OEM_CODEPAGE && len >= 4)
		st->codepage = le32(p);
	else if (tag == ATT_MSG_PROPS)
		mapi_parse(st, p, len, LVL_MESSAGE);
}

static guint16
checksum(const guint8 *p, gsize len)
{
	guint32 sum = 0;

	for (gsize i = 0; i < len; i++)
		sum += p[i];
	return (guint16)(sum & 0xFFFF);
}

/* A line end or NUL padding after the last attribute (common in the wild);
 * a cut attribute header starts with its level byte (1 or 2) instead. */
static bool
blank_tail(const guint8 *p, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		if (p[i] != '\0' && p[i] != '\r' && p[i] != '\n')
			return false;
	}
	return true;
}

static void
parse_stream(tn_state *st, gsize total)
{
	tn_rd r = { st->base + TNEF_HDR_LEN, st->base + total };

	while (rd_left(&r) > 0 && !st->failed) {
		const guint8 *at = r.p;
		guint8 level;
		guint32 id = 0, len = 0;

		if (mk_ctx_expired(st->ctx)) {
			tn_fail(st, MK_F_LIMIT, "time budget spent", tn_off(st, at));
			return;
		}
		if (rd_left(&r) < TNEF_ATTR_HDR + TNEF_ATTR_TRAIL) {
			if (!blank_tail(r.p, rd_left(&r)))
				tn_fail(st, MK_F_PARSE_ERROR, "trailing bytes", tn_off(st, at));
			return;
		}
		level = *r.p++;
		(void)rd_u32(&r, &id);
		(void)rd_u32(&r, &len);
		if (len > rd_left(&r) - TNEF_ATTR_TRAIL) {
			tn_fail(st, MK_F_PARSE_ERROR, "attribute past end", tn_off(st, at));
			return;
		}
		if (level != LVL_MESSAGE && level != LVL_ATTACHMENT) {
			tn_fail(st, MK_F_PARSE_ERROR, "bad attribute level", tn_off(st, at));
			return;
		}
		if (le16(r.p + len) != checksum(r.p, len) && !st->bad_checksum) {
			st->bad_checksum = true;
			mk_node_add_finding(st->leaf, MK_F_PARSE_ERROR,
			                    "tnef: bad checksum at offset %" G_GSIZE_FORMAT,
			                    tn_off(st, at));
		}
		handle_attr(st, level, (guint16)(id & 0xFFFF), r.p, len);
		r.p += (gsize)len + TNEF_ATTR_TRAIL;
	}
}

/* --- children ------------------------------------------------------------ */

/* Accounts for one more child of SIZE bytes; false (and a finding) if over. */
static bool
child_budget(tn_state *st, gsize size, const char *what)
{
	const mk_config *cfg = st->ctx->cfg;

	if (st->ctx->nodes + 1 > cfg->limits.max_parts) {
		mk_node_add_finding(st->leaf, MK_F_LIMIT, "tnef: too many parts (%s)", what);
		return false;
	}
	if ((gint64)size > cfg->limits.max_member_size ||
	    st->ctx->unpacked + (gint64)size > cfg->limits.max_unpacked_size) {
		mk_node_add_finding(st->leaf, MK_F_LIMIT,
		                    "tnef: %s of %" G_GSIZE_FORMAT " bytes over size limit",
		                    what, size);
		return false;
	}
	st->ctx->nodes++;
	st->ctx->unpacked += (gint64)size;
	return true;
}

static mk_node *
add_child(tn_state *st, GBytes *data, const char *name, const char *type,
          mk_role role)
{
	mk_node *c;

	if (!child_budget(st, g_bytes_get_size(data), name ? name : "attachment"))
		return NULL;
	c = mk_node_new(MK_NODE_EMBEDDED, st->leaf);
	c->role = role;
	mk_set_str(&c->declared_name, name);
	mk_set_str(&c->declared_type, type);
	mk_node_set_data(c, data);
	return c;
}

static void
emit_attachment(tn_state *st, const tn_att *a)
{
	const char *name = a->long_name ? a->long_name :
	                   a->title ? a->title :
	                   a->short_name ? a->short_name : a->display;
	char *type = a->mime_tag ? g_ascii_strdown(a->mime_tag, -1) : NULL;
	GBytes *data;

	if (!a->has_data && name == NULL)
		goto out;
	data = a->has_data ? g_bytes_new_from_bytes(st->leaf->data, a->off, a->len)
	                   : g_bytes_new_static("", 0);
	if (a->object && mk_tnef_is_tnef(g_bytes_get_data(data, NULL),
	                                 g_bytes_get_size(data)))
		mk_set_str(&type, "application/ms-tnef");
	(void)add_child(st, data, name, type, MK_ROLE_ATTACHMENT);
	g_bytes_unref(data);
out:
	g_free(type);
}

static void
emit_children(tn_state *st)
{
	for (guint i = 0; i < st->atts->len; i++)
		emit_attachment(st, g_ptr_array_index(st->atts, i));
	if (st->body != NULL)
		(void)add_child(st, st->body, "body.txt", "text/plain",
		                MK_ROLE_ALTERNATIVE);
	if (st->rtf != NULL)
		(void)add_child(st, st->rtf, "body.rtf", "text/rtf", MK_ROLE_ALTERNATIVE);
	if (st->html != NULL)
		(void)add_child(st, st->html, "body.html", "text/html",
		                MK_ROLE_ALTERNATIVE);
}

/* --- public ------------------------------------------------------------- */


int
mk_tnef_expand(mk_ctx *ctx, mk_node *leaf, mk_error *err)
{
	tn_state st = { .ctx = ctx, .leaf = leaf };
	gsize len = 0;
	int rc = 0;

	if (ctx == NULL || leaf == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "tnef: no context or node");
		return MK_ERR_USAGE;
	}
	st.base = leaf->data ? g_bytes_get_data(leaf->data, &len) : NULL;
	if (!mk_tnef_is_tnef(st.base, len)) {
		mk_node_add_finding(leaf, MK_F_PARSE_ERROR, "tnef: no TNEF signature");
		goto out;
	}
	st.atts = g_ptr_array_new_with_free_func(att_free);
	parse_stream(&st, len);
	emit_children(&st);
	g_ptr_array_unref(st.atts);
out:
	g_clear_pointer(&st.body, g_bytes_unref);
	g_clear_pointer(&st.rtf, g_bytes_unref);
	g_clear_pointer(&st.html, g_bytes_unref);
	return rc;
}
