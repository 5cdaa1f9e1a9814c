/*
 * NAME
 *   f_pdf_text - the invisible text layer of a rasterized PDF page (see
 *   f_pdf_text.h)
 *
 * DESCRIPTION
 *   One pass over poppler's page text and its character boxes (the two
 *   are in step, one box per character): a character that is on the line
 *   of the current run and not left of its end extends the run, anything
 *   else (a control character, a new line, a jump left) ends it.  A run
 *   is drawn as one cairo_show_text() scaled horizontally into its box,
 *   baseline a fifth of the height above the bottom.
 *
 *   Web links are looked up once a page: each kept link remembers the
 *   index of the last character whose centre lies in its area; the run
 *   that takes that character gets " <URL>" appended, after st->mark when
 *   the characters inside the link name another host.  The cost is
 *   characters x kept links, bounded by max_links.
 *
 * NEVER
 *   Opens anything but (through fontconfig, read-only) font files.
 */
#include "f_pdf_text.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "f_defang.h"

/* Glyphs narrowed below this (a run with a long URL in a short line) are
 * made smaller instead: poppler's text extraction takes close repeated
 * letters for one ("ll" -> "l"). */
#define TEXT_MIN_SQUEEZE 0.5

/* A run of characters on one line. */
typedef struct text_run {
	GString *text;                 /* NULL: no run open */
	double x1, y1, x2, y2;         /* points, origin top left */
} text_run;

typedef struct web_link {
	char *url;                     /* as in the document */
	double x1, y1, x2, y2;         /* points, origin top left */
	gint64 last;                   /* last character inside; -1 none */
	GString *shown;                /* the characters inside */
} web_link;

static void link_clear(gpointer p)
{
	g_free(((web_link *)p)->url);
	g_string_free(((web_link *)p)->shown, TRUE);
}

static bool is_web(const char *uri)
{
	return g_ascii_strncasecmp(uri, "http://", 7) == 0 ||
	       g_ascii_strncasecmp(uri, "https://", 8) == 0;
}

/* The page's http(s) links, at most MAX, in top-left coordinates. */
static GArray *web_links(PopplerPage *page, double h_pt, gint64 max,
                         mk_pdf_text_stats *st)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(web_link));
	GList *map = poppler_page_get_link_mapping(page);

	g_array_set_clear_func(a, link_clear);
	for (GList *l = map; l; l = l->next) {
		const PopplerLinkMapping *m = l->data;
		const PopplerAction *act = m->action;
		if (act == NULL || act->type != POPPLER_ACTION_URI ||
		    act->uri.uri == NULL || !is_web(act->uri.uri) ||
		    (gint64)a->len >= max || strlen(act->uri.uri) > 4096) {
			st->dropped++;
			continue;
		}
		web_link w = { g_strdup(act->uri.uri), MIN(m->area.x1, m->area.x2),
		               h_pt - MAX(m->area.y1, m->area.y2),
		               MAX(m->area.x1, m->area.x2),
		               h_pt - MIN(m->area.y1, m->area.y2), -1, g_string_new(NULL) };
		g_strdelimit(w.url, "\r\n\t", ' ');
		g_array_append_val(a, w);
	}
	poppler_page_free_link_mapping(map);
	return a;
}

/* Marks, for each link, the last character (not a control character)
 * whose centre is inside it. */
static void anchor_links(GArray *links, const char *text,
                         const PopplerRectangle *rects, guint n)
{
	const char *p = text;

	for (guint i = 0; i < n && *p && links->len; i++, p = g_utf8_next_char(p)) {
		if ((guchar)*p < 0x20)
			continue;
		double cx = (rects[i].x1 + rects[i].x2) / 2;
		double cy = (rects[i].y1 + rects[i].y2) / 2;
		for (guint k = 0; k < links->len; k++) {
			web_link *w = &g_array_index(links, web_link, k);
			if (cx >= w->x1 && cx <= w->x2 && cy >= w->y1 && cy <= w->y2) {
				w->last = i;
				if (w->shown->len < 4096)
					g_string_append_len(w->shown, p,
					                    g_utf8_next_char(p) - p);
			}
		}
	}
}

/* Draw R's text (defanged) filling its box horizontally. */
static void draw_run(cairo_t *cr, const text_run *r)
{
	char *t = mk_text_defang(r->text->str);
	double h = r->y2 - r->y1, w = r->x2 - r->x1;
	cairo_text_extents_t ex;

	g_strstrip(t);
	if (*t && h > 0.5 && h < 2000 && w > 0.5) {
		cairo_set_font_size(cr, h);
		cairo_text_extents(cr, t, &ex);
		if (ex.x_advance > 0) {
			double sx = w / ex.x_advance, sy = 1;
			if (sx < TEXT_MIN_SQUEEZE) {   /* smaller, not only narrower */
				sy = sx / TEXT_MIN_SQUEEZE;
				sx = TEXT_MIN_SQUEEZE;
			}
			cairo_save(cr);
			cairo_translate(cr, r->x1, r->y2 - h * 0.2);
			cairo_scale(cr, sx * sy, sy);
			cairo_move_to(cr, 0, 0);
			cairo_show_text(cr, t);
			cairo_restore(cr);
		}
	}
	g_free(t);
}

static void end_run(cairo_t *cr, text_run *r)
{
	if (r->text) {
		draw_run(cr, r);
		g_string_free(r->text, TRUE);
		r->text = NULL;
	}
}

/* " <URL>" after the run, unless the run already shows the URL; the
 * mark first when the link's text names another host. */
static void append_link(text_run *r, const web_link *w, mk_pdf_text_stats *st)
{
	char *shown = mk_text_defang(r->text->str), *url = mk_defang_url(w->url);
	bool bad = st->mark && mk_link_misleads(w->shown->str, w->url);

	if (bad) {
		g_string_append_printf(r->text, " %s", st->mark);
		st->mismatches++;
	}
	if (strstr(shown, url) == NULL)
		g_string_append_printf(r->text, " <%s>", w->url);
	st->links++;
	g_free(shown);
	g_free(url);
}

/* The links that end at character I go after it. */
static void links_at(GArray *links, gint64 i, text_run *r, mk_pdf_text_stats *st)
{
	for (guint k = 0; k < links->len; k++) {
		const web_link *w = &g_array_index(links, web_link, k);
		if (w->last == i)
			append_link(r, w, st);
	}
}

/* Links with no character inside: their URL drawn in their own area. */
static void lone_links(cairo_t *cr, GArray *links, mk_pdf_text_stats *st)
{
	for (guint k = 0; k < links->len; k++) {
		const web_link *w = &g_array_index(links, web_link, k);
		if (w->last >= 0)
			continue;
		text_run r = { g_string_new(NULL), w->x1, w->y1, w->x2,
		               MIN(w->y2, w->y1 + 12) };
		g_string_printf(r.text, "<%s>", w->url);
		st->links++;
		end_run(cr, &r);
	}
}

static bool same_line(const text_run *r, const PopplerRectangle *c)
{
	double h = r->y2 - r->y1;

	return c->x1 >= r->x2 - h && fabs((c->y1 + c->y2) - (r->y1 + r->y2)) < h;
}

void mk_pdf_text_layer(PopplerPage *page, double h_pt, gint64 max_links,
                       cairo_t *cr, mk_pdf_text_stats *st)
{
	char *text = poppler_page_get_text(page);
	PopplerRectangle *rects = NULL;
	GArray *links = web_links(page, h_pt, max_links, st);
	guint n = 0, i = 0;
	text_run r = { 0 };

	if (text == NULL || !g_utf8_validate(text, -1, NULL) ||
	    !poppler_page_get_text_layout(page, &rects, &n))
		n = 0;
	anchor_links(links, text, rects, n);
	cairo_save(cr);
	cairo_select_font_face(cr, MK_PDF_TEXT_FONT, CAIRO_FONT_SLANT_NORMAL,
	                       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (const char *p = text; n && *p && i < n; p = g_utf8_next_char(p), i++) {
		const PopplerRectangle *c = &rects[i];
		bool ctl = (guchar)*p < 0x20;
		if (r.text && (ctl || !same_line(&r, c)))
			end_run(cr, &r);
		if (!ctl) {
			if (!r.text)
				r = (text_run){ g_string_new(NULL), c->x1, c->y1, c->x2, c->y2 };
			g_string_append_len(r.text, p, g_utf8_next_char(p) - p);
			r.x2 = MAX(r.x2, c->x2);
			r.y1 = MIN(r.y1, c->y1);
			r.y2 = MAX(r.y2, c->y2);
		}
		if (r.text)
			links_at(links, i, &r, st);
	}
	end_run(cr, &r);
	lone_links(cr, links, st);
	cairo_restore(cr);
	st->chars += i;
	g_array_unref(links);
	g_free(rects);
	g_free(text);
}

bool mk_pdf_text_any(PopplerPage *page)
{
	char *text = poppler_page_get_text(page);
	GList *map = poppler_page_get_link_mapping(page);
	bool any = map != NULL;

	for (const char *p = text; !any && p && *p; p++)
		any = !g_ascii_isspace(*p);
	poppler_page_free_link_mapping(map);
	g_free(text);
	return any;
}
