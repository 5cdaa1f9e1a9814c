/*
 * NAME
 *   f_rtf - RTF content disarm (see f_rtf.h)
 *
 * DESCRIPTION
 *   One pass over the input.  Output goes to a single GString; every open
 *   group remembers the offset of its '{' there, so dropping a group (also
 *   late, when a dangerous word shows up after other tokens) is a truncate.
 *   While a group is dropped nothing is written until its '}'.  Field
 *   instructions collect their text in a side buffer and are judged at
 *   their closing brace.
 *
 *   Never writes a file, never follows anything the document names.
 *
 * FAILURE
 *   Malformed input or a limit is an error; no partial output is returned.
 */
#include <string.h>

#include "f_rtf.h"

#include "f_defang.h"
#include "f_fields.h"
#include "fnote.h"
#include "f_image.h"
#include "f_image_meta.h"

/* Weak: a program linked without the image filter (the fuzz_rtf target)
 * has no decoder, and every raster picture is dropped (fail closed). */
extern const mk_wfilter mk_wfilter_image __attribute__((weak));

#define RTF_MAX_WORD 32
#define RTF_MAX_DIGITS 10
#define RTF_HEX_LINE 64          /* picture bytes per output line */
#define BMP_FILE_HEADER 14

typedef struct rtf_group {
	gsize start;     /* offset of this group's '{' in out */
	bool drop;       /* discard at '}' (nothing is written meanwhile) */
	bool first;      /* no token that fixes the destination yet */
	bool star;       /* "\*" was the first token */
	bool fldinst;    /* a field instruction: text goes to st->instr */
	bool pict;       /* a picture: its data goes to st->pict */
} rtf_group;

typedef struct rtf_st {
	const guchar *p, *end;
	GString *out;
	GArray *stack;           /* rtf_group */
	GString *instr;          /* text of the open field instruction */
	int instr_depth;         /* stack depth of that group, 0 = none */
	bool instr_nested;       /* a \field inside that instruction */
	char *link_url;          /* web target of a dropped HYPERLINK field */
	int link_depth;          /* depth of its \field group */
	guint web_links;         /* URLs written as text after their field */
	GByteArray *pict;        /* data of the open picture (hex decoded) */
	int pict_depth;          /* stack depth of that group, 0 = none */
	const char *pict_kind;   /* declared by its blip word, or NULL */
	bool pict_bad;           /* not hex, two kinds, a picture in it ... */
	int pict_nibble;         /* pending high nibble, or -1 */
	GString *pict_props;     /* its size/scale/crop words, as written */
	char pict_param[RTF_MAX_DIGITS + 2];  /* parameter of its blip word */
	const mk_wopts *img;     /* image limits, or NULL: rasters dropped */
	GHashTable *dropped;     /* what → count */
	gsize max_out;
	gsize max_depth;         /* rtf.max_depth */
} rtf_st;

/* Any word starting with "obj" is also dangerous (objdata, objocx ...). */
static const char *const danger_words[] = {
	"object", "template", "datastore", "objdata", "objocx", "objemb",
	"objlink", "objautlink", "objsub", "objpub", "objicemb", "objhtml",
	"objclass", "objname", "objalias", "objsect", "objupdate", NULL,
};

/* Ignorable destinations (\*\word) we know to be harmless. */
static const char *const safe_ignorable[] = {
	"generator", "panose", "falt", "fname", "listtable",
	"listoverridetable", "listpicture", "listname", "rsidtbl", "xmlnstbl",
	"latentstyles", "pgdsctbl", "pgdsc", "bkmkstart", "bkmkend", "fldinst",
	"pnseclvl", "shppict", "blipuid", "defchp", "defpap", "mmathPr",
	"wgrffmtfilter", "ud", "cs", "ts", "atnid", "atnauthor", "atndate",
	"atnparent", "atnref", "atntime", "atnicn", "oldcprops", "oldpprops",
	"oldtprops", "oldsprops", "docvar", "filetbl", "pgptbl", "pnseclvl",
	"revtbl", "fchars", "lchars", "aftnsep", "aftnsepc", "aftncn",
	"ftnsep", "ftnsepc", "ftncn", "keywords", "comment", "title",
	"subject", "author", "operator", "company", "category", "manager",
	"doccomm", "hlinkbase", "rsid", "nesttableprops", "tcelld", NULL,
};

/* Picture words kept when the picture is written anew. */
static const char *const pict_props[] = {
	"picw", "pich", "picwgoal", "pichgoal", "picscalex", "picscaley",
	"piccropl", "piccropr", "piccropt", "piccropb", "picscaled", NULL,
};

/* Picture kinds we can rebuild: blip word → kind. */
static const char *const pict_kinds[][2] = {
	{ "pngblip", "png" }, { "jpegblip", "jpeg" }, { "emfblip", "emf" },
	{ "wmetafile", "wmf" }, { "dibitmap", "dib" }, { "macpict", "pict" },
	{ "pmmetafile", "?" }, { "wbitmap", "?" },
};

static bool in_list(const char *const *list, const char *w)
{
	for (gsize i = 0; list[i]; i++)
		if (strcmp(list[i], w) == 0)
			return true;
	return false;
}

static bool is_danger_word(const char *w)
{
	return in_list(danger_words, w) || g_str_has_prefix(w, "obj");
}

static rtf_group *top(rtf_st *st)
{
	return &g_array_index(st->stack, rtf_group, st->stack->len - 1);
}

static void count_drop(rtf_st *st, const char *what)
{
	gpointer n = g_hash_table_lookup(st->dropped, what);
	g_hash_table_replace(st->dropped, g_strdup(what),
	                     GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
}

static int emit(rtf_st *st, const void *b, gsize n, mk_error *err)
{
	if (top(st)->drop)
		return 0;
	if (st->out->len + n > st->max_out) {
		mk_error_set(err, MK_ERR_LIMIT, "rtf: output over %" G_GSIZE_FORMAT
		             " bytes", st->max_out);
		return MK_ERR_LIMIT;
	}
	g_string_append_len(st->out, b, (gssize)n);
	return 0;
}

/* Drop the innermost group from its '{' on; the root cannot be dropped. */
static int drop_group(rtf_st *st, const char *what, mk_error *err)
{
	rtf_group *g = top(st);
	if (st->stack->len == 1) {
		mk_error_set(err, MK_ERR_DATA, "rtf: \\%s in the root group", what);
		return MK_ERR_DATA;
	}
	if (!g->drop) {
		g_string_truncate(st->out, g->start);
		g->drop = true;
		count_drop(st, what);
	}
	return 0;
}

static void instr_add(rtf_st *st, const void *b, gsize n)
{
	if (st->instr_depth > 0 && st->instr->len < st->max_out)
		g_string_append_len(st->instr, b, (gssize)n);
}

static int open_group(rtf_st *st, mk_error *err)
{
	rtf_group g = { .start = st->out->len, .first = true };
	if (st->stack->len >= st->max_depth) {
		mk_error_set(err, MK_ERR_LIMIT, "rtf: nesting deeper than %"
		             G_GSIZE_FORMAT " (rtf.max_depth)", st->max_depth);
		return MK_ERR_LIMIT;
	}
	g.drop = st->stack->len > 0 && top(st)->drop;
	g_array_append_val(st->stack, g);
	return emit(st, "{", 1, err);
}

/* ---- pictures: the data must be the image its blip word declares ---- */

static void pict_start(rtf_st *st)
{
	if (st->pict_depth > 0) {      /* a picture in a picture: both go */
		st->pict_bad = true;
		return;
	}
	top(st)->pict = true;
	st->pict_depth = (int)st->stack->len;
	g_byte_array_set_size(st->pict, 0);
	st->pict_kind = NULL;
	st->pict_bad = false;
	st->pict_nibble = -1;
	g_string_truncate(st->pict_props, 0);
	st->pict_param[0] = '\0';
}

static bool in_pict(const rtf_st *st)
{
	return st->pict_depth > 0 && st->pict_depth == (int)st->stack->len;
}

static void pict_word(rtf_st *st, const char *w, const char *num,
                      bool neg)
{
	if (in_list(pict_props, w)) {
		g_string_append_printf(st->pict_props, "\\%s%s%s", w,
		                       neg ? "-" : "", num);
		return;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(pict_kinds); i++) {
		if (strcmp(w, pict_kinds[i][0]) != 0)
			continue;
		if (st->pict_kind && strcmp(st->pict_kind, pict_kinds[i][1]) != 0)
			st->pict_bad = true;
		st->pict_kind = pict_kinds[i][1];
		g_strlcpy(st->pict_param, num, sizeof st->pict_param);
	}
}

static void pict_raw(rtf_st *st, const guchar *b, gsize n)
{
	if (st->pict->len + n <= st->max_out)
		g_byte_array_append(st->pict, b, (guint)n);
}

/* Picture text is hex digits and white space, nothing else. */
static void pict_text(rtf_st *st, const guchar *s, gsize n)
{
	for (gsize i = 0; i < n && !st->pict_bad; i++) {
		if (g_ascii_isspace(s[i]))
			continue;
		if (!g_ascii_isxdigit(s[i])) {
			st->pict_bad = true;
			break;
		}
		int v = g_ascii_xdigit_value((char)s[i]);
		if (st->pict_nibble < 0) {
			st->pict_nibble = v;
		} else {
			guchar b = (guchar)(st->pict_nibble * 16 + v);
			pict_raw(st, &b, 1);
			st->pict_nibble = -1;
		}
	}
}

static guint32 le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	       (guint32)p[3] << 24;
}

/* A DIB (\\dibitmap: info header, colours, bits) with the BMP file
 * header in front, for the image filter; NULL if its header is not one. */
static GBytes *dib_to_bmp(const guint8 *d, gsize n)
{
	guint32 hs = n >= 12 ? le32(d) : 0;
	guint64 bpp, colours, entry = 4;
	if (hs == 12) {
		bpp = (guint64)d[10] | (guint64)d[11] << 8;
		colours = bpp <= 8 ? 1u << bpp : 0;
		entry = 3;
	} else if ((hs == 40 || hs == 52 || hs == 56 || hs == 108 ||
	            hs == 124) && n >= hs) {
		bpp = (guint64)d[14] | (guint64)d[15] << 8;
		colours = le32(d + 32) ? le32(d + 32) : bpp <= 8 ? 1u << bpp : 0;
		if (hs == 40 && le32(d + 16) == 3)     /* BI_BITFIELDS masks */
			colours += 3;
	} else {
		return NULL;
	}
	guint64 off = BMP_FILE_HEADER + hs + colours * entry;
	if (colours > 259 || off > BMP_FILE_HEADER + n || n > G_MAXUINT32 / 2)
		return NULL;
	guint8 *b = g_malloc(BMP_FILE_HEADER + n);
	guint32 total = (guint32)(BMP_FILE_HEADER + n);
	guint8 h[BMP_FILE_HEADER] = { 'B', 'M', (guint8)total,
		(guint8)(total >> 8), (guint8)(total >> 16), (guint8)(total >> 24),
		0, 0, 0, 0, (guint8)off, (guint8)(off >> 8), 0, 0 };
	memcpy(b, h, BMP_FILE_HEADER);
	memcpy(b + BMP_FILE_HEADER, d, n);
	return g_bytes_new_take(b, BMP_FILE_HEADER + n);
}

/* PNG, JPEG, DIB: decoded and encoded anew by the image filter; *blip
 * says what came out.  NULL if it cannot be kept. */
static GBytes *pict_raster(const rtf_st *st, const char **blip)
{
	const char *k = st->pict_kind;
	GBytes *in = strcmp(k, "dib") == 0
	           ? dib_to_bmp(st->pict->data, st->pict->len)
	           : g_bytes_new(st->pict->data, st->pict->len);
	GPtrArray *junk = g_ptr_array_new_with_free_func(g_free);
	mk_error e = { 0 };
	GBytes *out = NULL;
	char *type = NULL;
	int rc = !in || !st->img || &mk_wfilter_image == NULL ? MK_ERR_SOFTWARE
	       : mk_wfilter_image.run(in, st->img, &out, &type, junk, &e);

	*blip = rc < 0 || !type ? NULL
	      : strcmp(type, "image/png") == 0 ? "pngblip"
	      : strcmp(type, "image/jpeg") == 0 ? "jpegblip" : NULL;
	if (!*blip && out) {
		g_bytes_unref(out);
		out = NULL;
	}
	g_free(type);
	g_ptr_array_unref(junk);
	if (in)
		g_bytes_unref(in);
	return out;
}

/* The open picture written anew, or NULL when it cannot be kept: rasters
 * through the image filter, EMF/WMF from their records (f_image_meta.h),
 * a PICT v1/v2 by its header only.  *blip: the word to declare it. */
static GBytes *pict_rebuild(const rtf_st *st, const char **blip)
{
	const guint8 *d = st->pict->data;
	gsize n = st->pict->len;
	const char *k = st->pict_kind;
	GBytes *out = NULL;
	mk_error e = { 0 };
	guint dropped = 0;

	*blip = NULL;
	if (st->pict_bad || !k || st->pict_nibble >= 0)
		return NULL;
	if (strcmp(k, "png") == 0 || strcmp(k, "jpeg") == 0 ||
	    strcmp(k, "dib") == 0)
		return pict_raster(st, blip);
	if (strcmp(k, "emf") == 0 || strcmp(k, "wmf") == 0) {
		if (mk_meta_rebuild(d, n, k[0] == 'e', &out, &dropped, &e) < 0)
			return NULL;
		*blip = k[0] == 'e' ? "emfblip" : "wmetafile";
		return out;
	}
	if (strcmp(k, "pict") == 0 && n >= 14 &&  /* size, frame, version */
	    ((d[10] == 0x11 && d[11] == 0x01) ||
	     memcmp(d + 10, "\x00\x11\x02\xff", 4) == 0)) {
		*blip = "macpict";
		return g_bytes_new(d, n);
	}
	return NULL;                      /* pmmetafile, wbitmap: no header */
}

/* The picture group closes: it is written anew from '{' on (its size
 * words, the blip word, the rebuilt data in hex), or dropped. */
static int pict_close(rtf_st *st, mk_error *err)
{
	const char *blip = NULL;
	GBytes *img = pict_rebuild(st, &blip);
	if (!img)
		return drop_group(st, "pict (not an image we can rebuild)", err);
	gsize n = 0;
	const guint8 *d = g_bytes_get_data(img, &n);
	GString *s = g_string_new("{\\pict");
	g_string_append_len(s, st->pict_props->str, (gssize)st->pict_props->len);
	g_string_append_printf(s, "\\%s%s", blip,
	                       strcmp(blip, "wmetafile") == 0 ? st->pict_param : "");
	for (gsize i = 0; i < n && s->len <= st->max_out; i++)
		g_string_append_printf(s, "%s%02x", i % RTF_HEX_LINE ? "" : "\n",
		                       d[i]);
	g_string_truncate(st->out, top(st)->start);
	int rc = emit(st, s->str, s->len, err);
	g_string_free(s, TRUE);
	g_bytes_unref(img);
	return rc;
}

/* A field instruction that may stay: no nested field, and a harmless
 * field type (f_fields.h). */
static bool instr_is_safe(const rtf_st *st)
{
	return !st->instr_nested && mk_field_instr_safe(st->instr->str);
}

/* The \field of a dropped web HYPERLINK closed: " <URL>" (defanged,
 * ASCII only, RTF specials escaped) goes after it as plain text. */
static int link_text(rtf_st *st, mk_error *err)
{
	char *d = mk_defang_url(st->link_url);
	GString *s = g_string_new(" <");
	bool ascii = true;
	int rc = 0;

	for (const char *p = d; *p; p++) {
		ascii = ascii && (guchar)*p >= 0x20 && (guchar)*p < 0x7F;
		if (*p == '\\' || *p == '{' || *p == '}')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '>');
	if (ascii && (rc = emit(st, s->str, s->len, err)) == 0)
		st->web_links++;
	g_string_free(s, TRUE);
	g_free(d);
	g_clear_pointer(&st->link_url, g_free);
	return rc;
}

static int close_group(rtf_st *st, mk_error *err)
{
	int rc;
	if (st->stack->len == 0) {
		mk_error_set(err, MK_ERR_DATA, "rtf: unbalanced '}'");
		return MK_ERR_DATA;
	}
	rtf_group *g = top(st);
	if (g->fldinst && (int)st->instr_depth == (int)st->stack->len) {
		if (!g->drop && !instr_is_safe(st)) {
			if ((rc = drop_group(st, st->instr_nested ? "fldinst (nested field)"
			                     : "fldinst (field type not allowed)", err)) < 0)
				return rc;
			if (!st->instr_nested && !st->link_url && st->instr_depth > 1) {
				st->link_url = mk_field_web_target(st->instr->str);
				st->link_depth = st->instr_depth - 1;
			}
		}
		st->instr_depth = 0;
	}
	bool link_ends = st->link_url && st->link_depth == (int)st->stack->len;
	if (g->pict && st->pict_depth == (int)st->stack->len) {
		if (!g->drop && (rc = pict_close(st, err)) < 0)
			return rc;
		st->pict_depth = 0;
	}
	if ((rc = emit(st, "}", 1, err)) < 0)
		return rc;
	g_array_set_size(st->stack, st->stack->len - 1);
	return link_ends ? link_text(st, err) : 0;
}

/* The first control word of a group decides what it is. */
static int classify(rtf_st *st, const char *w, mk_error *err)
{
	rtf_group *g = top(st);
	g->first = false;
	if (strcmp(w, "fldinst") == 0 && st->instr_depth == 0) {
		g->fldinst = true;
		st->instr_depth = (int)st->stack->len;
		st->instr_nested = false;
		g_string_truncate(st->instr, 0);
	}
	if (g->star && !in_list(safe_ignorable, w)) {
		char *what = g_strdup_printf("*\\%s (unknown ignorable destination)",
		                             w);
		int rc = drop_group(st, what, err);
		g_free(what);
		return rc;
	}
	return 0;
}

static int skip_bin(rtf_st *st, const char *param, bool neg, mk_error *err)
{
	/* "\bin" without a number is \bin0, as Word reads it */
	gint64 n = neg ? -1 : *param ? g_ascii_strtoll(param, NULL, 10) : 0;
	if (n < 0 || n > st->end - st->p) {
		mk_error_set(err, MK_ERR_DATA, "rtf: bad \\bin length");
		return MK_ERR_DATA;
	}
	int rc = emit(st, st->p, (gsize)n, err);
	if (in_pict(st))
		pict_raw(st, st->p, (gsize)n);
	st->p += n;
	return rc;
}

static int control_word(rtf_st *st, mk_error *err)
{
	char w[RTF_MAX_WORD + 1], num[RTF_MAX_DIGITS + 1];
	gsize wn = 0, nn = 0;
	bool neg = false;
	int rc;

	while (st->p < st->end && g_ascii_isalpha(*st->p)) {
		if (wn == RTF_MAX_WORD)
			goto bad;
		w[wn++] = (char)*st->p++;
	}
	w[wn] = '\0';
	if (st->p < st->end && *st->p == '-')
		neg = true, st->p++;
	while (st->p < st->end && g_ascii_isdigit(*st->p)) {
		if (nn == RTF_MAX_DIGITS)
			goto bad;
		num[nn++] = (char)*st->p++;
	}
	num[nn] = '\0';
	if (st->p < st->end && *st->p == ' ')
		st->p++;
	if (is_danger_word(w))
		return drop_group(st, w, err);
	if (strcmp(w, "field") == 0 && st->instr_depth > 0)
		st->instr_nested = true;
	if (strcmp(w, "pict") == 0)
		pict_start(st);
	else if (in_pict(st))
		pict_word(st, w, num, neg);
	if (top(st)->first && (rc = classify(st, w, err)) < 0)
		return rc;
	char *tok = g_strdup_printf("\\%s%s%s ", w, neg ? "-" : "", num);
	rc = emit(st, tok, strlen(tok), err);
	g_free(tok);
	if (rc == 0 && strcmp(w, "bin") == 0)
		rc = skip_bin(st, num, neg, err);
	if (rc == 0 && strcmp(w, "u") == 0 && !neg && nn > 0 && nn < 4) {
		char c = (char)g_ascii_strtoll(num, NULL, 10);
		if (c > 0)
			instr_add(st, &c, 1);
	}
	return rc;
bad:
	mk_error_set(err, MK_ERR_DATA, "rtf: control word too long");
	return MK_ERR_DATA;
}

/* "\'hh", "\*", "\\", "\{" ... */
static int control_symbol(rtf_st *st, mk_error *err)
{
	guchar c = *st->p++;
	guchar tok[4] = { '\\', c, 0, 0 };
	gsize n = 2;

	if (c == '*' && top(st)->first) {
		top(st)->star = true;
		return emit(st, tok, n, err);
	}
	top(st)->first = false;
	if (c == '\'') {
		if (st->end - st->p < 2 || !g_ascii_isxdigit(st->p[0]) ||
		    !g_ascii_isxdigit(st->p[1])) {
			mk_error_set(err, MK_ERR_DATA, "rtf: bad \\' escape");
			return MK_ERR_DATA;
		}
		char v = (char)(g_ascii_xdigit_value(st->p[0]) * 16 +
		                g_ascii_xdigit_value(st->p[1]));
		instr_add(st, &v, 1);
		tok[2] = *st->p++;
		tok[3] = *st->p++;
		n = 4;
	} else if (c == '{' || c == '}' || c == '\\') {
		instr_add(st, &c, 1);
	}
	return emit(st, tok, n, err);
}

static int step(rtf_st *st, mk_error *err)
{
	guchar c = *st->p;
	if (c == '{') {
		st->p++;
		return open_group(st, err);
	}
	if (c == '}') {
		st->p++;
		return close_group(st, err);
	}
	if (c == '\\') {
		if (++st->p == st->end) {
			mk_error_set(err, MK_ERR_DATA, "rtf: '\\' at end of input");
			return MK_ERR_DATA;
		}
		return g_ascii_isalpha(*st->p) ? control_word(st, err)
		                               : control_symbol(st, err);
	}
	const guchar *s = st->p;
	while (st->p < st->end && *st->p != '{' && *st->p != '}' &&
	       *st->p != '\\')
		st->p++;
	for (const guchar *q = s; q < st->p; q++)
		if (*q != '\r' && *q != '\n') {
			top(st)->first = false;
			break;
		}
	instr_add(st, s, (gsize)(st->p - s));
	if (in_pict(st))
		pict_text(st, s, (gsize)(st->p - s));
	return emit(st, s, (gsize)(st->p - s), err);
}

static void add_notes(rtf_st *st, gsize trailing, GPtrArray *notes)
{
	GList *keys = g_list_sort(g_hash_table_get_keys(st->dropped),
	                          (GCompareFunc)strcmp);
	for (GList *l = keys; l; l = l->next)
		g_ptr_array_add(notes, g_strdup_printf("dropped %d \\%s group(s)",
		    GPOINTER_TO_INT(g_hash_table_lookup(st->dropped, l->data)),
		    (const char *)l->data));
	g_list_free(keys);
	if (trailing > 0)
		g_ptr_array_add(notes, g_strdup_printf(
		    "dropped %" G_GSIZE_FORMAT " bytes after the document", trailing));
}

static int walk(rtf_st *st, mk_error *err)
{
	int rc = open_group(st, err);
	st->p++;
	while (rc == 0 && st->stack->len > 0) {
		if (st->p == st->end) {
			mk_error_set(err, MK_ERR_DATA, "rtf: %u group(s) not closed",
			             st->stack->len);
			return MK_ERR_DATA;
		}
		rc = step(st, err);
	}
	return rc;
}

int mk_rtf_rebuild(const char *buf, gsize len, gsize max_out, gsize max_depth,
                   const mk_wopts *img, GString **out, GPtrArray *notes,
                   mk_error *err)
{
	rtf_st st = { .p = (const guchar *)buf, .end = (const guchar *)buf + len,
	              .max_out = max_out, .max_depth = max_depth, .img = img };
	int rc = MK_ERR_DATA;
	gsize trailing = 0;

	*out = NULL;
	if (len < 5 || memcmp(buf, "{\\rtf", 5) != 0) {
		mk_error_set(err, MK_ERR_DATA, "rtf: does not start with {\\rtf");
		return MK_ERR_DATA;
	}
	st.out = g_string_sized_new(len < max_out ? len : max_out);
	st.stack = g_array_new(FALSE, FALSE, sizeof(rtf_group));
	st.instr = g_string_new(NULL);
	st.pict = g_byte_array_new();
	st.pict_props = g_string_new(NULL);
	st.dropped = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if ((rc = walk(&st, err)) < 0)
		goto out;
	for (const guchar *q = st.p; q < st.end; q++)
		if (!g_ascii_isspace(*q) && *q != '\0')
			trailing++;
	add_notes(&st, trailing, notes);
	mk_fnote_add(notes, MK_FN_WEB_LINK, (int)st.web_links);
	*out = st.out;
	st.out = NULL;
out:
	if (st.out)
		g_string_free(st.out, TRUE);
	g_array_free(st.stack, TRUE);
	g_string_free(st.instr, TRUE);
	g_byte_array_unref(st.pict);
	g_string_free(st.pict_props, TRUE);
	g_hash_table_destroy(st.dropped);
	g_free(st.link_url);
	return rc;
}

static int rtf_run(GBytes *in, const mk_wopts *o, GBytes **out,
                   char **out_type, GPtrArray *notes, mk_error *err)
{
	gsize len = 0;
	const char *buf = g_bytes_get_data(in, &len);
	GString *s = NULL;
	int rc;

	if (o->max_output <= 0 || o->rtf_max_depth <= 0) {
		mk_error_set(err, MK_ERR_CONFIG, "rtf: max_output/rtf.max_depth unset");
		return MK_ERR_CONFIG;
	}
	rc = mk_rtf_rebuild(buf ? buf : "", len, (gsize)o->max_output,
	                    (gsize)o->rtf_max_depth, o, &s, notes, err);
	if (rc < 0)
		return rc;
	*out = g_string_free_to_bytes(s);
	*out_type = g_strdup("text/rtf");
	return 0;
}

const mk_wfilter mk_wfilter_rtf = { "rtf", rtf_run };
