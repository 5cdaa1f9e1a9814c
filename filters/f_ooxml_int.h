/*
 * NAME
 *   f_ooxml_int.h - internals shared by the OOXML filter's modules (not
 *   public; the filter's interface is f_ooxml.h)
 *
 * SUMMARY
 *   part, ox                              the package held in memory
 *   mk_ox_read_zip(x, in, &err)           f_ooxml_zip.c: zip → x->parts
 *   mk_ox_write_zip(x, ct, &out, &err)    f_ooxml_zip.c: kept parts → zip
 *   mk_ox_word_fields(x, doc)             f_ooxml_word.c: Word fields
 *   mk_ox_xlsx_formulas(x, doc)           f_ooxml_xlsx.c: cell formulas,
 *                                         defined names, rules
 *   mk_ox_link_scrub(x, n)                f_ooxml_link.c: link and macro
 *                                         attributes of one element
 *   mk_ox_role_mark(p, type), mk_ox_role(p, doc)
 *                                         f_ooxml_role.c: what a part is
 *                                         to Office (its scrubs follow)
 *   mk_ox_href_keep, mk_ox_href_text      f_ooxml_href.c: web hyperlinks
 *                                         as defanged text
 *   mk_ox_in_list, mk_ox_count, mk_ox_attr, mk_ox_is_elem
 *                                         f_ooxml.c: small helpers
 *
 * DESCRIPTION
 *   f_ooxml.c walks the package (choose parts, relationships, XML rewrite,
 *   [Content_Types].xml, main part) and calls the others: f_ooxml_zip.c
 *   reads and writes the container, f_ooxml_word.c, f_ooxml_xlsx.c and
 *   f_ooxml_link.c rewrite one parsed WordprocessingML / SpreadsheetML part in place.
 *   Removals are counted in x->counts with mk_ox_count (they become the
 *   "removed N ...(s)" notes).
 *
 * OWNERSHIP
 *   An ox and its parts belong to ooxml_run() in f_ooxml.c; every other
 *   function borrows them.  mk_ox_read_zip adds new parts to x->parts
 *   (freed with it) and x->by_name (borrowed keys and values).
 *   mk_ox_attr returns a new string (caller frees).  CT given to
 *   mk_ox_write_zip is borrowed; *out is new (caller unrefs).
 *
 * FAILURE
 *   mk_ox_read_zip and mk_ox_write_zip return 0 or a negative MK_ERR_*
 *   with ERR set, and never leave partial output.  The part rewriters
 *   cannot fail: they only remove or replace nodes of DOC.
 */
#ifndef MK_F_OOXML_INT_H
#define MK_F_OOXML_INT_H

#include <stdbool.h>

#include <glib.h>
#include <libxml/tree.h>

#include "f_ooxml.h"

typedef struct part {
	char *name;          /* as in the zip */
	char *lname;         /* lower case, for lookups */
	GBytes *data;
	char *ct;            /* content type (lower case) or NULL */
	char *ct_out;        /* content type as written out */
	bool keep, is_rels;
	unsigned role;       /* OX_ROLE_* from the relationships reaching it */
	GHashTable *dropped; /* rIds dropped from this part's .rels */
	GHashTable *hrefs;   /* dropped rId → web URL (f_ooxml_href.c) */
} part;

/* What a part is to Office (f_ooxml_role.c): its scrubs follow. */
#define OX_ROLE_WORD  1u     /* Word fields (f_ooxml_word.c) */
#define OX_ROLE_SHEET 2u     /* SpreadsheetML formulas (f_ooxml_xlsx.c) */

typedef struct ox {
	GPtrArray *parts;    /* part*, zip order */
	GHashTable *by_name; /* lname → part* (borrowed) */
	GHashTable *defaults, *overrides;  /* ext / "/lname" → ct */
	GPtrArray *notes;
	GHashTable *counts;  /* note → count, for relationships/fields */
	const mk_wopts *o;
	char *main_ct;       /* translated main content type */
	guint web_links;     /* URLs written as text (f_ooxml_href.c) */
	guint mismatches;    /* of those, shown text naming another host: marked */
} ox;

/* f_ooxml.c */
bool mk_ox_in_list(const char *const *l, const char *s);
void mk_ox_count(ox *x, const char *what);
char *mk_ox_attr(xmlNodePtr n, const char *name);
bool mk_ox_is_elem(xmlNodePtr n, const char *local);
xmlDocPtr mk_ox_parse(const part *p, mk_error *err);   /* no DTD; caller frees */

/* f_ooxml_zip.c */
int mk_ox_read_zip(ox *x, GBytes *in, mk_error *err);
int mk_ox_write_zip(ox *x, GBytes *ct, GBytes **out, mk_error *err);

/* f_ooxml_word.c */
void mk_ox_word_fields(ox *x, xmlDocPtr doc);

/* f_ooxml_link.c */
bool mk_ox_link_scrub(ox *x, xmlNodePtr n);   /* true: N must go */

/* f_ooxml_role.c */
void mk_ox_role_mark(part *p, const char *rel_type);
unsigned mk_ox_role(const part *p, xmlDocPtr doc);
/* f_ooxml_href.c */
void mk_ox_href_keep(part *src, xmlNodePtr rel);
void mk_ox_href_text(ox *x, part *p, xmlDocPtr doc);
void mk_ox_href_run(ox *x, xmlNodePtr after, xmlNsPtr ns, const char *url,
                    const char *anchor);

/* f_ooxml_xlsx.c */
void mk_ox_xlsx_formulas(ox *x, xmlDocPtr doc);

#endif
