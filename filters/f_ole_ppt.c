/*
 * NAME
 *   f_ole_ppt - PowerPoint 97-2003 document stream made inert in place
 *   (see f_ole.h, mk_ole_ppt)
 *
 * DESCRIPTION
 *   The "PowerPoint Document" stream is a list of records (8-byte header:
 *   version/instance, type, length); containers (version 0xF) hold
 *   records, each must end inside its container and the stream.  Byte
 *   offsets into the stream are kept by the persist directory, so no
 *   record changes its length or place; instead, in place:
 *     ExOleObjStg (0x1011: an embedded object's, control's, linked
 *       object's or the VBA project's compound file, zlib-compressed when
 *       its instance is 1): every byte after the header becomes 0 and the
 *       instance 0 (an empty storage nobody can load);
 *     VBAInfoAtom (0x0400): persistIdRef and fHasMacros 0 (counted as a
 *       VBA project);
 *     ExOleObjAtom (0x0FC3): persistIdRef 0, counted by its type
 *       (embedded object, link, ActiveX control);
 *     InteractiveInfoAtom (0x0FF3): an action that runs a macro (1), a
 *       program (2) or an OLE verb (5), or a hyperlink (4) to an
 *       ExHyperlink with a target (URL or file), becomes "no action" (0)
 *       — the anchor text stays;
 *     CString (0x0FBA) under an ExHyperlink with a target: the target
 *       and location (and the shown name when the target is not http(s));
 *       LibreOffice makes a link of the ExHyperlink whatever the action
 *       says, and the format has no room to add the URL as text; under ExMCIMovie/ExAviMovie/ExWAVAudioLink (paths of outside
 *       media files): its characters become 0.
 *   What was already inert is left and not counted, so a second run finds
 *   nothing to do.
 *
 * NEVER
 *   Moves a record; keeps a byte of an embedded storage.
 *
 * FAILURE
 *   A record that runs past its container or the stream, containers
 *   nested deeper than PPT_MAX_DEPTH, or an encryption record
 *   (CryptSession10Container): MK_ERR_DATA.
 */
#include <string.h>

#include "f_ole.h"

#define PPT_MAX_DEPTH 64
#define T_VBAINFOATOM 0x0400
#define T_EXOLEOBJATOM 0x0FC3
#define T_CSTRING 0x0FBA
#define T_EXHYPERLINKATOM 0x0FD3
#define T_EXHYPERLINK 0x0FD7
#define T_INTERACTIVEINFOATOM 0x0FF3
#define T_EXAVIMOVIE 0x1006
#define T_EXMCIMOVIE 0x1007
#define T_EXWAVAUDIOLINK 0x100E
#define T_EXOLEOBJSTG 0x1011
#define T_CRYPTSESSION 0x2F14

typedef struct hdr {
	gsize off;               /* of the header */
	guint16 ver, inst, type;
	guint32 len;
} hdr;

typedef struct ppt {
	guint8 *d;
	gsize len;
	int *counts;
	GHashTable *links;       /* exHyperlinkId -> 1 web, 2 other */
	guint32 cur_link;        /* pass 1: the ExHyperlink being read */
	int storages, refs;      /* ExOleObjStg emptied, references cleared */
	bool changed;
} ppt;

static guint32 le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static bool all_zero(const guint8 *p, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void zero(ppt *p, gsize off, gsize n)
{
	memset(p->d + off, 0, n);
	p->changed = true;
}

/* Calls VISIT for every record in order, with the types of the
 * containers around it (outermost first). */
typedef void (*visit_fn)(ppt *p, const hdr *h, const guint16 *up, int depth);

static int walk(ppt *p, visit_fn visit, mk_error *err)
{
	gsize end[PPT_MAX_DEPTH];
	guint16 up[PPT_MAX_DEPTH];
	int depth = 0;

	for (gsize off = 0; off < p->len;) {
		while (depth > 0 && off >= end[depth - 1])
			depth--;
		gsize lim = depth ? end[depth - 1] : p->len;
		if (off + 8 > lim) {
			mk_error_set(err, MK_ERR_DATA, "ole: a PowerPoint record header is cut");
			return MK_ERR_DATA;
		}
		hdr h = { off, p->d[off] & 0x0F, (guint16)((p->d[off] | p->d[off + 1] << 8) >> 4),
		          (guint16)(p->d[off + 2] | p->d[off + 3] << 8), le32(p->d + off + 4) };
		if (h.len > lim - off - 8) {
			mk_error_set(err, MK_ERR_DATA, "ole: a PowerPoint record runs past its container");
			return MK_ERR_DATA;
		}
		if (h.type == T_CRYPTSESSION) {
			mk_error_set(err, MK_ERR_DATA, "ole: encrypted (password required)");
			return MK_ERR_DATA;
		}
		visit(p, &h, up, depth);
		if (h.ver == 0x0F) {
			if (depth == PPT_MAX_DEPTH) {
				mk_error_set(err, MK_ERR_DATA, "ole: PowerPoint records nested too deep");
				return MK_ERR_DATA;
			}
			end[depth] = off + 8 + h.len;
			up[depth++] = h.type;
			off += 8;
		} else {
			off += 8 + h.len;
		}
	}
	return 0;
}

static bool inside(const guint16 *up, int depth, guint16 type)
{
	for (int i = 0; i < depth; i++)
		if (up[i] == type)
			return true;
	return false;
}

/* "http://" or "https://" at the start of the UTF-16LE string S. */
static bool web_target(const guint8 *s, gsize bytes)
{
	static const char *const pre[] = { "http://", "https://" };

	for (int k = 0; k < 2; k++) {
		gsize n = strlen(pre[k]);
		bool ok = bytes >= 2 * n;
		for (gsize i = 0; ok && i < n; i++)
			ok = s[2 * i + 1] == 0 && g_ascii_tolower(s[2 * i]) == pre[k][i];
		if (ok)
			return true;
	}
	return false;
}

/* Pass 1: the class of each hyperlink's target. */
static void links(ppt *p, const hdr *h, const guint16 *up, int depth)
{
	guint8 *b = p->d + h->off + 8;

	if (depth == 0 || up[depth - 1] != T_EXHYPERLINK)
		return;
	if (h->type == T_EXHYPERLINKATOM && h->len >= 4)
		p->cur_link = le32(b);
	else if (h->type == T_CSTRING && h->inst == 1 && !all_zero(b, h->len))
		g_hash_table_replace(p->links, GUINT_TO_POINTER(p->cur_link),
		                     GINT_TO_POINTER(web_target(b, h->len) ? 1 : 2));
}

/* Pass 2, in an ExHyperlink with a target: its target and location are
 * zeroed, and for a non-web one its shown name too. */
static void link_strings(ppt *p, const hdr *h)
{
	guint8 *b = p->d + h->off + 8;

	if (h->type == T_EXHYPERLINKATOM && h->len >= 4)
		p->cur_link = le32(b);
	else if (h->type == T_CSTRING && !all_zero(b, h->len)) {
		int cls = GPOINTER_TO_INT(g_hash_table_lookup(p->links,
		                                              GUINT_TO_POINTER(p->cur_link)));
		if (cls == 2 || (cls == 1 && h->inst != 0))
			zero(p, h->off + 8, h->len);
	}
}

static void action(ppt *p, guint8 *b)
{
	gpointer cls = g_hash_table_lookup(p->links, GUINT_TO_POINTER(le32(b + 4)));

	if (b[8] == 1 || b[8] == 2 || b[8] == 5) {
		p->counts[MK_FN_ACTION]++;
	} else if (b[8] == 4 && cls != NULL) {
		p->counts[GPOINTER_TO_INT(cls) == 1 ? MK_FN_WEB_UNLINKED : MK_FN_OTHER_LINK]++;
	} else {
		return;
	}
	b[8] = 0;
	p->changed = true;
}

/* Pass 2: storages, references to them, actions, media paths. */
static void inert(ppt *p, const hdr *h, const guint16 *up, int depth)
{
	static const mk_fnote_code by_type[] = { MK_FN_OBJECT, MK_FN_OLE_LINK, MK_FN_CONTROL };
	guint8 *b = p->d + h->off + 8;

	switch (h->type) {
	case T_EXOLEOBJSTG:
		if (h->inst != 0 || !all_zero(b, h->len)) {
			zero(p, h->off + 8, h->len);
			p->d[h->off] &= 0x0F;
			p->d[h->off + 1] = 0;
			p->storages++;
		}
		break;
	case T_VBAINFOATOM:
		if (h->len >= 8 && !all_zero(b, 8)) {
			zero(p, h->off + 8, 8);
			p->counts[MK_FN_VBA]++;
			p->refs++;
		}
		break;
	case T_EXOLEOBJATOM:
		if (h->len >= 20 && le32(b + 16) != 0) {
			guint32 t = le32(b + 4);
			zero(p, h->off + 8 + 16, 4);
			p->counts[t < 3 ? by_type[t] : MK_FN_OBJECT]++;
			p->refs++;
		}
		break;
	case T_INTERACTIVEINFOATOM:
		if (h->len >= 16)
			action(p, b);
		break;
	case T_EXHYPERLINKATOM:
	case T_CSTRING:
		if (depth > 0 && up[depth - 1] == T_EXHYPERLINK)
			link_strings(p, h);
		else if (h->type == T_CSTRING && (inside(up, depth, T_EXMCIMOVIE) || inside(up, depth, T_EXAVIMOVIE) ||
		     inside(up, depth, T_EXWAVAUDIOLINK)) && !all_zero(b, h->len)) {
			zero(p, h->off + 8, h->len);
			p->counts[MK_FN_MEDIA_LINK]++;
		}
		break;
	default:
		break;
	}
}

int mk_ole_ppt(GBytes **doc, int *counts, mk_error *err)
{
	gsize len = 0;
	const guint8 *d = g_bytes_get_data(*doc, &len);
	ppt p = { .d = g_memdup2(d, len), .len = len, .counts = counts,
	          .links = g_hash_table_new(g_direct_hash, g_direct_equal) };
	int rc;

	if ((rc = walk(&p, links, err)) < 0 || (rc = walk(&p, inert, err)) < 0)
		goto out;
	if (p.storages > p.refs)   /* storages nothing pointed at */
		counts[MK_FN_OBJECT] += p.storages - p.refs;
	if (p.changed) {
		g_bytes_unref(*doc);
		*doc = g_bytes_new_take(p.d, len);
		p.d = NULL;
	}
out:
	g_hash_table_destroy(p.links);
	g_free(p.d);
	return rc;
}
