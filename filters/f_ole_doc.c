/*
 * NAME
 *   f_ole_doc - Word 97-2003 field instructions neutralized (see f_ole.h,
 *   mk_ole_word)
 *
 * DESCRIPTION
 *   The FIB gives the table stream (fWhichTblStm) and the CLX in it
 *   (fcClx/lcbClx, pair 33 of FibRgFcLcb97); the CLX's piece table maps
 *   character positions to the WordDocument stream, 8-bit (fCompressed)
 *   or UTF-16.  Characters are walked in CP order with a stack of open
 *   fields: 0x13 opens one, 0x14 ends its instruction, 0x15 closes it.
 *   The instruction's stream offsets are remembered (and its first
 *   OLE_DOC_MAX_INSTR bytes as text); a field judged unsafe (not
 *   mk_field_instr_safe, or a field nested in its instruction) has every
 *   instruction character that is not a field mark overwritten with a
 *   space, in a copy of the stream.  The field's structure (its marks,
 *   the PlcFld entries) is unchanged, and so is its result.
 *
 * NEVER
 *   Changes the length of a stream or any byte outside an instruction.
 *
 * FAILURE
 *   Encrypted or obfuscated documents, a FIB, CLX or piece outside its
 *   stream: MK_ERR_DATA.
 */
#include <string.h>

#include "f_fields.h"
#include "f_ole.h"

#define OLE_DOC_MAX_INSTR 256

typedef struct field {
	GArray *pos;          /* gsize: offset << 1 | wide, of instruction characters */
	GString *instr;
	bool in_result, nested;
} field;

typedef struct walk {
	guint8 *doc;
	gsize len;
	GPtrArray *stack;     /* field* */
	int blanked;
	int web_links, other_links;   /* of those, HYPERLINK fields */
} walk;

static guint32 le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	       (guint32)p[3] << 24;
}

static void field_free(gpointer p)
{
	field *f = p;
	g_array_unref(f->pos);
	g_string_free(f->instr, TRUE);
	g_free(f);
}

/* Blanks F's instruction when it is not harmless. */
static void judge(walk *w, field *f)
{
	const char *p = f->instr->str;

	while (*p == ' ')
		p++;
	if (*p == '\0' || (!f->nested && mk_field_instr_safe(f->instr->str)))
		return;   /* nothing to run (a blanked one), or harmless */
	for (guint i = 0; i < f->pos->len; i++) {
		gsize v = g_array_index(f->pos, gsize, i), at = v >> 1;
		w->doc[at] = ' ';
		if (v & 1)
			w->doc[at + 1] = 0;
	}
	/* a hyperlink is told apart: the stream has no room for its URL */
	char *url = f->nested ? NULL : mk_field_web_target(p);
	if (url)
		w->web_links++;
	else if (!f->nested && g_ascii_strncasecmp(p, "HYPERLINK", 9) == 0)
		w->other_links++;
	else
		w->blanked++;
	g_free(url);
}

/* One character C at stream offset AT (WIDE: two bytes). */
static void step(walk *w, guint32 c, gsize at, bool wide)
{
	field *top = w->stack->len ? g_ptr_array_index(w->stack, w->stack->len - 1) : NULL;

	if (c == 0x13) {
		if (top && !top->in_result)
			top->nested = true;
		field *f = g_new0(field, 1);
		f->pos = g_array_new(FALSE, FALSE, sizeof(gsize));
		f->instr = g_string_new(NULL);
		g_ptr_array_add(w->stack, f);
		return;
	}
	if (top == NULL)
		return;
	if (c == 0x14 || c == 0x15) {
		if (!top->in_result)
			judge(w, top);
		top->in_result = true;
		if (c == 0x15)
			g_ptr_array_remove_index(w->stack, w->stack->len - 1);
		return;
	}
	/* an instruction character: of every open field still in its
	 * instruction (nested fields' text belongs to their parents too) */
	for (guint i = 0; i < w->stack->len; i++) {
		field *f = g_ptr_array_index(w->stack, i);
		if (f->in_result)
			continue;
		gsize v = at << 1 | (wide ? 1 : 0);
		g_array_append_val(f->pos, v);
		if (f->instr->len < OLE_DOC_MAX_INSTR)
			g_string_append_c(f->instr, c < 0x80 ? (char)c : '?');
	}
}

static int fail(mk_error *err, const char *what)
{
	mk_error_set(err, MK_ERR_DATA, "ole: Word: %s", what);
	return MK_ERR_DATA;
}

/* The piece table (PlcPcd) of CLX, or NULL: *n pieces. */
static const guint8 *pieces(const guint8 *clx, gsize len, guint32 *n)
{
	gsize off = 0;

	while (off < len && clx[off] == 0x01) {   /* Prc: skip */
		if (off + 3 > len)
			return NULL;
		gint16 cb = (gint16)(clx[off + 1] | clx[off + 2] << 8);
		if (cb < 0)
			return NULL;
		off += 3 + (gsize)cb;
	}
	if (off + 5 > len || clx[off] != 0x02)
		return NULL;
	guint32 lcb = le32(clx + off + 1);
	if (lcb < 4 || lcb > len - off - 5 || (lcb - 4) % 12)
		return NULL;
	*n = (lcb - 4) / 12;
	return clx + off + 5;
}

static int walk_pieces(walk *w, const guint8 *plc, guint32 n, mk_error *err)
{
	for (guint32 i = 0; i < n; i++) {
		guint32 cp0 = le32(plc + 4 * i), cp1 = le32(plc + 4 * (i + 1));
		guint32 fc = le32(plc + 4 * (n + 1) + 8 * i + 2);
		bool wide = !(fc & 0x40000000u);
		gsize at = wide ? fc : (fc & 0x3FFFFFFFu) / 2, count = cp1 - cp0;
		if (cp1 < cp0 || at > w->len || count > (w->len - at) / (wide ? 2 : 1))
			return fail(err, "a piece outside the document stream");
		for (gsize k = 0; k < count; k++) {
			gsize p = at + k * (wide ? 2 : 1);
			guint32 c = wide ? (guint32)(w->doc[p] | w->doc[p + 1] << 8) : w->doc[p];
			step(w, c, p, wide);
		}
	}
	/* unterminated fields: judged as they stand */
	for (guint i = 0; i < w->stack->len; i++) {
		field *f = g_ptr_array_index(w->stack, i);
		if (!f->in_result)
			judge(w, f);
	}
	return 0;
}

int mk_ole_word(GBytes **wdoc, GBytes **table0, GBytes **table1,
                int *counts, mk_error *err)
{
	gsize len = 0, tlen = 0;
	const guint8 *d = g_bytes_get_data(*wdoc, &len), *t;
	walk w = { .stack = g_ptr_array_new_with_free_func(field_free) };
	guint32 n = 0;
	int rc = MK_ERR_DATA;

	if (len < 0x1AA || d[0] != 0xEC || d[1] != 0xA5) {
		rc = fail(err, "no FIB");
		goto out;
	}
	guint16 flags = (guint16)(d[0x0A] | d[0x0B] << 8);
	if (flags & 0x0100 || flags & 0x8000) {
		mk_error_set(err, MK_ERR_DATA, "ole: encrypted (password required)");
		goto out;
	}
	GBytes *tb = (flags & 0x0200) ? *table1 : *table0;
	gsize csw = (gsize)(d[32] | d[33] << 8), at = 34 + csw * 2;
	if (tb == NULL || at + 2 > len) {
		rc = fail(err, "no table stream");
		goto out;
	}
	gsize cslw = (gsize)(d[at] | d[at + 1] << 8), fcl = at + 2 + cslw * 4 + 2 + 33 * 8;
	if (fcl + 8 > len) {
		rc = fail(err, "FIB too short");
		goto out;
	}
	guint32 fc = le32(d + fcl), lcb = le32(d + fcl + 4);
	t = g_bytes_get_data(tb, &tlen);
	const guint8 *plc = fc <= tlen && lcb <= tlen - fc ? pieces(t + fc, lcb, &n) : NULL;
	if (plc == NULL) {
		rc = fail(err, "no piece table");
		goto out;
	}
	w.doc = g_memdup2(d, len);
	w.len = len;
	if ((rc = walk_pieces(&w, plc, n, err)) < 0)
		goto out;
	if (w.blanked + w.web_links + w.other_links) {
		g_bytes_unref(*wdoc);
		*wdoc = g_bytes_new_take(w.doc, len);
		w.doc = NULL;
		counts[MK_FN_FIELD] += w.blanked;
		counts[MK_FN_WEB_UNLINKED] += w.web_links;
		counts[MK_FN_OTHER_LINK] += w.other_links;
	}
	rc = 0;
out:
	g_free(w.doc);
	g_ptr_array_unref(w.stack);
	return rc;
}
