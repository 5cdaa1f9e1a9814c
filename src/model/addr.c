/*
 * NAME
 *   addr - strict RFC 5322 address lists (see addr.h)
 *
 * DESCRIPTION
 *   A lexer turns the unfolded value into tokens (atoms, quoted strings,
 *   domain literals, specials; comments and white space dropped), then a
 *   small recursive-descent parser reads address-list / mailbox / group /
 *   angle-addr / addr-spec.  An element that fails is skipped up to the
 *   next top-level comma and makes the list ambiguous.
 *
 * OWNS
 *   Nothing beyond the lists and strings it returns.
 *
 * NEVER
 *   Builds an address from decoded text.
 */
#include "addr.h"

#include <string.h>

#include "hdrtext.h"

typedef enum { T_ATOM, T_QUOTED, T_DLIT, T_SPECIAL, T_END } tkind;

typedef struct {
	tkind k;
	char c;                 /* T_SPECIAL */
	char *text;             /* T_ATOM, T_QUOTED (unescaped), T_DLIT */
} token;

typedef struct {
	GArray *t;              /* token */
	guint i;
	mk_addr_list *l;
} parser;

static void
ambiguous(mk_addr_list *l, const char *why)
{
	l->ambiguous = true;
	if (l->why == NULL)
		l->why = g_strdup(why);
}

static void
push(GArray *t, tkind k, char c, char *text)
{
	token tk = { k, c, text };
	g_array_append_val(t, tk);
}

/* Quoted string, comment or domain literal at P (P[0] is the opener,
 * comments nest); returns the end (past the closer) or NULL when
 * unbalanced.  The unescaped content goes to BODY. */
static const char *
delimited(const char *p, char close, GString *body)
{
	char open = *p;
	int depth = 1;

	for (p++; *p; p++) {
		if (*p == '\\' && p[1] != '\0') {
			g_string_append_c(body, *++p);
			continue;
		}
		if (*p == close && --depth == 0)
			return p + 1;
		if (open == '(' && *p == '(')
			depth++;
		g_string_append_c(body, *p);
	}
	return NULL;
}

static void
lex(const char *s, GArray *t, mk_addr_list *l)
{
	static const char specials[] = "()<>[]:;@\\,.\"";

	while (*s) {
		const char *e;
		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if ((guchar)*s < 0x20 || *s == 0x7F) {
			ambiguous(l, "control character");
			s++;
			continue;
		}
		if (*s == '"' || *s == '(' || *s == '[') {
			GString *b = g_string_new(NULL);
			char close = *s == '"' ? '"' : *s == '(' ? ')' : ']';
			e = delimited(s, close, b);
			if (e == NULL) {
				ambiguous(l, "unbalanced quote, comment or bracket");
				g_string_free(b, TRUE);
				return;
			}
			if (*s == '(')
				g_string_free(b, TRUE);
			else
				push(t, *s == '"' ? T_QUOTED : T_DLIT, 0, g_string_free(b, FALSE));
			s = e;
			continue;
		}
		if (strchr(specials, *s) != NULL) {
			push(t, T_SPECIAL, *s++, NULL);
			continue;
		}
		for (e = s; *e && *e != ' ' && *e != '\t' && (guchar)*e >= 0x20 &&
		            *e != 0x7F && strchr(specials, *e) == NULL; e++)
			;
		push(t, T_ATOM, 0, g_strndup(s, (gsize)(e - s)));
		s = e;
	}
}

static const token *
cur(parser *p)
{
	static const token end = { T_END, 0, NULL };
	return p->i < p->t->len ? &g_array_index(p->t, token, p->i) : &end;
}

static bool
is_special(parser *p, char c)
{
	return cur(p)->k == T_SPECIAL && cur(p)->c == c;
}

static bool
is_word(parser *p)
{
	return cur(p)->k == T_ATOM || cur(p)->k == T_QUOTED;
}

/* A word as it is written in an address (quoted strings re-quoted). */
static void
append_word(GString *g, const token *tk)
{
	if (tk->k == T_ATOM) {
		g_string_append(g, tk->text);
		return;
	}
	g_string_append_c(g, '"');
	for (const char *s = tk->text; *s; s++) {
		if (*s == '"' || *s == '\\')
			g_string_append_c(g, '\\');
		g_string_append_c(g, *s);
	}
	g_string_append_c(g, '"');
}

/* Tokens [FROM, TO) as a local part: word *("." word). */
static bool
local_part(parser *p, guint from, guint to, GString *g)
{
	for (guint i = from; i < to; i++) {
		const token *tk = &g_array_index(p->t, token, i);
		bool want_word = (i - from) % 2 == 0;
		if (want_word && (tk->k == T_ATOM || tk->k == T_QUOTED))
			append_word(g, tk);
		else if (!want_word && tk->k == T_SPECIAL && tk->c == '.')
			g_string_append_c(g, '.');
		else
			return false;
	}
	return to > from && (to - from) % 2 == 1;
}

/* "@" domain, at the current token; appends to G. */
static bool
domain(parser *p, GString *g)
{
	if (!is_special(p, '@'))
		return false;
	p->i++;
	g_string_append_c(g, '@');
	if (cur(p)->k == T_DLIT) {
		g_string_append_printf(g, "[%s]", cur(p)->text);
		p->i++;
		return true;
	}
	for (;;) {
		if (cur(p)->k != T_ATOM)
			return false;
		g_string_append(g, cur(p)->text);
		p->i++;
		if (!is_special(p, '.'))
			return true;
		g_string_append_c(g, '.');
		p->i++;
	}
}

/* The display name of phrase tokens [FROM, TO), decoded. */
static char *
phrase_text(parser *p, guint from, guint to)
{
	GString *g = g_string_new(NULL);
	char *res;

	for (guint i = from; i < to; i++) {
		const token *tk = &g_array_index(p->t, token, i);
		if (tk->k == T_SPECIAL) {
			g_string_append_c(g, tk->c);
			continue;
		}
		if (g->len > 0)
			g_string_append_c(g, ' ');
		g_string_append(g, tk->text);
	}
	res = mk_hdr_decode(g->str);
	g_string_free(g, TRUE);
	return res;
}

static bool
add_box(parser *p, char *name, GString *addr)
{
	mk_mailbox *m;

	if (strstr(addr->str, "=?") != NULL ||
	    !g_utf8_validate(addr->str, -1, NULL)) {
		ambiguous(p->l, "encoded word or invalid bytes in an address");
		g_free(name);
		return false;
	}
	m = g_new0(mk_mailbox, 1);
	m->name = name ? name : g_strdup("");
	m->addr = g_strdup(addr->str);
	g_ptr_array_add(p->l->boxes, m);
	return true;
}

/* mailbox = phrase "<" addr-spec ">" / addr-spec */
static bool
mailbox(parser *p)
{
	guint from = p->i, to;
	GString *a = g_string_new(NULL);
	bool ok = false;

	while (is_word(p) || is_special(p, '.'))
		p->i++;
	to = p->i;
	if (is_special(p, '<')) {
		p->i++;
		guint lf = p->i;
		while (is_word(p) || is_special(p, '.'))
			p->i++;
		ok = local_part(p, lf, p->i, a) && domain(p, a) && is_special(p, '>');
		if (ok) {
			p->i++;
			ok = add_box(p, to > from ? phrase_text(p, from, to) : NULL, a);
		}
	} else if (is_special(p, '@')) {
		ok = local_part(p, from, to, a) && domain(p, a) &&
		     add_box(p, NULL, a);
	}
	g_string_free(a, TRUE);
	return ok;
}

/* group = phrase ":" [mailbox *("," mailbox)] ";" */
static bool
address(parser *p)
{
	guint start = p->i;

	while (is_word(p) || is_special(p, '.'))
		p->i++;
	if (!is_special(p, ':') || p->i == start) {
		p->i = start;
		return mailbox(p);
	}
	p->i++;
	p->l->group = true;
	while (!is_special(p, ';')) {
		if (cur(p)->k == T_END)
			return false;
		if (is_special(p, ',')) {
			p->i++;
			continue;
		}
		if (!mailbox(p))
			return false;
	}
	p->i++;
	return true;
}

/* After a failed element: on to the next comma outside <...>. */
static void
skip_element(parser *p)
{
	bool angle = false;

	for (; cur(p)->k != T_END; p->i++) {
		if (is_special(p, '<'))
			angle = true;
		else if (is_special(p, '>'))
			angle = false;
		else if (is_special(p, ',') && !angle)
			return;
	}
}

mk_addr_list *
mk_addr_parse(const char *raw)
{
	mk_addr_list *l = g_new0(mk_addr_list, 1);
	GString *u = g_string_new(NULL);
	parser p = { g_array_new(FALSE, FALSE, sizeof(token)), 0, l };

	l->boxes = g_ptr_array_new();
	for (const char *s = raw ? raw : ""; *s; s++)
		if (*s != '\r' && *s != '\n')
			g_string_append_c(u, *s);
	lex(u->str, p.t, l);
	while (cur(&p)->k != T_END) {
		if (is_special(&p, ',')) {
			p.i++;
			continue;
		}
		if (!address(&p)) {
			ambiguous(l, "an element is not an address");
			skip_element(&p);
		} else if (!is_special(&p, ',') && cur(&p)->k != T_END) {
			ambiguous(l, "text after an address");
			skip_element(&p);
		}
	}
	for (guint i = 0; i < p.t->len; i++)
		g_free(g_array_index(p.t, token, i).text);
	g_array_free(p.t, TRUE);
	g_string_free(u, TRUE);
	return l;
}

void
mk_addr_list_free(mk_addr_list **l)
{
	if (l == NULL || *l == NULL)
		return;
	for (guint i = 0; i < (*l)->boxes->len; i++) {
		mk_mailbox *m = g_ptr_array_index((*l)->boxes, i);
		g_free(m->name);
		g_free(m->addr);
		g_free(m);
	}
	g_ptr_array_free((*l)->boxes, TRUE);
	g_free((*l)->why);
	g_clear_pointer(l, g_free);
}

static bool
is_local_char(gunichar c)
{
	return c < 0x80 && (g_ascii_isalnum((char)c) || strchr("._%+-'", (int)c));
}

/* After "@" at P: label *("." label), the last one two letters or more. */
static bool
domain_shape(const char *p)
{
	gsize label = 0, labels = 0, alpha = 0;

	for (; *p; p++) {
		if (g_ascii_isalnum(*p) || *p == '-') {
			label++;
			alpha = g_ascii_isalpha(*p) ? alpha + 1 : 0;
		} else if (*p == '.' && label > 0) {
			labels++;
			label = alpha = 0;
		} else
			break;
	}
	return labels > 0 && label >= 2 && alpha >= 2;
}

bool
mk_addr_name_has_address(const char *name)
{
	char *n = g_utf8_normalize(name ? name : "", -1, G_NORMALIZE_ALL);
	bool found = false;

	for (const char *p = n ? n : ""; *p && !found; p++) {
		if (*p != '@' || p == n)
			continue;
		const char *prev = g_utf8_find_prev_char(n, p);
		found = prev != NULL && is_local_char(g_utf8_get_char(prev)) &&
		        domain_shape(p + 1);
	}
	g_free(n);
	return found;
}

char *
mk_addr_format(const mk_mailbox *m)
{
	char *name, *res;

	if (m->name == NULL || m->name[0] == '\0')
		return g_strdup(m->addr);
	name = mk_hdr_encode_phrase(m->name);
	res = g_strdup_printf("%s <%s>", name, m->addr);
	g_free(name);
	return res;
}

void
mk_addr_issues(GMimeObject *msg, mk_addr_issue_fn fn, void *user)
{
	static const char *const hdrs[] = { "From", "Sender", "Reply-To", "To", "Cc" };

	for (gsize h = 0; msg != NULL && h < G_N_ELEMENTS(hdrs); h++) {
		const char *raw = mk_hdr_raw(msg, hdrs[h]);
		bool sender = h < 2;
		mk_addr_list *l;

		if (raw == NULL && h > 0)
			continue;
		l = mk_addr_parse(raw);
		if (h == 0 && l->boxes->len == 0)
			fn(hdrs[h], MK_ADDR_NO_SENDER, NULL, NULL, user);
		for (guint i = 0; i < l->boxes->len; i++) {
			mk_mailbox *m = g_ptr_array_index(l->boxes, i);
			if (mk_addr_name_has_address(m->name))
				fn(hdrs[h], MK_ADDR_NAME_HAS_ADDRESS, m->addr, m->name, user);
		}
		if (sender && (l->boxes->len > 1 || (l->group && l->boxes->len > 0)))
			fn(hdrs[h], MK_ADDR_SEVERAL,
			   ((mk_mailbox *)g_ptr_array_index(l->boxes, 0))->addr, NULL, user);
		if (l->ambiguous)
			fn(hdrs[h], MK_ADDR_AMBIGUOUS, NULL, l->why, user);
		mk_addr_list_free(&l);
	}
}

static void
add_finding(const char *header, mk_addr_issue issue, const char *addr,
            const char *why, void *user)
{
	mk_node *root = user;

	switch (issue) {
	case MK_ADDR_NAME_HAS_ADDRESS:
		mk_node_add_finding(root, MK_F_SENDER_NAME,
		                    "%s: display name \"%s\" holds an address; the address is <%s>",
		                    header, why, addr);
		break;
	case MK_ADDR_NO_SENDER:
		mk_node_add_finding(root, MK_F_SENDER_AMBIGUOUS, "%s: no mailbox", header);
		break;
	case MK_ADDR_SEVERAL:
		mk_node_add_finding(root, MK_F_SENDER_AMBIGUOUS,
		                    "%s: several mailboxes or a group; only <%s> is kept",
		                    header, addr);
		break;
	case MK_ADDR_AMBIGUOUS:
		mk_node_add_finding(root, MK_F_SENDER_AMBIGUOUS, "%s: %s", header, why);
		break;
	}
}

void
mk_addr_check(mk_node *root)
{
	if (root != NULL && root->mime != NULL && GMIME_IS_MESSAGE(root->mime))
		mk_addr_issues(root->mime, add_finding, root);
}
