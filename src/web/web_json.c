/*
 * NAME
 *   web_json - a small JSON reader for reports stored by the engine
 *
 * DESCRIPTION
 *   Recursive descent over RFC 8259 text into a tree of wj values; depth
 *   bounded by the caller.  \uXXXX escapes (with surrogate pairs) become
 *   UTF-8.  Numbers are kept as their text.  Used only to show reports;
 *   anything malformed gives NULL and the page shows the raw text escaped.
 */
#include <string.h>

#include "web.h"

typedef enum { WJ_NULL, WJ_BOOL, WJ_NUM, WJ_STR, WJ_ARR, WJ_OBJ } wj_type;

struct wj {
	wj_type type;
	char *s;            /* STR/NUM/BOOL text */
	GPtrArray *items;   /* ARR values; OBJ alternating key (wj STR), value */
};

typedef struct { const char *p; gsize depth, max; } rd;

static wj *value(rd *r);

static void
ws(rd *r)
{
	while (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t')
		r->p++;
}

static wj *
mk(wj_type t)
{
	wj *v = g_new0(wj, 1);

	v->type = t;
	if (t == WJ_ARR || t == WJ_OBJ)
		v->items = g_ptr_array_new_with_free_func((GDestroyNotify)wj_free);
	return v;
}

static bool
hex4(const char *p, gunichar *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		if (!g_ascii_isxdigit(p[i]))
			return false;
		*out = *out * 16 + (gunichar)g_ascii_xdigit_value(p[i]);
	}
	return true;
}

static bool
escape(rd *r, GString *g)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *c = strchr(from, *r->p);
	gunichar u, lo;

	if (*r->p != 'u') {
		if (c == NULL || *r->p == '\0')
			return false;
		g_string_append_c(g, to[c - from]);
		r->p++;
		return true;
	}
	if (!hex4(r->p + 1, &u))
		return false;
	r->p += 5;
	if (u >= 0xD800 && u <= 0xDBFF && r->p[0] == '\\' && r->p[1] == 'u' &&
	    hex4(r->p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
		u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
		r->p += 6;
	}
	if (u >= 0xD800 && u <= 0xDFFF)
		u = 0xFFFD;
	g_string_append_unichar(g, u);
	return true;
}

static char *
string(rd *r)
{
	GString *g = g_string_new(NULL);

	r->p++;   /* opening quote */
	while (*r->p != '"') {
		if (*r->p == '\0' || (unsigned char)*r->p < 0x20)
			goto bad;
		if (*r->p == '\\') {
			r->p++;
			if (!escape(r, g))
				goto bad;
			continue;
		}
		g_string_append_c(g, *r->p++);
	}
	r->p++;
	return g_string_free(g, FALSE);
bad:
	g_string_free(g, TRUE);
	return NULL;
}

static wj *
container(rd *r, bool obj)
{
	wj *v = mk(obj ? WJ_OBJ : WJ_ARR);
	char close = obj ? '}' : ']';

	if (++r->depth > r->max)
		goto bad;
	r->p++;
	ws(r);
	if (*r->p == close) {
		r->p++;
		r->depth--;
		return v;
	}
	for (;;) {
		wj *item;

		ws(r);
		if (obj) {
			wj *k;

			if (*r->p != '"')
				goto bad;
			k = mk(WJ_STR);
			g_ptr_array_add(v->items, k);
			if ((k->s = string(r)) == NULL)
				goto bad;
			ws(r);
			if (*r->p++ != ':')
				goto bad;
		}
		if ((item = value(r)) == NULL)
			goto bad;
		g_ptr_array_add(v->items, item);
		ws(r);
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p++ != close)
			goto bad;
		r->depth--;
		return v;
	}
bad:
	wj_free(v);
	return NULL;
}

static wj *
value(rd *r)
{
	static const struct { const char *lit; wj_type t; } lits[] = {
		{ "true", WJ_BOOL }, { "false", WJ_BOOL }, { "null", WJ_NULL },
	};
	const char *start;
	wj *v;

	ws(r);
	if (*r->p == '{' || *r->p == '[')
		return container(r, *r->p == '{');
	if (*r->p == '"') {
		v = mk(WJ_STR);
		if ((v->s = string(r)) == NULL)
			g_clear_pointer(&v, wj_free);
		return v;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(lits); i++)
		if (strncmp(r->p, lits[i].lit, strlen(lits[i].lit)) == 0) {
			v = mk(lits[i].t);
			v->s = g_strdup(lits[i].lit);
			r->p += strlen(lits[i].lit);
			return v;
		}
	start = r->p;
	while (*r->p && strchr("+-0123456789.eE", *r->p) != NULL)
		r->p++;
	if (r->p == start)
		return NULL;
	v = mk(WJ_NUM);
	v->s = g_strndup(start, (gsize)(r->p - start));
	return v;
}

wj *
wj_parse(const char *text, gsize max_depth)
{
	rd r = { .p = text, .max = max_depth };
	wj *v;

	if (text == NULL || (v = value(&r)) == NULL)
		return NULL;
	ws(&r);
	if (*r.p != '\0') {
		wj_free(v);
		return NULL;
	}
	return v;
}

void
wj_free(wj *v)
{
	if (v == NULL)
		return;
	g_free(v->s);
	if (v->items != NULL)
		g_ptr_array_unref(v->items);
	g_free(v);
}

const wj *
wj_get(const wj *obj, const char *key)
{
	if (obj == NULL || obj->type != WJ_OBJ)
		return NULL;
	for (guint i = 0; i + 1 < obj->items->len; i += 2) {
		const wj *k = g_ptr_array_index(obj->items, i);

		if (strcmp(k->s, key) == 0)
			return g_ptr_array_index(obj->items, i + 1);
	}
	return NULL;
}

guint
wj_len(const wj *arr)
{
	return arr != NULL && arr->type == WJ_ARR ? arr->items->len : 0;
}

const wj *
wj_at(const wj *arr, guint i)
{
	return i < wj_len(arr) ? g_ptr_array_index(arr->items, i) : NULL;
}

const char *
wj_str(const wj *v)
{
	return v != NULL && v->type != WJ_NULL && v->s != NULL ? v->s : "";
}
