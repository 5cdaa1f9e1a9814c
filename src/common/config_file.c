/*
 * NAME
 *   config_file - read a configuration file over the defaults; dump one
 *
 * DESCRIPTION
 *   A line scanner checks the syntax and records "group.key -> line" so every
 *   problem is reported as FILE:LINE: group.key: message.  Values are taken
 *   through GKeyFile (its escapes apply) and checked by the schema; rules
 *   between keys (cross_checks) come last, reported at the line of the key
 *   they refuse.
 */
#include <string.h>

#include "config.h"
#include "config_schema.h"
#include "finding.h"
#include "mk_limits.h"
#include "util.h"

typedef struct entry {
	char *group;
	char *key;
	int line;
} entry;

static void
entry_free(gpointer p)
{
	entry *e = p;

	g_free(e->group);
	g_free(e->key);
	g_free(e);
}

static void
problem(GPtrArray *probs, const char *file, int line, const char *what,
        const char *msg)
{
	g_ptr_array_add(probs, g_strdup_printf("%s:%d: %s: %s", file, line, what, msg));
}

/* Syntax check; fills ENTRIES (in file order). */
static void
scan_lines(const char *file, const char *text, GPtrArray *entries,
           GPtrArray *probs)
{
	char **lines = g_strsplit(text, "\n", -1);
	char *group = NULL;
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (int i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]);
		int ln = i + 1;

		if (*l == '\0' || *l == '#')
			continue;
		if (*l == '[') {
			char *end = strchr(l, ']');
			if (end == NULL || end[1] != '\0') {
				problem(probs, file, ln, l, "malformed group header");
				continue;
			}
			g_free(group);
			group = g_strndup(l + 1, (gsize)(end - l - 1));
			continue;
		}
		char *eq = strchr(l, '=');
		if (eq == NULL || eq == l) {
			problem(probs, file, ln, l, "expected KEY = VALUE");
			continue;
		}
		if (group == NULL) {
			problem(probs, file, ln, l, "key outside of any [group]");
			continue;
		}
		entry *e = g_new0(entry, 1);
		e->group = g_strdup(group);
		e->key = g_strstrip(g_strndup(l, (gsize)(eq - l)));
		e->line = ln;
		char *id = g_strdup_printf("%s.%s", e->group, e->key);
		if (g_hash_table_contains(seen, id)) {
			problem(probs, file, ln, id, "duplicate key");
			g_free(id);
			entry_free(e);
			continue;
		}
		g_hash_table_add(seen, id);
		g_ptr_array_add(entries, e);
	}
	g_hash_table_unref(seen);
	g_free(group);
	g_strfreev(lines);
}

static bool
pattern_ok(const char *p)
{
	if (strcmp(p, "*") == 0 || strcmp(p, "*/*") == 0)
		return true;
	const char *slash = strchr(p, '/');
	if (slash == NULL || slash == p || slash[1] == '\0' || strchr(slash + 1, '/'))
		return false;
	for (const char *c = p; *c; c++)
		if (!g_ascii_isalnum(*c) && strchr("/*?.+-_", *c) == NULL)
			return false;
	return true;
}

static void
apply_entry(mk_config *cfg, GKeyFile *kf, const entry *e, const char *file,
            bool *policy_reset, GPtrArray *probs)
{
	char *id = g_strdup_printf("%s.%s", e->group, e->key);
	char *v = g_key_file_get_string(kf, e->group, e->key, NULL);
	char *msg = NULL;
	mk_action a;

	if (v == NULL) {
		msg = g_strdup("cannot read value");
	} else if (strcmp(e->group, "policy") == 0) {
		if (mk_action_parse(v, &a) < 0)
			msg = g_strdup_printf("\"%s\" is not an action "
			                      "(allow|sanitize|strip|quarantine|reject)", v);
		else if (strcmp(e->key, "default") == 0)
			cfg->default_action = a;
		else if (!pattern_ok(e->key))
			msg = g_strdup("not a MIME type pattern (type/subtype, * and ? allowed)");
		else {
			if (!*policy_reset) {   /* a file's rules replace the built-in ones */
				g_ptr_array_set_size(cfg->rules, 0);
				*policy_reset = true;
			}
			mk_rule *r = g_new0(mk_rule, 1);
			r->pattern = g_ascii_strdown(e->key, -1);
			r->action = a;
			r->line = e->line;
			g_ptr_array_add(cfg->rules, r);
		}
	} else if (strcmp(e->group, "findings") == 0) {
		int f = mk_finding_parse(e->key);
		if (f < 0)
			msg = g_strdup("unknown finding");
		else if (g_ascii_strcasecmp(v, "none") == 0)
			cfg->finding_action[f] = MK_ACT_NONE;
		else if (mk_action_parse(v, &a) < 0)
			msg = g_strdup_printf("\"%s\" is not an action (or none)", v);
		else
			cfg->finding_action[f] = a;
	} else {
		const mk_key *k = NULL;
		for (size_t i = 0; i < mk_schema_len && k == NULL; i++)
			if (strcmp(mk_schema[i].group, e->group) == 0 &&
			    strcmp(mk_schema[i].key, e->key) == 0)
				k = &mk_schema[i];
		bool group_exists = false;
		for (size_t i = 0; i < mk_schema_len; i++)
			group_exists |= strcmp(mk_schema[i].group, e->group) == 0;
		if (!group_exists)
			msg = g_strdup("unknown group");
		else if (k == NULL)
			msg = g_strdup("unknown key");
		else {
			char *s = g_strstrip(g_strdup(v));
			msg = mk_config_set_key(cfg, k, s);
			g_free(s);
		}
	}
	if (msg != NULL)
		problem(probs, file, e->line, id, msg);
	g_free(msg);
	g_free(v);
	g_free(id);
}

static int
entry_line(GPtrArray *entries, const char *group, const char *key)
{
	for (guint i = 0; i < entries->len; i++) {
		const entry *e = g_ptr_array_index(entries, i);

		if (strcmp(e->group, group) == 0 && strcmp(e->key, key) == 0)
			return e->line;
	}
	return 0;
}

/* Rules between keys, once every value is in.  The envelope sender is
 * written by the client: a sender domain may only narrow the outbound
 * (AV-only) route, so a route made of a domain list alone is refused. */
static void
cross_checks(const mk_config *cfg, GPtrArray *entries, const char *file,
             GPtrArray *probs)
{
	if (*cfg->milter.outbound_domains != '\0' && *cfg->milter.outbound_clients == '\0' &&
	    *cfg->milter.outbound_auth_users == '\0')
		problem(probs, file, entry_line(entries, "milter", "outbound_domains"),
		        "milter.outbound_domains", "a sender domain can be forged and only "
		        "narrows the outbound route: set milter.outbound_clients or "
		        "milter.outbound_auth_users too");
}

mk_config *
mk_config_load(const char *path, GPtrArray **problems, mk_error *err)
{
	GPtrArray *probs = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *entries = g_ptr_array_new_with_free_func(entry_free);
	GKeyFile *kf = g_key_file_new();
	mk_config *cfg = mk_config_defaults();
	char *text = NULL;
	gsize len = 0;
	GError *ge = NULL;
	bool policy_reset = false;

	cfg->path = g_strdup(path);
	if (!g_file_get_contents(path, &text, &len, &ge)) {
		g_ptr_array_add(probs, g_strdup_printf("%s:0: cannot read: %s", path,
		                                       ge->message));
		goto out;
	}
	mk_sha256_hex(text, len, cfg->sha256);
	if (!g_utf8_validate(text, (gssize)len, NULL) || memchr(text, '\0', len)) {
		g_ptr_array_add(probs, g_strdup_printf("%s:0: not UTF-8 text", path));
		goto out;
	}
	scan_lines(path, text, entries, probs);
	if (probs->len > 0)
		goto out;
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &ge)) {
		g_ptr_array_add(probs, g_strdup_printf("%s:0: %s", path, ge->message));
		goto out;
	}
	for (guint i = 0; i < entries->len; i++)
		apply_entry(cfg, kf, g_ptr_array_index(entries, i), path,
		            &policy_reset, probs);
	if (probs->len == 0)
		cross_checks(cfg, entries, path, probs);
out:
	if (probs->len > 0) {
		mk_error_set(err, MK_ERR_CONFIG, "%s",
		             (const char *)g_ptr_array_index(probs, 0));
		mk_config_unref(&cfg);
	}
	if (problems != NULL)
		*problems = g_ptr_array_ref(probs);
	if (ge != NULL)
		g_error_free(ge);
	g_ptr_array_unref(probs);
	g_ptr_array_unref(entries);
	g_key_file_free(kf);
	g_free(text);
	return cfg;
}
