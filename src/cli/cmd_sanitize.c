/*
 * NAME
 *   cmd_sanitize - `mukaika sanitize` and `mukaika scan`
 *
 * DESCRIPTION
 *   Reads IN (bounded by the larger of limits.max_message_size and
 *   limits.max_file_size), runs the engine once, writes the report and,
 *   only for a forwardable verdict (or the notice of a held message), the
 *   output.  Files are written tmp -> fsync -> rename: an OUT that exists
 *   is whole.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "store_port.h"
#include "util.h"

typedef struct opts {
	const char *config, *output, *report, *name, *id, *sender, *recipients;
	const char *input;
	mk_mode mode;
	bool no_store, quiet;
} opts;

static int
parse_opts(int argc, char **argv, opts *o, const char *cmd)
{
	enum { O_MAIL = 256, O_FILE, O_NAME, O_ID, O_SENDER, O_RCPT, O_NOSTORE };
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "report", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "mail", no_argument, NULL, O_MAIL },
		{ "file", no_argument, NULL, O_FILE },
		{ "name", required_argument, NULL, O_NAME },
		{ "id", required_argument, NULL, O_ID },
		{ "sender", required_argument, NULL, O_SENDER },
		{ "recipients", required_argument, NULL, O_RCPT },
		{ "no-store", no_argument, NULL, O_NOSTORE },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:o:r:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'o': o->output = optarg; break;
		case 'r': o->report = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': cli_help(cmd); return 1;
		case O_MAIL: o->mode = MK_MODE_MAIL; break;
		case O_FILE: o->mode = MK_MODE_FILE; break;
		case O_NAME: o->name = optarg; break;
		case O_ID: o->id = optarg; break;
		case O_SENDER: o->sender = optarg; break;
		case O_RCPT: o->recipients = optarg; break;
		case O_NOSTORE: o->no_store = true; break;
		default: return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "mukaika %s: exactly one input expected\n", cmd);
		return -1;
	}
	o->input = argv[optind];
	if (o->id != NULL && (strlen(o->id) > 64 || strspn(o->id,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
	    strlen(o->id))) {
		fprintf(stderr, "mukaika %s: --id: letters, digits, - _ . only, "
		        "at most 64\n", cmd);
		return -1;
	}
	return 0;
}

static int
exit_for(mk_verdict v)
{
	switch (v) {
	case MK_V_PASS:
	case MK_V_CLEANED:
	case MK_V_STRIPPED:
		return MK_EXIT_OK;
	case MK_V_QUARANTINED:
		return MK_EXIT_QUARANTINED;
	case MK_V_REJECTED:
		return MK_EXIT_REJECTED;
	case MK_V_TEMPFAIL:
		return MK_EXIT_TEMPFAIL;
	}
	return MK_EXIT_SOFTWARE;
}

static int
write_out(const char *path, GBytes *b)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(b, &len);
	mk_error err = { 0 };

	if (path == NULL || strcmp(path, "-") == 0) {
		if (len > 0 && fwrite(p, 1, len, stdout) != len) {
			perror("mukaika: stdout");
			return MK_EXIT_IO;
		}
		return fflush(stdout) == 0 ? 0 : MK_EXIT_IO;
	}
	if (mk_write_atomic(path, p ? p : "", len, 0640, &err) < 0) {
		fprintf(stderr, "mukaika: %s\n", err.msg);
		return MK_EXIT_IO;
	}
	return 0;
}

static GBytes *
read_input(const opts *o, const mk_config *cfg, int *code)
{
	gint64 max = MAX(cfg->limits.max_message_size, cfg->limits.max_file_size);
	mk_error err = { 0 };
	GBytes *b = strcmp(o->input, "-") == 0 ? mk_read_fd(STDIN_FILENO, max, &err)
	                                       : mk_read_file(o->input, max, &err);

	if (b == NULL) {
		fprintf(stderr, "mukaika: %s\n", err.msg);
		*code = err.code == MK_ERR_LIMIT ? MK_EXIT_REJECTED :
		        err.code == MK_ERR_NOINPUT ? MK_EXIT_NOINPUT : MK_EXIT_IO;
	}
	return b;
}

static int
deliver(const opts *o, const mk_result *r, bool scan_only)
{
	int code = exit_for(r->verdict);
	int rc = 0;
	mk_error err = { 0 };

	if (scan_only) {
		GBytes *b = g_bytes_new_static(r->report_json, strlen(r->report_json));
		rc = write_out(NULL, b);
		g_bytes_unref(b);
		return rc != 0 ? rc : code;
	}
	if (o->report != NULL &&
	    mk_write_atomic(o->report, r->report_json, strlen(r->report_json), 0640,
	                    &err) < 0) {
		fprintf(stderr, "mukaika: report: %s\n", err.msg);
		return MK_EXIT_IO;
	}
	if (r->output != NULL && (code == MK_EXIT_OK ||
	    (code == MK_EXIT_QUARANTINED && r->is_mail)))
		rc = write_out(o->output, r->output);
	return rc != 0 ? rc : code;
}

int
cmd_sanitize(int argc, char **argv, bool scan_only)
{
	const char *cmd = scan_only ? "scan" : "sanitize";
	opts o = { 0 };
	mk_config *cfg = NULL;
	mk_engine *e = NULL;
	mk_result *r = NULL;
	GBytes *in = NULL;
	mk_error err = { 0 };
	int code, prc;

	if ((prc = parse_opts(argc, argv, &o, cmd)) != 0) {
		if (prc < 0)
			fprintf(stderr, "Try 'mukaika help %s'.\n", cmd);
		return prc < 0 ? MK_EXIT_USAGE : MK_EXIT_OK;
	}
	if ((cfg = cli_load_config(o.config)) == NULL)
		return MK_EXIT_CONFIG;
	if ((in = read_input(&o, cfg, &code)) == NULL)
		goto out;
	e = mk_engine_new(cfg, mk_store_port_new(cfg), &err);
	mk_input item = {
		.data = in, .mode = o.mode, .name = o.name ? o.name :
		        (strcmp(o.input, "-") ? o.input : NULL),
		.sender = o.sender, .recipients = o.recipients, .id = o.id,
		.no_store = o.no_store || scan_only,
	};
	if (item.name != NULL && strrchr(item.name, '/') != NULL)
		item.name = strrchr(item.name, '/') + 1;   /* data only: the base name */
	if (mk_engine_process(e, &item, &r, &err) < 0) {
		fprintf(stderr, "mukaika: %s\n", err.msg);
		code = MK_EXIT_SOFTWARE;
		goto out;
	}
	code = deliver(&o, r, scan_only);
	if (!o.quiet)
		fprintf(stderr, "mukaika: %s %s %s (%s) %" G_GINT64_FORMAT " ms\n", r->id,
		        mk_verdict_name(r->verdict), r->actions[0] ? r->actions : "-",
		        r->reason ? r->reason : "", r->elapsed_ms);
out:
	mk_result_free(&r);
	mk_engine_free(&e);
	if (in != NULL)
		g_bytes_unref(in);
	mk_config_unref(&cfg);
	return code;
}
