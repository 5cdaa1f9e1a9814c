/*
 * NAME
 *   gen_confman - write mukaika.conf(5) from the configuration schema
 *
 * SUMMARY
 *   gen_confman > mukaika.conf.5
 *
 * DESCRIPTION
 *   A build-time program (packaging/man/meson.build, custom_target): the
 *   page lists every row of mk_schema (group, key, type, default, range or
 *   allowed words, description), the built-in [policy] rules and every
 *   finding with its default least action, so the manual cannot drift from
 *   the table the loader, `mukaika config check` and `config dump` read.
 *   Text is escaped for troff; non-ASCII characters become \[uXXXX];
 *   lines may break after ; | / and between CJK characters.
 *
 * NEVER
 *   Reads a file or the environment: the output depends on the schema only.
 *
 * DIAGNOSTICS
 *   Exit 0, or 1 when standard output cannot be written.
 */
#include <stdio.h>
#include <string.h>

#include "config_schema.h"
#include "finding.h"
#include "mk_limits.h"

static const char *const type_names[] = {
	[MK_T_STR] = "string", [MK_T_INT] = "integer", [MK_T_SIZE] = "size",
	[MK_T_BOOL] = "boolean", [MK_T_WORD] = "word",
};

/* Append S escaped for troff text; LINE_START: S begins an output line. */
static void
tr_text(GString *o, const char *s, gboolean line_start)
{
	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char_validated(p, -1);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append(o, "?");
			break;
		}
		if (line_start && p == s && (c == '.' || c == '\''))
			g_string_append(o, "\\&");
		if (c == '\\')
			g_string_append(o, "\\e");
		else if (c == '-')
			g_string_append(o, "\\-");
		else if (c >= 0x3000)   /* CJK: a line may break between any two */
			g_string_append_printf(o, "\\[u%04X]\\:", c);
		else if (c >= 0x80)
			g_string_append_printf(o, "\\[u%04X]", c);
		else if (c == '\n')
			g_string_append(o, " ");
		else if (c == ';' || c == '|' || c == '/')
			g_string_append_printf(o, "%c\\:", (char)c);   /* may break here */
		else
			g_string_append_c(o, (char)c);
	}
}

/* A number of bytes with the largest exact K/M/G suffix. */
static void
size_text(GString *o, gint64 v)
{
	static const char suf[] = "GMK";
	static const gint64 mul[] = { MK_GiB, MK_MiB, MK_KiB };

	for (size_t i = 0; i < G_N_ELEMENTS(mul); i++)
		if (v >= mul[i] && v % mul[i] == 0) {
			g_string_append_printf(o, "%" G_GINT64_FORMAT "%c", v / mul[i], suf[i]);
			return;
		}
	g_string_append_printf(o, "%" G_GINT64_FORMAT, v);
}

static void
key_entry(GString *o, const mk_key *k)
{
	g_string_append(o, ".TP\n\\fB");
	tr_text(o, k->key, FALSE);
	g_string_append_printf(o, "\\fR (\\fI%s\\fR)\n",
	                       (size_t)k->type < G_N_ELEMENTS(type_names) &&
	                       type_names[k->type] ? type_names[k->type] : "value");
	tr_text(o, k->desc, TRUE);
	g_string_append(o, ".\n.br\nDefault: ");
	if (k->def == NULL || *k->def == '\0')
		g_string_append(o, "(empty)");
	else {
		g_string_append(o, "\\fB");
		tr_text(o, k->def, FALSE);
		g_string_append(o, "\\fR");
	}
	if (k->type == MK_T_INT || k->type == MK_T_SIZE) {
		g_string_append(o, "; range ");
		if (k->type == MK_T_SIZE) {
			size_text(o, k->min);
			g_string_append(o, " to ");
			size_text(o, k->max);
		} else
			g_string_append_printf(o, "%" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
			                       k->min, k->max);
	} else if (k->type == MK_T_WORD) {
		g_string_append(o, "; one of ");
		tr_text(o, k->words, FALSE);
	} else if (k->type == MK_T_BOOL)
		g_string_append(o, "; true or false");
	g_string_append(o, ".\n");
}

static void
keys_section(GString *o)
{
	const char *group = NULL;

	g_string_append(o, ".SH KEYS\n");
	for (size_t i = 0; i < mk_schema_len; i++) {
		const mk_key *k = &mk_schema[i];

		if (group == NULL || strcmp(group, k->group) != 0) {
			group = k->group;
			g_string_append(o, ".SS [");
			tr_text(o, group, FALSE);
			g_string_append(o, "]\n");
		}
		key_entry(o, k);
	}
}

static void
rules_section(GString *o)
{
	g_string_append(o,
		".SH POLICY\n"
		"The group\n.B [policy]\n"
		"holds ordered rules\n.IB \"type-glob\" \" = \" action\n"
		"over the true type of each part (libmagic, never the name); the first "
		"match wins and\n.B default\napplies when none matches.  Actions: "
		"allow, sanitize, strip, quarantine, reject.  Writing any rule replaces "
		"the whole built\\-in list, which is, in order:\n.PP\n.nf\n.RS\n");
	for (size_t i = 0; mk_default_policy[i][0] != NULL; i++) {
		tr_text(o, mk_default_policy[i][0], TRUE);
		g_string_append(o, " = ");
		tr_text(o, mk_default_policy[i][1], FALSE);
		g_string_append(o, "\n");
	}
	g_string_append(o, "default = ");
	tr_text(o, mk_default_policy_fallback, FALSE);
	g_string_append(o, "\n.RE\n.fi\n");
	g_string_append(o,
		".SH FINDINGS\n"
		"The group\n.B [findings]\nmaps a finding code to the least action a part "
		"carrying it gets, whatever its type rule says\n(\\fBnone\\fR: reported "
		"only).  Codes and their defaults:\n");
	for (int c = 0; c < MK_F_COUNT; c++) {
		g_string_append(o, ".TP\n.B ");
		tr_text(o, mk_finding_name((mk_finding_code)c), FALSE);
		g_string_append(o, "\n");
		tr_text(o, mk_finding_text((mk_finding_code)c, "en"), TRUE);
		g_string_append(o, ".  Default: ");
		tr_text(o, mk_action_name(mk_finding_default_action((mk_finding_code)c)), FALSE);
		g_string_append(o, ".\n");
	}
}

static const char head[] =
	".\\\" mukaika.conf(5) - generated from src/common/config_schema.c by\n"
	".\\\" packaging/man/gen_confman.c at build time; do not edit.\n"
	".TH MUKAIKA.CONF 5 \"2026\" \"mukaika " MK_VERSION "\" \"mukaika manual\"\n"
	".SH NAME\n"
	"mukaika.conf \\- configuration of the mukaika sanitizing gateway\n"
	".SH SYNOPSIS\n"
	".B /etc/mukaika/mukaika.conf\n"
	".SH DESCRIPTION\n"
	"A GLib key file read by\n.BR mukaika (1),\n.BR mukaika\\-milter (8),\n"
	".BR mukaika\\-dropd (8),\n.BR mukaika\\-web (8)\nand\n.BR mukaika\\-worker (8).\n"
	"Groups are written\n.BR [group] ,\nkeys\n.IR key \" = \" value ;\n"
	"lines starting with # are comments.  Every key below is declared once, "
	"with its type, default and range; an unknown group or key, a value of the "
	"wrong type or out of range is an error reported as\n"
	".IR FILE : LINE : \" group.key: message\"\n"
	"and the program exits with status 78.  Sizes accept the suffixes K, M "
	"and G (powers of 1024); booleans are true or false; a word is one of the "
	"listed values.  A key that is not written keeps its default.\n"
	".PP\n"
	"Check a file with\n.BR \"mukaika config check\" ;\n"
	".B mukaika config dump\nprints the effective values.  The daemons read "
	"the file again on SIGHUP (systemctl reload): a bad file is refused and "
	"the running configuration kept.\n";

static const char tail[] =
	".SH FILES\n"
	".TP\n.B /etc/mukaika/mukaika.conf\nthe configuration (a conffile of the "
	"Debian package, never overwritten)\n"
	".TP\n.B /var/lib/mukaika\n"
	"general.state_dir: quarantine objects, mukaika.db, the milter's spool\n"
	".SH SEE ALSO\n"
	".BR mukaika (1),\n.BR mukaika\\-milter (8),\n.BR mukaika\\-dropd (8),\n"
	".BR mukaika\\-web (8),\n.BR mukaika\\-worker (8)\n";

int
main(void)
{
	GString *o = g_string_new(head);
	int rc;

	keys_section(o);
	rules_section(o);
	g_string_append(o, tail);
	rc = fwrite(o->str, 1, o->len, stdout) == o->len && fflush(stdout) == 0 ? 0 : 1;
	g_string_free(o, TRUE);
	return rc;
}
