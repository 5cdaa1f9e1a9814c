/*
 * NAME
 *   f_ooxml - OOXML content disarm (see f_ooxml.h)
 *
 * DESCRIPTION
 *   Four passes over the parts held in memory: choose (content type and
 *   path allowlist; media checked by content, raster images rebuilt by
 *   the image filter), relationships (drop, remember dropped ids per source
 *   part), XML rewrite of the kept parts, then a new [Content_Types].xml
 *   and a new zip.  Nothing from the input is copied without having been
 *   parsed: XML is rewritten, raster images are decoded and encoded anew,
 *   EMF/WMF metafiles are checked by their header (not rebuilt).
 *
 *   Never touches the filesystem; libxml2 never loads a DTD or the network.
 *
 * FAILURE
 *   Any parse error or limit fails the whole document; no partial output.
 */
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "f_fields.h"
#include "f_image.h"
#include "f_ooxml.h"
#include "mk_limits.h"

/* Weak: a program linked without the image filter (the fuzz_ooxml target)
 * has no decoder, and every raster image is dropped (fail closed). */
extern const mk_wfilter mk_wfilter_image __attribute__((weak));

#define CT_NAME "[content_types].xml"
#define NS_PKG_CT "http://schemas.openxmlformats.org/package/2006/content-types"
#define NS_REL_ATTR "relationships"   /* tail of the r: namespace URIs */
#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
#define ZIP_MTIME 315532800           /* 1980-01-01, zip's epoch */

typedef struct part {
	char *name;          /* as in the zip */
	char *lname;         /* lower case, for lookups */
	GBytes *data;
	char *ct;            /* content type (lower case) or NULL */
	char *ct_out;        /* content type as written out */
	bool keep, is_rels;
	GHashTable *dropped; /* rIds dropped from this part's .rels */
} part;

typedef struct ox {
	GPtrArray *parts;    /* part*, zip order */
	GHashTable *by_name; /* lname → part* (borrowed) */
	GHashTable *defaults, *overrides;  /* ext / "/lname" → ct */
	GPtrArray *notes;
	GHashTable *counts;  /* note → count, for relationships/fields */
	const mk_wopts *o;
	char *main_ct;       /* translated main content type */
} ox;

/* ---- what is allowed ------------------------------------------------- */

/* Paths (lower case, substring) never kept, whatever their type says. */
static const char *const deny_paths[] = {
	"vbaproject", "vbadata", "activex/", "embeddings/", "customui",
	"macrosheets/", "externallinks/", "webextensions/", "attachedtoolbars",
	"querytables/", "connections.xml", NULL,
};

/* Content types (lower case, substring) never kept. */
static const char *const deny_types[] = {
	"vbaproject", "vbadata", "activex", "oleobject", "externallink",
	"macrosheet", "customui", "attachedtoolbars", "keymapcustomizations",
	"webextension", "taskpane", "controlproperties", "binary",
	"obfuscatedfont", "x-font", "dialogsheet", "connections+xml",
	"querytable", NULL,
};

/* Content types (lower case, prefix) kept. */
static const char *const allow_types[] = {
	"application/vnd.openxmlformats-officedocument.",
	"application/vnd.openxmlformats-package.core-properties+xml",
	"application/vnd.ms-office.chartstyle+xml",
	"application/vnd.ms-office.chartcolorstyle+xml",
	"application/vnd.ms-office.drawingml.",
	"application/vnd.ms-word.styleswitheffects+xml",
	"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff",
	"image/x-emf", "image/x-wmf", NULL,
};

/* Macro-enabled main part → macro-free main part. */
static const struct { const char *from, *to; } macro_main[] = {
	{ "application/vnd.ms-word.document.macroenabled.main+xml",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" },
	{ "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml" },
	{ "application/vnd.ms-excel.sheet.macroenabled.main+xml",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml" },
	{ "application/vnd.ms-excel.template.macroenabled.main+xml",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml" },
	{ "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
	  "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml" },
	{ "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml",
	  "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml" },
	{ "application/vnd.ms-powerpoint.template.macroenabled.main+xml",
	  "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml" },
};

/* Relationship types (last path segment, lower case) always dropped. */
static const char *const deny_rels[] = {
	"attachedtemplate", "afchunk", "vbaproject", "oleobject", "control",
	"activexcontrol", "activexcontrolbinary", "package", "extensibility",
	"externallinkpath", "externallink", "frame", "subdocument",
	"webextensiontaskpanes", "webextension", "keymapcustomizations",
	"wordvbadata", "attachedtoolbars", "xlmacrosheet", "xlintlmacrosheet",
	"dialogsheet", "mailmergesource", "mailmergeheadersource",
	"recipientdata", "datasource", "printersettings", "connections",
	"querytable", NULL,
};

/* Elements (local name) removed with their content from every part. */
static const char *const deny_elems[] = {
	"altChunk", "OLEObject", "oleObject", "oleObjects", "oleObj", "control",
	"controls", "subDoc", "attachedTemplate", "entryMacro", "exitMacro",
	"externalReferences", NULL,
};

static bool in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

static const char *macro_free(const char *ct)
{
	for (gsize i = 0; i < G_N_ELEMENTS(macro_main); i++)
		if (strcmp(ct, macro_main[i].from) == 0)
			return macro_main[i].to;
	return NULL;
}

static bool is_xml_part(const part *p)
{
	return p->ct && (g_str_has_suffix(p->ct, "xml") ||
	                 strstr(p->ct, "vmldrawing"));
}

/* Why part LNAME of type CT is not kept, or NULL. */
static const char *part_denied(const char *lname, const char *ct)
{
	for (gsize i = 0; deny_paths[i]; i++)
		if (strstr(lname, deny_paths[i]))
			return "active content";
	if (g_str_has_suffix(lname, ".bin"))
		return "binary part";
	if (!ct)
		return "no content type";
	if (macro_free(ct))
		return NULL;
	for (gsize i = 0; deny_types[i]; i++)
		if (strstr(ct, deny_types[i]))
			return "active content";
	for (gsize i = 0; allow_types[i]; i++)
		if (g_str_has_prefix(ct, allow_types[i]))
			return NULL;
	return "content type not allowed";
}

static bool rel_type_denied(const char *type)
{
	const char *s = strrchr(type, '/');
	char *l = g_ascii_strdown(s ? s + 1 : type, -1);
	bool deny = in_list(deny_rels, l);
	g_free(l);
	return deny;
}

static void part_free(gpointer p)
{
	part *pt = p;
	g_free(pt->name);
	g_free(pt->lname);
	g_bytes_unref(pt->data);
	g_free(pt->ct);
	g_free(pt->ct_out);
	if (pt->dropped)
		g_hash_table_destroy(pt->dropped);
	g_free(pt);
}

static void count(ox *x, const char *what)
{
	gpointer n = g_hash_table_lookup(x->counts, what);
	g_hash_table_replace(x->counts, g_strdup(what),
	                     GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
}

static void note_part(ox *x, const part *p, const char *why)
{
	char *v = g_utf8_make_valid(p->name, -1);
	if (g_utf8_strlen(v, -1) > MK_DEF_MAX_NAME_LENGTH)
		*g_utf8_offset_to_pointer(v, MK_DEF_MAX_NAME_LENGTH) = '\0';
	g_ptr_array_add(x->notes, g_strdup_printf("removed %s (%s)", v, why));
	g_free(v);
}

/* ---- zip in ---------------------------------------------------------- */

/* A part name we can carry: relative, no "..", "." or empty segment, no
 * backslash, valid UTF-8 and no control character (it ends up in
 * [Content_Types].xml, and XML 1.0 cannot hold most controls at all). */
static bool name_ok(const char *n)
{
	if (!*n || n[0] == '/' || strchr(n, '\\') || strstr(n, "//"))
		return false;
	for (const unsigned char *c = (const unsigned char *)n; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return false;
	for (const char *s = n; s; s = strchr(s, '/')) {
		s += *s == '/';
		if (g_str_has_prefix(s, "..") || g_str_has_prefix(s, "./"))
			return false;
	}
	return g_utf8_validate(n, -1, NULL);
}

static int read_member(ox *x, struct archive *a, const char *name,
                       gsize *total, mk_error *err)
{
	GByteArray *buf = g_byte_array_new();
	char chunk[16384];
	la_ssize_t n;
	while ((n = archive_read_data(a, chunk, sizeof chunk)) > 0) {
		*total += (gsize)n;
		if (buf->len + (gsize)n > (gsize)x->o->ooxml_max_part_size) {
			g_byte_array_unref(buf);
			mk_error_set(err, MK_ERR_LIMIT, "ooxml: part over %" G_GINT64_FORMAT
			             " bytes (ooxml.max_part_size)", x->o->ooxml_max_part_size);
			return MK_ERR_LIMIT;
		}
		if (*total > (gsize)x->o->max_output) {
			g_byte_array_unref(buf);
			mk_error_set(err, MK_ERR_LIMIT, "ooxml: unpacked size over %"
			             G_GINT64_FORMAT, x->o->max_output);
			return MK_ERR_LIMIT;
		}
		g_byte_array_append(buf, (guint8 *)chunk, (guint)n);
	}
	if (n < 0) {
		g_byte_array_unref(buf);
		mk_error_set(err, MK_ERR_DATA, "ooxml: member unreadable: %s",
		             archive_error_string(a));
		return MK_ERR_DATA;
	}
	part *p = g_new0(part, 1);
	p->name = g_strdup(name);
	p->lname = g_ascii_strdown(name, -1);
	p->data = g_byte_array_free_to_bytes(buf);
	p->is_rels = g_str_has_suffix(p->lname, ".rels");
	g_ptr_array_add(x->parts, p);
	g_hash_table_insert(x->by_name, p->lname, p);
	return 0;
}

static int read_zip(ox *x, GBytes *in, mk_error *err)
{
	gsize len = 0, total = 0;
	const guchar *d = g_bytes_get_data(in, &len);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc = MK_ERR_DATA, r;

	archive_read_support_format_zip(a);
	if (len >= 4 && memcmp(d, "\xd0\xcf\x11\xe0", 4) == 0) {
		mk_error_set(err, MK_ERR_DATA, "ooxml: OLE2 container (encrypted "
		             "document or legacy format)");
		goto out;
	}
	if (archive_read_open_memory(a, d, len) != ARCHIVE_OK)
		goto bad;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		if ((gint64)x->parts->len >= x->o->ooxml_max_parts) {
			mk_error_set(err, MK_ERR_LIMIT, "ooxml: more than %" G_GINT64_FORMAT
			             " parts (ooxml.max_parts)", x->o->ooxml_max_parts);
			rc = MK_ERR_LIMIT;
			goto out;
		}
		char *l = name ? g_ascii_strdown(name, -1) : NULL;
		bool dup = l && g_hash_table_contains(x->by_name, l);
		g_free(l);
		if (!name || !name_ok(name) || dup) {
			mk_error_set(err, MK_ERR_DATA, "ooxml: bad or duplicate part name");
			rc = MK_ERR_DATA;
			goto out;
		}
		if ((rc = read_member(x, a, name, &total, err)) < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF)
		goto bad;
	rc = 0;
	goto out;
bad:
	mk_error_set(err, MK_ERR_DATA, "ooxml: not a readable zip: %s",
	             archive_error_string(a) ? archive_error_string(a) : "?");
	rc = MK_ERR_DATA;
out:
	archive_read_free(a);
	return rc;
}

/* ---- XML helpers ----------------------------------------------------- */

static xmlDocPtr parse_xml(const part *p, mk_error *err)
{
	gsize len = 0;
	const char *d = g_bytes_get_data(p->data, &len);
	xmlParserCtxtPtr c = xmlNewParserCtxt();
	xmlDocPtr doc = NULL;

	if (c && len <= G_MAXINT)
		doc = xmlCtxtReadMemory(c, d ? d : "", (int)len, NULL, NULL,
		                        XML_OPTS);
	xmlFreeParserCtxt(c);
	if (doc && (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc))) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc)
		mk_error_set(err, MK_ERR_DATA, "ooxml: XML part does not parse (or "
		             "has a DTD)");
	return doc;
}

static GBytes *dump_xml(xmlDocPtr doc)
{
	xmlChar *buf = NULL;
	int len = 0;
	xmlDocDumpMemoryEnc(doc, &buf, &len, "UTF-8");
	GBytes *b = g_bytes_new(buf, buf ? (gsize)len : 0);
	xmlFree(buf);
	return b;
}

static char *attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? g_strdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

static bool is_elem(xmlNodePtr n, const char *local)
{
	return n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, local) == 0;
}

/* ---- pass 1: content types, choose parts ----------------------------- */

static int read_content_types(ox *x, mk_error *err)
{
	part *ctp = g_hash_table_lookup(x->by_name, CT_NAME);
	if (!ctp) {
		mk_error_set(err, MK_ERR_DATA, "ooxml: no [Content_Types].xml");
		return MK_ERR_DATA;
	}
	xmlDocPtr doc = parse_xml(ctp, err);
	if (!doc)
		return MK_ERR_DATA;
	for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		char *k = NULL, *v = attr(n, "ContentType");
		if (is_elem(n, "Default") && (k = attr(n, "Extension")) && v)
			g_hash_table_replace(x->defaults, g_ascii_strdown(k, -1),
			                     g_strdup(v));
		else if (is_elem(n, "Override") && (k = attr(n, "PartName")) && v)
			g_hash_table_replace(x->overrides, g_ascii_strdown(k, -1),
			                     g_strdup(v));
		g_free(k);
		g_free(v);
	}
	xmlFreeDoc(doc);
	return 0;
}

static void choose_parts(ox *x)
{
	for (guint i = 0; i < x->parts->len; i++) {
		part *p = x->parts->pdata[i];
		char *key = g_strconcat("/", p->lname, NULL);
		const char *ext = strrchr(p->lname, '.');
		const char *ct = g_hash_table_lookup(x->overrides, key);
		g_free(key);
		if (!ct && ext && !strchr(ext, '/'))
			ct = g_hash_table_lookup(x->defaults, ext + 1);
		p->ct = ct ? g_ascii_strdown(ct, -1) : NULL;
		p->ct_out = g_strdup(ct);
		if (strcmp(p->lname, CT_NAME) == 0 || p->is_rels)
			continue;                 /* rebuilt / decided in pass 2 */
		const char *why = part_denied(p->lname, p->ct);
		p->keep = why == NULL;
		if (why)
			note_part(x, p, why);
	}
}

/* ---- pass 1b: media, by content ------------------------------------- */

static bool is_metafile(const char *ct)
{
	return strcmp(ct, "image/x-emf") == 0 || strcmp(ct, "image/x-wmf") == 0;
}

/* EMF: an EMR_HEADER record (type 1) with the " EMF" signature at 40.
 * WMF: the placeable header, or a memory/disk METAHEADER of 9 words. */
static bool metafile_ok(const char *ct, GBytes *data)
{
	gsize n = 0;
	const guint8 *d = g_bytes_get_data(data, &n);
	if (strcmp(ct, "image/x-emf") == 0)
		return n >= 88 && memcmp(d, "\x01\0\0\0", 4) == 0 &&
		       memcmp(d + 40, " EMF", 4) == 0;
	if (n >= 22 && memcmp(d, "\xd7\xcd\xc6\x9a", 4) == 0)
		return true;
	return n >= 18 && (d[0] == 1 || d[0] == 2) && d[1] == 0 && d[2] == 9 &&
	       d[3] == 0;
}

/* A raster image is decoded and written anew by the image filter (only
 * pixels survive: no appended file, no polyglot); its type may change
 * (GIF, BMP, TIFF → PNG).  Why it cannot be kept, or NULL. */
static const char *recode_raster(ox *x, part *p)
{
	GPtrArray *junk = g_ptr_array_new_with_free_func(g_free);
	mk_error e = { 0 };
	GBytes *out = NULL;
	char *type = NULL;
	int rc = &mk_wfilter_image == NULL ? MK_ERR_SOFTWARE
	       : mk_wfilter_image.run(p->data, x->o, &out, &type, junk, &e);

	g_ptr_array_unref(junk);
	if (rc < 0 || !out || !type) {
		if (out)
			g_bytes_unref(out);
		g_free(type);
		return rc == MK_ERR_LIMIT ? "image over the limits"
		                          : "not a valid image";
	}
	g_bytes_unref(p->data);
	p->data = out;
	g_free(p->ct_out);
	p->ct_out = type;
	return NULL;
}

/* Every kept part that is not XML (parsed in pass 3) must be an image we
 * have checked or rebuilt: nothing is copied on the word of its name or
 * content type.  A dropped part loses its relationships in pass 2. */
static void pass_media(ox *x)
{
	for (guint i = 0; i < x->parts->len; i++) {
		part *p = x->parts->pdata[i];
		const char *why = NULL;
		if (!p->keep || p->is_rels || is_xml_part(p))
			continue;
		if (!g_str_has_prefix(p->ct, "image/"))
			why = "binary part we cannot check";
		else if (is_metafile(p->ct))
			why = metafile_ok(p->ct, p->data) ? NULL
			    : "not the metafile its type says";
		else
			why = recode_raster(x, p);
		if (why) {
			p->keep = false;
			note_part(x, p, why);
		}
	}
}

/* "word/_rels/document.xml.rels" → "word/document.xml"; root → "" */
static char *rels_source(const char *lname)
{
	const char *r = strstr(lname, "_rels/");
	if (!r || (r != lname && r[-1] != '/'))
		return NULL;
	char *dir = g_strndup(lname, (gsize)(r - lname));
	char *file = g_strndup(r + 6, strlen(r + 6) - 5);
	char *src = g_strconcat(dir, file, NULL);
	g_free(dir);
	g_free(file);
	return src;
}

/* Resolve TARGET relative to SRC's folder; lower case; NULL if it leaves
 * the package. */
static char *resolve(const char *src, const char *target)
{
	char *t = g_uri_unescape_string(target, NULL);
	if (!t)
		return NULL;
	char *hash = strchr(t, '#');
	if (hash)
		*hash = '\0';
	const char *slash = strrchr(src, '/');
	char *full = t[0] == '/' ? g_strdup(t + 1)
	           : g_strdup_printf("%.*s%s", slash ? (int)(slash - src + 1) : 0,
	                             src, t);
	char **seg = g_strsplit(full, "/", -1);
	GPtrArray *out = g_ptr_array_new();
	bool bad = false;
	for (char **s = seg; *s; s++) {
		if (!**s || strcmp(*s, ".") == 0)
			continue;
		if (strcmp(*s, "..") == 0) {
			bad = bad || out->len == 0;
			if (out->len)
				g_ptr_array_remove_index(out, out->len - 1);
			continue;
		}
		g_ptr_array_add(out, *s);
	}
	g_ptr_array_add(out, NULL);
	char *joined = bad ? NULL : g_strjoinv("/", (char **)out->pdata);
	char *res = joined ? g_ascii_strdown(joined, -1) : NULL;
	g_free(joined);
	g_ptr_array_free(out, TRUE);
	g_strfreev(seg);
	g_free(full);
	g_free(t);
	return res;
}

/* ---- pass 2: relationships ------------------------------------------- */

/* Why relationship N of SRC goes, or NULL to keep it. */
static const char *rel_verdict(ox *x, const char *src, xmlNodePtr n)
{
	char *type = attr(n, "Type"), *target = attr(n, "Target");
	char *mode = attr(n, "TargetMode");
	const char *why = NULL;

	if (!type || !target)
		why = "malformed relationship";
	else if (mode && g_ascii_strcasecmp(mode, "External") == 0)
		why = "external relationship";
	else if (rel_type_denied(type))
		why = "active-content relationship";
	else {
		char *t = resolve(src, target);
		part *p = t ? g_hash_table_lookup(x->by_name, t) : NULL;
		if (!p || !p->keep)
			why = "relationship to a removed or missing part";
		g_free(t);
	}
	g_free(type);
	g_free(target);
	g_free(mode);
	return why;
}

static int filter_rels(ox *x, part *p, part *src, const char *srcname,
                       mk_error *err)
{
	xmlDocPtr doc = parse_xml(p, err);
	if (!doc)
		return MK_ERR_DATA;
	xmlNodePtr n = xmlDocGetRootElement(doc)->children, next;
	for (; n; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *why = is_elem(n, "Relationship")
		                ? rel_verdict(x, srcname, n) : "unknown element";
		if (!why)
			continue;
		char *id = attr(n, "Id");
		if (id && src)
			g_hash_table_add(src->dropped, id);
		else
			g_free(id);
		count(x, why);
		xmlUnlinkNode(n);
		xmlFreeNode(n);
	}
	g_bytes_unref(p->data);
	p->data = dump_xml(doc);
	xmlFreeDoc(doc);
	return 0;
}

static int pass_rels(ox *x, mk_error *err)
{
	for (guint i = 0; i < x->parts->len; i++) {
		part *p = x->parts->pdata[i];
		if (!p->is_rels)
			continue;
		char *srcname = rels_source(p->lname);
		part *src = srcname && *srcname
		          ? g_hash_table_lookup(x->by_name, srcname) : NULL;
		p->keep = srcname && (!*srcname || (src && src->keep));
		int rc = 0;
		if (p->keep) {
			if (src && !src->dropped)
				src->dropped = g_hash_table_new_full(g_str_hash, g_str_equal,
				                                     g_free, NULL);
			rc = filter_rels(x, p, src, srcname, err);
		}
		g_free(srcname);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- pass 3: rewrite kept XML parts ---------------------------------- */

/* One complex field (w:fldChar begin ... separate ... end) while walking. */
typedef struct fld {
	GPtrArray *nodes;    /* its markup, and all of fields in its instruction */
	GPtrArray *result;   /* text nodes of its result */
	GString *instr;      /* its own instruction text */
	bool in_result;      /* "separate" seen */
	bool nested;         /* a field starts inside its instruction */
	bool inside;         /* it is itself inside an enclosing instruction */
} fld;

static bool is_text(xmlNodePtr n)
{
	return is_elem(n, "t") || is_elem(n, "delText");
}

static bool is_instr(xmlNodePtr n)
{
	return is_elem(n, "instrText") || is_elem(n, "delInstrText");
}

/* Field markup and text in document order (no changes to the tree). */
static void collect_fields(xmlNodePtr n, GPtrArray *out)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(n, "fldChar") || is_instr(n) || is_text(n))
			g_ptr_array_add(out, n);
		else {
			if (is_elem(n, "fldSimple"))
				g_ptr_array_add(out, n);
			collect_fields(n->children, out);
		}
	}
}

static fld *fld_new(const fld *parent)
{
	fld *f = g_new0(fld, 1);
	f->nodes = g_ptr_array_new();
	f->result = g_ptr_array_new();
	f->instr = g_string_new(NULL);
	f->inside = parent && (!parent->in_result || parent->inside);
	return f;
}

/* Why field F loses its instruction, or NULL. */
static const char *fld_verdict(const fld *f)
{
	if (f->nested)
		return "nested-field instruction";
	if (!mk_field_instr_safe(f->instr->str))
		return "field instruction of a type not allowed";
	return NULL;
}

/* F ends: inside an enclosing instruction it joins its parent (which is
 * dropped for the nesting: the inner markup and result go with it);
 * otherwise it is judged on its own.  Frees F. */
static void fld_close(ox *x, fld *f, fld *parent, GPtrArray *kill)
{
	const char *why = NULL;
	if (f->inside && parent) {
		GPtrArray *to = parent->in_result ? parent->result : parent->nodes;
		g_ptr_array_extend_and_steal(to, f->nodes);
		g_ptr_array_extend_and_steal(to, f->result);
	} else {
		if ((why = fld_verdict(f)) != NULL) {
			g_ptr_array_extend_and_steal(kill, f->nodes);
			count(x, why);
		} else {
			g_ptr_array_free(f->nodes, TRUE);
		}
		g_ptr_array_free(f->result, TRUE);
	}
	g_string_free(f->instr, TRUE);
	g_free(f);
}

static void fld_add_instr(ox *x, fld *f, xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	if (c && f->instr->len < (gsize)x->o->max_output)
		g_string_append(f->instr, (const char *)c);
	xmlFree(c);
}

static void fld_step(ox *x, xmlNodePtr n, GPtrArray *stack, GPtrArray *kill)
{
	fld *top = stack->len ? stack->pdata[stack->len - 1] : NULL;
	char *t = is_elem(n, "fldChar") ? attr(n, "fldCharType") : NULL;
	bool begin = t && strcmp(t, "begin") == 0;

	if ((begin || is_elem(n, "fldSimple")) && top && !top->in_result)
		top->nested = true;
	if (begin) {
		top = fld_new(top);
		g_ptr_array_add(stack, top);
	}
	if (!top || is_elem(n, "fldSimple")) {
		g_free(t);
		return;
	}
	if (is_text(n))
		g_ptr_array_add(top->in_result ? top->result : top->nodes, n);
	else
		g_ptr_array_add(top->nodes, n);
	if (is_instr(n) && !top->in_result)
		fld_add_instr(x, top, n);
	if (t && strcmp(t, "separate") == 0)
		top->in_result = true;
	if (t && strcmp(t, "end") == 0) {
		g_ptr_array_remove_index(stack, stack->len - 1);
		fld_close(x, top, stack->len ? stack->pdata[stack->len - 1] : NULL,
		          kill);
	}
	g_free(t);
}

/* w:fldSimple of a field type not allowed: keep its children (the
 * result). */
static void fix_simple(ox *x, xmlNodePtr n)
{
	for (xmlNodePtr next; n; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		fix_simple(x, n->children);
		char *in = is_elem(n, "fldSimple") ? attr(n, "instr") : NULL;
		if (is_elem(n, "fldSimple") && !mk_field_instr_safe(in ? in : "")) {
			while (n->children) {
				xmlNodePtr c = n->children;
				xmlUnlinkNode(c);
				xmlAddPrevSibling(n, c);
			}
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			count(x, "field instruction of a type not allowed");
		}
		g_free(in);
	}
}

static void fix_fields(ox *x, xmlDocPtr doc)
{
	GPtrArray *all = g_ptr_array_new(), *stack = g_ptr_array_new();
	GPtrArray *kill = g_ptr_array_new();

	collect_fields(xmlDocGetRootElement(doc), all);
	for (guint i = 0; i < all->len; i++)
		fld_step(x, all->pdata[i], stack, kill);
	while (stack->len) {    /* unterminated fields are judged as well */
		fld *f = stack->pdata[stack->len - 1];
		g_ptr_array_remove_index(stack, stack->len - 1);
		fld_close(x, f, stack->len ? stack->pdata[stack->len - 1] : NULL,
		          kill);
	}
	for (guint i = 0; i < kill->len; i++) {
		xmlUnlinkNode(kill->pdata[i]);
		xmlFreeNode(kill->pdata[i]);
	}
	g_ptr_array_free(all, TRUE);
	g_ptr_array_free(stack, TRUE);
	g_ptr_array_free(kill, TRUE);
	fix_simple(x, xmlDocGetRootElement(doc));
}

/* ---- SpreadsheetML formulas that fetch or run ------------------------ */

/* Worksheet functions that fetch, link out, or call code (CUBE* too);
 * newer ones are written with a "_xlfn."/"_xlws." prefix in the file. */
static const char *const deny_funcs[] = {
	"WEBSERVICE", "FILTERXML", "IMAGE", "HYPERLINK", "RTD", "CALL",
	"REGISTER", "REGISTER.ID", "EXEC", "EXECUTE", "SQL.REQUEST", "PY",
	"DDE", "DDEAUTO", NULL,
};

static bool func_denied(const char *name, gsize n)
{
	char *u = g_ascii_strup(name, (gssize)n), *f = u;
	while (g_str_has_prefix(f, "_XLFN.") || g_str_has_prefix(f, "_XLWS.") ||
	       g_str_has_prefix(f, "_XLUDF."))
		f = strchr(f, '.') + 1;
	bool deny = in_list(deny_funcs, f) || g_str_has_prefix(f, "CUBE");
	g_free(u);
	return deny;
}

/* A formula that calls a denied function, has a DDE "app|topic" link or
 * an external workbook reference "[1]Sheet!A1" (outside string
 * literals). */
static bool formula_denied(const char *s)
{
	for (const char *p = s; *p;) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				;
			p += *p == '"';
			continue;
		}
		if (*p == '|')
			return true;
		if (*p == '[' && g_ascii_isdigit(p[1])) {
			const char *q = p + 1;
			while (g_ascii_isdigit(*q))
				q++;
			if (*q == ']')
				return true;
		}
		if (g_ascii_isalpha(*p) || *p == '_') {
			const char *b = p;
			while (g_ascii_isalnum(*p) || *p == '_' || *p == '.')
				p++;
			const char *q = p;
			while (*q == ' ')
				q++;
			if (*q == '(' && func_denied(b, (gsize)(p - b)))
				return true;
			continue;
		}
		p++;
	}
	return false;
}

static bool formula_elem_denied(xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	bool deny = c && formula_denied((const char *)c);
	xmlFree(c);
	return deny;
}

/* Cell C loses its formula: a string result (t="str") becomes an inline
 * string, every other cached value stays as it is. */
static void cell_to_constant(xmlNodePtr c)
{
	char *t = attr(c, "t");
	xmlNodePtr v = NULL;
	for (xmlNodePtr k = c->children; k; k = k->next)
		if (is_elem(k, "v"))
			v = k;
	if (t && strcmp(t, "str") == 0 && v) {
		xmlChar *txt = xmlNodeGetContent(v);
		xmlNodePtr is = xmlNewNode(c->ns, (const xmlChar *)"is");
		xmlNewTextChild(is, c->ns, (const xmlChar *)"t", txt);
		xmlAddPrevSibling(v, is);
		xmlUnlinkNode(v);
		xmlFreeNode(v);
		xmlSetProp(c, (const xmlChar *)"t", (const xmlChar *)"inlineStr");
		xmlFree(txt);
	}
	g_free(t);
}

static bool shared_master(xmlNodePtr f, GHashTable *si)
{
	char *t = attr(f, "t"), *id = attr(f, "si");
	bool hit = t && id && strcmp(t, "shared") == 0 &&
	           g_hash_table_contains(si, id);
	g_free(t);
	g_free(id);
	return hit;
}

/* Collect what goes: denied cell formulas (and the shared formulas that
 * use a denied one: their si goes into SI), defined names, conditional
 * format and validation rules. */
static void collect_formulas(xmlNodePtr n, GPtrArray *kill, GHashTable *si)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		bool f = is_elem(n, "f"), dn = is_elem(n, "definedName");
		bool rule = is_elem(n, "formula") || is_elem(n, "formula1") ||
		            is_elem(n, "formula2");
		if ((f || dn || rule) && formula_elem_denied(n)) {
			char *id = f ? attr(n, "si") : NULL;
			if (id)
				g_hash_table_add(si, id);
			xmlNodePtr k = rule && n->parent ? n->parent : n;
			if (!g_ptr_array_find(kill, k, NULL))   /* formula1 and 2 */
				g_ptr_array_add(kill, k);
			continue;
		}
		collect_formulas(n->children, kill, si);
	}
}

static void collect_shared(xmlNodePtr n, GPtrArray *kill, GHashTable *si)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(n, "f") && shared_master(n, si) &&
		    !g_ptr_array_find(kill, n, NULL))
			g_ptr_array_add(kill, n);
		else
			collect_shared(n->children, kill, si);
	}
}

static void fix_formulas(ox *x, xmlDocPtr doc)
{
	GPtrArray *kill = g_ptr_array_new();
	GHashTable *si = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                       NULL);
	collect_formulas(xmlDocGetRootElement(doc), kill, si);
	if (g_hash_table_size(si))
		collect_shared(xmlDocGetRootElement(doc), kill, si);
	for (guint i = 0; i < kill->len; i++) {
		xmlNodePtr n = kill->pdata[i], parent = n->parent;
		xmlUnlinkNode(n);
		if (is_elem(n, "f") && parent && is_elem(parent, "c"))
			cell_to_constant(parent);
		else if (parent && (is_elem(parent, "conditionalFormatting") ||
		                    is_elem(parent, "definedNames") ||
		                    is_elem(parent, "dataValidations")) &&
		         !xmlFirstElementChild(parent)) {   /* may not be empty */
			xmlUnlinkNode(parent);
			xmlFreeNode(parent);
		}
		xmlFreeNode(n);
		count(x, "fetching/external formula");
	}
	g_hash_table_destroy(si);
	g_ptr_array_free(kill, TRUE);
}

/* Remove denied elements and r:* attributes naming dropped relationships. */
static void scrub(ox *x, xmlNodePtr n, GHashTable *dropped)
{
	for (xmlNodePtr next; n; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (in_list(deny_elems, (const char *)n->name)) {
			char *what = g_strdup_printf("<%s> element", n->name);
			count(x, what);
			g_free(what);
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			continue;
		}
		for (xmlAttrPtr a = n->properties, an; a; a = an) {
			an = a->next;
			if (!a->ns || !g_str_has_suffix((const char *)a->ns->href,
			                                NS_REL_ATTR))
				continue;
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
			if (v && dropped && g_hash_table_contains(dropped, v))
				xmlRemoveProp(a);
			xmlFree(v);
		}
		scrub(x, n->children, dropped);
	}
}

static int pass_xml(ox *x, mk_error *err)
{
	for (guint i = 0; i < x->parts->len; i++) {
		part *p = x->parts->pdata[i];
		if (!p->keep || p->is_rels || !is_xml_part(p))
			continue;
		xmlDocPtr doc = parse_xml(p, err);
		if (!doc) {
			mk_error_prefix(err, "%s", p->lname);
			return MK_ERR_DATA;
		}
		scrub(x, xmlDocGetRootElement(doc), p->dropped);
		if (strstr(p->ct, "wordprocessingml"))
			fix_fields(x, doc);
		else if (strstr(p->ct, "spreadsheetml"))
			fix_formulas(x, doc);
		g_bytes_unref(p->data);
		p->data = dump_xml(doc);
		xmlFreeDoc(doc);
	}
	return 0;
}

/* ---- pass 4: main part, [Content_Types].xml, zip out ----------------- */

static int find_main(ox *x, mk_error *err)
{
	part *rels = g_hash_table_lookup(x->by_name, "_rels/.rels");
	xmlDocPtr doc = rels && rels->keep ? parse_xml(rels, err) : NULL;
	part *main = NULL;

	for (xmlNodePtr n = doc ? xmlDocGetRootElement(doc)->children : NULL;
	     n && !main; n = n->next) {
		char *type = attr(n, "Type"), *target = attr(n, "Target");
		if (type && target && g_str_has_suffix(type, "/officeDocument")) {
			char *t = resolve("", target);
			main = t ? g_hash_table_lookup(x->by_name, t) : NULL;
			g_free(t);
		}
		g_free(type);
		g_free(target);
	}
	if (doc)
		xmlFreeDoc(doc);
	const char *ct = main && main->keep ? main->ct : NULL;
	const char *to = ct ? macro_free(ct) : NULL;
	if (to) {
		g_ptr_array_add(x->notes, g_strdup("macro-enabled document type "
		                "changed to the macro-free type"));
		g_free(main->ct_out);
		main->ct_out = g_strdup(to);
		ct = to;
	}
	if (!ct || !g_str_has_prefix(ct, "application/vnd.openxmlformats-"
	                             "officedocument.") ||
	    !g_str_has_suffix(ct, ".main+xml")) {
		mk_error_set(err, MK_ERR_DATA, "ooxml: no main document part we "
		             "can rebuild");
		return MK_ERR_DATA;
	}
	x->main_ct = g_strndup(ct, strlen(ct) - strlen(".main+xml"));
	return 0;
}

static GBytes *content_types(ox *x)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"Types", NULL);
	xmlNewNs(root, (const xmlChar *)NS_PKG_CT, NULL);
	xmlDocSetRootElement(doc, root);
	static const char *const defs[][2] = {
		{ "rels", "application/vnd.openxmlformats-package.relationships+xml" },
		{ "xml", "application/xml" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(defs); i++) {
		xmlNodePtr d = xmlNewChild(root, NULL, (const xmlChar *)"Default", NULL);
		xmlNewProp(d, (const xmlChar *)"Extension", (const xmlChar *)defs[i][0]);
		xmlNewProp(d, (const xmlChar *)"ContentType",
		           (const xmlChar *)defs[i][1]);
	}
	for (guint i = 0; i < x->parts->len; i++) {
		part *p = x->parts->pdata[i];
		if (!p->keep || p->is_rels)
			continue;
		char *pn = g_strconcat("/", p->name, NULL);
		xmlNodePtr o = xmlNewChild(root, NULL, (const xmlChar *)"Override", NULL);
		xmlNewProp(o, (const xmlChar *)"PartName", (const xmlChar *)pn);
		xmlNewProp(o, (const xmlChar *)"ContentType",
		           (const xmlChar *)p->ct_out);
		g_free(pn);
	}
	doc->standalone = 1;
	GBytes *b = dump_xml(doc);
	xmlFreeDoc(doc);
	return b;
}

typedef struct zsink {
	GByteArray *buf;
	gsize max;
} zsink;

static la_ssize_t zwrite(struct archive *a, void *cd, const void *b, size_t n)
{
	zsink *s = cd;
	if (s->buf->len + n > s->max) {
		archive_set_error(a, EFBIG, "output over the limit");
		return -1;
	}
	g_byte_array_append(s->buf, b, (guint)n);
	return (la_ssize_t)n;
}

static int zip_add(struct archive *a, const char *name, GBytes *data)
{
	gsize len = 0;
	const void *d = g_bytes_get_data(data, &len);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, ZIP_MTIME, 0);
	int r = archive_write_header(a, e);
	if (r == ARCHIVE_OK && len > 0 &&
	    archive_write_data(a, d, len) != (la_ssize_t)len)
		r = ARCHIVE_FATAL;
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : -1;
}

static int write_zip(ox *x, GBytes **out, mk_error *err)
{
	zsink s = { g_byte_array_new(), (gsize)x->o->max_output };
	struct archive *a = archive_write_new();
	GBytes *ct = content_types(x);
	int rc = -1;

	archive_write_set_format_zip(a);
	archive_write_zip_set_compression_deflate(a);
	/* no block padding: the end-of-central-directory record must be the
	 * last bytes, or LibreOffice refuses the package */
	archive_write_set_bytes_per_block(a, 0);
	if (archive_write_open(a, &s, NULL, zwrite, NULL) == ARCHIVE_OK &&
	    zip_add(a, "[Content_Types].xml", ct) == 0) {
		rc = 0;
		for (guint i = 0; i < x->parts->len && rc == 0; i++) {
			part *p = x->parts->pdata[i];
			if (p->keep)
				rc = zip_add(a, p->name, p->data);
		}
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		rc = -1;
	if (rc < 0) {
		mk_error_set(err, s.buf->len + 1 > s.max ? MK_ERR_LIMIT : MK_ERR_SOFTWARE,
		             "ooxml: writing the zip: %s",
		             archive_error_string(a) ? archive_error_string(a) : "?");
		rc = err ? err->code : MK_ERR_SOFTWARE;
		g_byte_array_unref(s.buf);
	} else {
		*out = g_byte_array_free_to_bytes(s.buf);
	}
	archive_write_free(a);
	g_bytes_unref(ct);
	return rc;
}

static void add_counts(ox *x)
{
	GList *keys = g_list_sort(g_hash_table_get_keys(x->counts),
	                          (GCompareFunc)strcmp);
	for (GList *l = keys; l; l = l->next)
		g_ptr_array_add(x->notes, g_strdup_printf("removed %d %s(s)",
		    GPOINTER_TO_INT(g_hash_table_lookup(x->counts, l->data)),
		    (const char *)l->data));
	g_list_free(keys);
}

static int ooxml_run(GBytes *in, const mk_wopts *o, GBytes **out,
                     char **out_type, GPtrArray *notes, mk_error *err)
{
	ox x = {
		.parts = g_ptr_array_new_with_free_func(part_free),
		.by_name = g_hash_table_new(g_str_hash, g_str_equal),
		.defaults = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.overrides = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.notes = notes, .o = o,
	};
	int rc = MK_ERR_CONFIG;

	*out = NULL;
	if (o->max_output <= 0 || o->ooxml_max_parts <= 0 ||
	    o->ooxml_max_part_size <= 0) {
		mk_error_set(err, MK_ERR_CONFIG, "ooxml: max_output/ooxml.max_parts/"
		             "ooxml.max_part_size unset");
		goto out;
	}
	if ((rc = read_zip(&x, in, err)) < 0 ||
	    (rc = read_content_types(&x, err)) < 0)
		goto out;
	choose_parts(&x);
	pass_media(&x);
	if ((rc = pass_rels(&x, err)) < 0 || (rc = find_main(&x, err)) < 0 ||
	    (rc = pass_xml(&x, err)) < 0 || (rc = write_zip(&x, out, err)) < 0)
		goto out;
	add_counts(&x);
	*out_type = g_strdup(x.main_ct);
out:
	g_free(x.main_ct);
	g_hash_table_destroy(x.counts);
	g_hash_table_destroy(x.overrides);
	g_hash_table_destroy(x.defaults);
	g_hash_table_destroy(x.by_name);
	g_ptr_array_unref(x.parts);
	return rc;
}

const mk_wfilter mk_wfilter_ooxml = { "ooxml", ooxml_run };
