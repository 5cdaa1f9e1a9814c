/*
 * NAME
 *   f_ooxml_word - Word fields of the OOXML filter (pass 3, WordprocessingML)
 *
 * SUMMARY
 *   mk_ox_word_fields(x, doc);    DOC: one parsed WordprocessingML part
 *
 * DESCRIPTION
 *   Complex fields (w:fldChar begin ... separate ... end, with
 *   w:instrText / w:delInstrText) are followed in document order, nested
 *   at any depth.  A field keeps its instruction only when it is a field
 *   type on the harmless list (mk_field_instr_safe, f_fields.h) and holds
 *   no nested field; otherwise its markup and instruction go and its
 *   cached result (w:t / w:delText) stays.  A field nested inside an
 *   instruction joins the enclosing field and goes with it.  Unterminated
 *   fields are judged as well.  A w:fldSimple whose instr is not allowed
 *   is replaced by its children (the result).  The instruction collected
 *   per field is capped at o->max_output bytes.  A HYPERLINK field (either
 *   kind) that goes and names an http(s) target (mk_field_web_target)
 *   leaves " <URL>", defanged, as a new run after its result
 *   (mk_ox_href_run, f_ooxml_href.c).
 *
 * OWNS
 *   Its walking state only (field stack, node lists); DOC and X are
 *   borrowed, nodes removed from DOC are freed here.
 *
 * NEVER
 *   Parses or serialises XML, touches anything but DOC and x->counts.
 *
 * FAILURE
 *   None: it only removes nodes; every removal is counted in x->counts.
 */
#include <string.h>

#include <libxml/tree.h>

#include "f_fields.h"
#include "f_ooxml_int.h"

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
	return mk_ox_is_elem(n, "t") || mk_ox_is_elem(n, "delText");
}

static bool is_instr(xmlNodePtr n)
{
	return mk_ox_is_elem(n, "instrText") || mk_ox_is_elem(n, "delInstrText");
}

/* Field markup and text in document order (no changes to the tree). */
static void collect_fields(xmlNodePtr n, GPtrArray *out)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (mk_ox_is_elem(n, "fldChar") || is_instr(n) || is_text(n))
			g_ptr_array_add(out, n);
		else {
			if (mk_ox_is_elem(n, "fldSimple"))
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

/* The w:r around the last node of F (its "end" fldChar), or NULL. */
static xmlNodePtr fld_last_run(const fld *f)
{
	xmlNodePtr n = f->nodes->len ? f->nodes->pdata[f->nodes->len - 1] : NULL;

	while (n && !(mk_ox_is_elem(n, "r") && n->parent && !mk_ox_is_elem(n->parent, "r")))
		n = n->parent;
	return n;
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
			char *url = f->nested ? NULL : mk_field_web_target(f->instr->str);
			xmlNodePtr r = url ? fld_last_run(f) : NULL;
			if (r) {
				GString *shown = g_string_new(NULL);
				for (guint i = 0; i < f->result->len; i++) {
					xmlChar *c = xmlNodeGetContent(f->result->pdata[i]);
					g_string_append(shown, c ? (const char *)c : "");
					xmlFree(c);
				}
				mk_ox_href_run(x, r, r->ns, url, shown->str);
				g_string_free(shown, TRUE);
			}
			g_free(url);
			g_ptr_array_extend_and_steal(kill, f->nodes);
			mk_ox_count(x, why);
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
	char *t = mk_ox_is_elem(n, "fldChar") ? mk_ox_attr(n, "fldCharType")
	                                       : NULL;
	bool begin = t && strcmp(t, "begin") == 0;

	if ((begin || mk_ox_is_elem(n, "fldSimple")) && top && !top->in_result)
		top->nested = true;
	if (begin) {
		top = fld_new(top);
		g_ptr_array_add(stack, top);
	}
	if (!top || mk_ox_is_elem(n, "fldSimple")) {
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
		bool simple = mk_ox_is_elem(n, "fldSimple");
		char *in = simple ? mk_ox_attr(n, "instr") : NULL;
		if (simple && !mk_field_instr_safe(in ? in : "")) {
			char *url = mk_field_web_target(in);
			xmlChar *shown = url ? xmlNodeGetContent(n) : NULL;
			while (n->children) {
				xmlNodePtr c = n->children;
				xmlUnlinkNode(c);
				xmlAddPrevSibling(n, c);
			}
			if (url)
				mk_ox_href_run(x, n, n->ns, url, (const char *)shown);
			xmlFree(shown);
			g_free(url);
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			mk_ox_count(x, "field instruction of a type not allowed");
		}
		g_free(in);
	}
}

void mk_ox_word_fields(ox *x, xmlDocPtr doc)
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
