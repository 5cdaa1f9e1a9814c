/*
 * NAME
 *   f_ooxml - OOXML content disarm: the package walk (see f_ooxml.h)
 *
 * SUMMARY
 *   extern const mk_wfilter mk_wfilter_ooxml;     name "ooxml"
 *
 * DESCRIPTION
 *   Four passes over the parts held in memory: choose (content type and
 *   path allowlist; media checked by content, raster images rebuilt by
 *   the image filter), relationships (drop, remember dropped ids per source
 *   part), XML rewrite of the kept parts, then a new [Content_Types].xml
 *   and a new zip.  Nothing from the input is copied without having been
 *   parsed: XML is rewritten, raster images are decoded and encoded anew,
 *   EMF/WMF metafiles are rebuilt from their records without comments and
 *   escapes (f_image_meta.h).
 *
 *   This file holds the policy tables and the walk; the zip container is
 *   read and written by f_ooxml_zip.c, Word fields are handled by
 *   f_ooxml_word.c, SpreadsheetML formulas by f_ooxml_xlsx.c, links and
 *   macro names in attributes of any part by f_ooxml_link.c (their
 *   interface: f_ooxml_int.h).  Which part gets the Word field and the
 *   formula scrub follows the part's role (f_ooxml_role.c: the
 *   relationships that reach it, its root element, its content type), so
 *   a macro-enabled document, template or add-in is scrubbed like its
 *   macro-free twin; add-ins become the plain workbook / presentation.
 *
 * OWNS
 *   The ox of one run and all its parts, tables and counts (freed at the
 *   end of ooxml_run); the parsed libxml2 documents while a part is
 *   rewritten.
 *
 * NEVER
 *   Touches the filesystem; libxml2 never loads a DTD or the network.
 *
 * FAILURE
 *   Any parse error or limit fails the whole document; no partial output.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "f_image.h"
#include "f_image_meta.h"
#include "f_ooxml_int.h"
#include "fnote.h"
#include "mk_limits.h"

/* Weak: a program linked without the image filter (the fuzz_ooxml target)
 * has no decoder, and every raster image is dropped (fail closed). */
extern const mk_wfilter mk_wfilter_image __attribute__((weak));

#define CT_NAME "[content_types].xml"
#define NS_PKG_CT "http://schemas.openxmlformats.org/package/2006/content-types"
#define NS_REL_ATTR "relationships"   /* tail of the r: namespace URIs */
#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

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
	/* an add-in without its code is a workbook / presentation */
	{ "application/vnd.ms-excel.addin.macroenabled.main+xml",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml" },
	{ "application/vnd.ms-powerpoint.addin.macroenabled.main+xml",
	  "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml" },
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
	"externalReferences", "mailMerge", NULL,
};

bool mk_ox_in_list(const char *const *l, const char *s)
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
	bool deny = mk_ox_in_list(deny_rels, l);
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
	if (pt->hrefs)
		g_hash_table_destroy(pt->hrefs);
	g_free(pt);
}

void mk_ox_count(ox *x, const char *what)
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

xmlDocPtr mk_ox_parse(const part *p, mk_error *err)
{
	return parse_xml(p, err);
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

char *mk_ox_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? g_strdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

bool mk_ox_is_elem(xmlNodePtr n, const char *local)
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
		char *k = NULL, *v = mk_ox_attr(n, "ContentType");
		if (mk_ox_is_elem(n, "Default") && (k = mk_ox_attr(n, "Extension")) && v)
			g_hash_table_replace(x->defaults, g_ascii_strdown(k, -1),
			                     g_strdup(v));
		else if (mk_ox_is_elem(n, "Override") && (k = mk_ox_attr(n, "PartName")) && v)
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

/* EMF/WMF: rebuilt from their records without comments and escapes
 * (f_image_meta.h).  Why it cannot be kept, or NULL. */
static const char *recode_metafile(ox *x, part *p)
{
	gsize n = 0;
	const guint8 *d = g_bytes_get_data(p->data, &n);
	mk_error e = { 0 };
	GBytes *out = NULL;
	guint dropped = 0;

	if (mk_meta_rebuild(d, n, strcmp(p->ct, "image/x-emf") == 0, &out,
	                    &dropped, &e) < 0)
		return "not a metafile we can rebuild";
	for (guint i = 0; i < dropped; i++)
		mk_ox_count(x, "metafile comment/escape record");
	g_bytes_unref(p->data);
	p->data = out;
	return NULL;
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
			why = recode_metafile(x, p);
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
	char *type = mk_ox_attr(n, "Type"), *target = mk_ox_attr(n, "Target");
	char *mode = mk_ox_attr(n, "TargetMode");
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
		else
			mk_ox_role_mark(p, type);
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
		const char *why = mk_ox_is_elem(n, "Relationship")
		                ? rel_verdict(x, srcname, n) : "unknown element";
		if (!why)
			continue;
		mk_ox_href_keep(src, n);
		char *id = mk_ox_attr(n, "Id");
		if (id && src)
			g_hash_table_add(src->dropped, id);
		else
			g_free(id);
		mk_ox_count(x, why);
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

/* Remove denied elements, r:* attributes naming dropped relationships,
 * and links and macro names (f_ooxml_link.c), in one walk. */
static void scrub(ox *x, xmlNodePtr n, GHashTable *dropped)
{
	for (xmlNodePtr next; n; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (mk_ox_in_list(deny_elems, (const char *)n->name)) {
			char *what = g_strdup_printf("<%s> element", n->name);
			mk_ox_count(x, what);
			g_free(what);
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			continue;
		}
		if (mk_ox_link_scrub(x, n)) {
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
		mk_ox_href_text(x, p, doc);   /* before scrub drops the r:ids */
		scrub(x, xmlDocGetRootElement(doc), p->dropped);
		unsigned role = mk_ox_role(p, doc);
		if (role & OX_ROLE_WORD)
			mk_ox_word_fields(x, doc);
		if (role & OX_ROLE_SHEET)
			mk_ox_xlsx_formulas(x, doc);
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
		char *type = mk_ox_attr(n, "Type"), *target = mk_ox_attr(n, "Target");
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
	GBytes *ct = NULL;
	int rc = MK_ERR_CONFIG;

	*out = NULL;
	if (o->max_output <= 0 || o->ooxml_max_parts <= 0 ||
	    o->ooxml_max_part_size <= 0) {
		mk_error_set(err, MK_ERR_CONFIG, "ooxml: max_output/ooxml.max_parts/"
		             "ooxml.max_part_size unset");
		goto out;
	}
	if ((rc = mk_ox_read_zip(&x, in, err)) < 0 ||
	    (rc = read_content_types(&x, err)) < 0)
		goto out;
	choose_parts(&x);
	pass_media(&x);
	if ((rc = pass_rels(&x, err)) < 0 || (rc = find_main(&x, err)) < 0 ||
	    (rc = pass_xml(&x, err)) < 0)
		goto out;
	ct = content_types(&x);
	if ((rc = mk_ox_write_zip(&x, ct, out, err)) < 0)
		goto out;
	add_counts(&x);
	mk_fnote_add(notes, MK_FN_WEB_LINK, (int)x.web_links);
	mk_fnote_add(notes, MK_FN_LINK_MISMATCH, (int)x.mismatches);
	*out_type = g_strdup(x.main_ct);
out:
	if (ct)
		g_bytes_unref(ct);
	g_free(x.main_ct);
	g_hash_table_destroy(x.counts);
	g_hash_table_destroy(x.overrides);
	g_hash_table_destroy(x.defaults);
	g_hash_table_destroy(x.by_name);
	g_ptr_array_unref(x.parts);
	return rc;
}

const mk_wfilter mk_wfilter_ooxml = { "ooxml", ooxml_run };
