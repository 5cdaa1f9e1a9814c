/*
 * NAME
 *   config - load, check and dump the configuration (see config.h)
 *
 * DESCRIPTION
 *   The file is read twice: once by a small line scanner that finds syntax
 *   errors and remembers the line of every group and key (GKeyFile keeps no
 *   line numbers), then by GKeyFile for the values.  Every value, defaults
 *   included, goes through set_value(), so the defaults are checked by the
 *   same code as the file.  A few string keys have a form beyond their type
 *   (milter.socket, milter.outbound_clients): key_checks[] holds their validators, so `mukaika config
 *   check` reports them like any other bad value.
 *
 * FAILURE
 *   Any problem makes the whole load fail (MK_ERR_CONFIG); a daemon keeps its
 *   previous snapshot.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "config_schema.h"
#include "finding.h"

static const char *const action_names[] = { "none", "allow", "sanitize",
	"strip", "quarantine", "reject" };

const char *
mk_action_name(mk_action a)
{
	return (unsigned)a < G_N_ELEMENTS(action_names) ? action_names[a] : "invalid";
}

int
mk_action_parse(const char *s, mk_action *out)
{
	for (unsigned i = 1; i < G_N_ELEMENTS(action_names); i++)
		if (g_ascii_strcasecmp(s, action_names[i]) == 0) {
			*out = (mk_action)i;
			return 0;
		}
	return -1;
}

static void
rule_free(gpointer p)
{
	mk_rule *r = p;

	g_free(r->pattern);
	g_free(r);
}

static int
parse_int(const char *s, gint64 *out, bool sizes)
{
	char *end = NULL;
	gint64 mul = 1;

	errno = 0;
	gint64 v = g_ascii_strtoll(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	if (sizes && *end != '\0') {
		switch (g_ascii_toupper(*end)) {
		case 'K': mul = 1024; break;
		case 'M': mul = 1024 * 1024; break;
		case 'G': mul = 1024LL * 1024 * 1024; break;
		default: return -1;
		}
		end++;
		if (g_ascii_toupper(*end) == 'B' || g_ascii_toupper(*end) == 'I')
			end++;
	}
	if (*end != '\0')
		return -1;
	if (v > G_MAXINT64 / mul || v < G_MININT64 / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* Octal digits only ("0660", "660"). */
static int
parse_mode(const char *s, gint64 *out)
{
	gint64 v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -1;
		v = v * 8 + (*s - '0');
	}
	*out = v;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (unsigned i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (g_ascii_strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (g_ascii_strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static bool
word_allowed(const char *words, const char *v)
{
	char **w = g_strsplit(words, "|", -1);
	bool ok = g_strv_contains((const char *const *)w, v);

	g_strfreev(w);
	return ok;
}

/* milter.socket: unix:PATH | local:PATH | inet:PORT[@HOST] | inet6:PORT[@HOST] */
static char *
check_milter_socket(const char *v)
{
	static const char *const forms[] = { "unix:", "local:", "inet:", "inet6:" };
	const char *rest = NULL;
	gint64 port = 0;
	bool inet = false;

	for (unsigned i = 0; i < G_N_ELEMENTS(forms) && rest == NULL; i++)
		if (g_str_has_prefix(v, forms[i])) {
			rest = v + strlen(forms[i]);
			inet = i >= 2;
		}
	if (rest != NULL && !inet && rest[0] != '\0')
		return NULL;
	if (rest != NULL && inet) {
		char *p = g_strndup(rest, strcspn(rest, "@"));
		const char *at = strchr(rest, '@');
		bool ok = parse_int(p, &port, false) == 0 && port >= 1 && port <= 65535 &&
		          (at == NULL || at[1] != '\0');
		g_free(p);
		if (ok)
			return NULL;
	}
	return g_strdup_printf("expected unix:PATH or inet:PORT@HOST, got \"%s\"", v);
}

/* milter.outbound_clients: every entry of the list a CIDR or an address. */
static char *
check_cidr_list(const char *v)
{
	char **e = g_strsplit_set(v, MK_CONFIG_LIST_SEP, -1);
	char *msg = NULL;
	mk_cidr c;

	for (char **p = e; *p != NULL && msg == NULL; p++)
		if (**p != '\0' && mk_cidr_parse(*p, &c) != 0)
			msg = g_strdup_printf("\"%s\" is not an address or network "
			                      "(a.b.c.d/n or a:b::/n)", *p);
	g_strfreev(e);
	return msg;
}

/* Validators of string keys whose value has a form: NULL or a message. */
static const struct {
	const char *group, *key;
	char *(*check)(const char *value);
} key_checks[] = {
	{ "milter", "socket", check_milter_socket },
	{ "milter", "outbound_clients", check_cidr_list },
};

static char *
check_form(const mk_key *k, const char *value)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(key_checks); i++)
		if (strcmp(k->group, key_checks[i].group) == 0 &&
		    strcmp(k->key, key_checks[i].key) == 0)
			return key_checks[i].check(value);
	return NULL;
}

char *
mk_config_set_key(mk_config *cfg, const mk_key *k, const char *value)
{
	char *field = (char *)cfg + k->offset;
	char *msg;
	gint64 n;
	bool b;

	switch (k->type) {
	case MK_T_STR:
		if ((msg = check_form(k, value)) != NULL)
			return msg;
		g_free(*(char **)field);
		*(char **)field = g_strdup(value);
		return NULL;
	case MK_T_WORD:
		if (!word_allowed(k->words, value))
			return g_strdup_printf("\"%s\" is not one of %s", value, k->words);
		g_free(*(char **)field);
		*(char **)field = g_strdup(value);
		return NULL;
	case MK_T_BOOL:
		if (parse_bool(value, &b) < 0)
			return g_strdup_printf("\"%s\" is not a boolean (true/false)", value);
		*(bool *)field = b;
		return NULL;
	case MK_T_MODE:
		if (parse_mode(value, &n) < 0 || n < k->min || n > k->max)
			return g_strdup_printf("\"%s\" is not octal permission bits "
			                       "(%04" G_GINT64_MODIFIER "o..%04"
			                       G_GINT64_MODIFIER "o)", value, k->min, k->max);
		*(gint64 *)field = n;
		return NULL;
	case MK_T_INT:
	case MK_T_SIZE:
		if (parse_int(value, &n, k->type == MK_T_SIZE) < 0)
			return g_strdup_printf("\"%s\" is not a%s number", value,
			                       k->type == MK_T_SIZE ? " size or" : "n integer");
		if (n < k->min || n > k->max)
			return g_strdup_printf("%s is out of range %" G_GINT64_FORMAT
			                       "..%" G_GINT64_FORMAT, value, k->min, k->max);
		*(gint64 *)field = n;
		return NULL;
	}
	return g_strdup("unknown key type");
}

static void
add_rule(mk_config *cfg, const char *pattern, mk_action a, int line)
{
	mk_rule *r = g_new0(mk_rule, 1);

	r->pattern = g_ascii_strdown(pattern, -1);
	r->action = a;
	r->line = line;
	g_ptr_array_add(cfg->rules, r);
}

mk_config *
mk_config_defaults(void)
{
	mk_config *cfg = g_new0(mk_config, 1);
	mk_action a;

	cfg->ref = 1;
	cfg->rules = g_ptr_array_new_with_free_func(rule_free);
	for (size_t i = 0; i < mk_schema_len; i++) {
		char *msg = mk_config_set_key(cfg, &mk_schema[i], mk_schema[i].def);
		g_assert(msg == NULL);   /* a bad built-in default is a bug */
	}
	for (size_t i = 0; mk_default_policy[i][0] != NULL; i++) {
		int rc = mk_action_parse(mk_default_policy[i][1], &a);
		g_assert(rc == 0);
		add_rule(cfg, mk_default_policy[i][0], a, 0);
	}
	(void)mk_action_parse(mk_default_policy_fallback, &cfg->default_action);
	for (int f = 0; f < MK_F_COUNT; f++)
		cfg->finding_action[f] = mk_finding_default_action((mk_finding_code)f);
	return cfg;
}

mk_config *
mk_config_ref(mk_config *cfg)
{
	g_atomic_int_inc(&cfg->ref);
	return cfg;
}

void
mk_config_unref(mk_config **cp)
{
	mk_config *cfg;

	if (cp == NULL || *cp == NULL)
		return;
	cfg = *cp;
	*cp = NULL;
	if (!g_atomic_int_dec_and_test(&cfg->ref))
		return;
	for (size_t i = 0; i < mk_schema_len; i++)
		if (mk_schema[i].type == MK_T_STR || mk_schema[i].type == MK_T_WORD)
			g_free(*(char **)((char *)cfg + mk_schema[i].offset));
	g_ptr_array_unref(cfg->rules);
	g_free(cfg->path);
	g_free(cfg);
}

mk_action
mk_config_policy_for(const mk_config *cfg, const char *mime_type,
                     const char **pattern)
{
	char *t = g_ascii_strdown(mime_type ? mime_type : "application/octet-stream", -1);
	mk_action a = cfg->default_action;

	if (pattern != NULL)
		*pattern = "default";
	for (guint i = 0; i < cfg->rules->len; i++) {
		const mk_rule *r = g_ptr_array_index(cfg->rules, i);
		if (g_pattern_match_simple(r->pattern, t)) {
			a = r->action;
			if (pattern != NULL)
				*pattern = r->pattern;
			break;
		}
	}
	g_free(t);
	return a;
}

char *
mk_config_state_path(const mk_config *cfg, const char *value, const char *name)
{
	if (value != NULL && value[0] != '\0')
		return g_strdup(value);
	return g_build_filename(cfg->general.state_dir, name, NULL);
}

static char *
value_text(const mk_config *cfg, const mk_key *k)
{
	const char *field = (const char *)cfg + k->offset;

	switch (k->type) {
	case MK_T_STR:
	case MK_T_WORD:
		return g_strdup(*(char *const *)field);
	case MK_T_BOOL:
		return g_strdup(*(const bool *)field ? "true" : "false");
	case MK_T_INT:
	case MK_T_SIZE:
		return g_strdup_printf("%" G_GINT64_FORMAT, *(const gint64 *)field);
	case MK_T_MODE:
		return g_strdup_printf("%04" G_GINT64_MODIFIER "o", *(const gint64 *)field);
	}
	return g_strdup("?");
}

char *
mk_config_dump(const mk_config *cfg)
{
	GString *g = g_string_new(NULL);
	const char *group = "";

	g_string_append_printf(g, "# mukaika %s effective configuration (%s)\n",
	                       MK_VERSION, cfg->path ? cfg->path : "built-in defaults");
	for (size_t i = 0; i < mk_schema_len; i++) {
		const mk_key *k = &mk_schema[i];
		char *v = value_text(cfg, k);
		if (strcmp(group, k->group) != 0) {
			g_string_append_printf(g, "\n[%s]\n", k->group);
			group = k->group;
		}
		g_string_append_printf(g, "# %s\n# default: %s", k->desc,
		                       k->def[0] ? k->def : "(empty)");
		if (k->type == MK_T_INT || k->type == MK_T_SIZE)
			g_string_append_printf(g, ", range %" G_GINT64_FORMAT "..%"
			                       G_GINT64_FORMAT, k->min, k->max);
		if (k->type == MK_T_WORD)
			g_string_append_printf(g, ", one of %s", k->words);
		g_string_append_printf(g, "\n%s = %s\n", k->key, v);
		g_free(v);
	}
	g_string_append(g, "\n[policy]\n# TRUE-TYPE-GLOB = allow|sanitize|strip|"
	                "quarantine|reject; first match wins\n");
	for (guint i = 0; i < cfg->rules->len; i++) {
		const mk_rule *r = g_ptr_array_index(cfg->rules, i);
		g_string_append_printf(g, "%s = %s\n", r->pattern, mk_action_name(r->action));
	}
	g_string_append_printf(g, "default = %s\n", mk_action_name(cfg->default_action));
	g_string_append(g, "\n[findings]\n# FINDING = least action a node carrying it "
	                "gets (none: no effect of its own)\n");
	for (int f = 0; f < MK_F_COUNT; f++)
		g_string_append_printf(g, "%s = %s\n", mk_finding_name((mk_finding_code)f),
		                       cfg->finding_action[f] == MK_ACT_NONE ? "none" :
		                       mk_action_name(cfg->finding_action[f]));
	return g_string_free(g, FALSE);
}
