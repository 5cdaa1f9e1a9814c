/*
 * NAME
 *   config - immutable configuration snapshot loaded from a GKeyFile
 *
 * SUMMARY
 *   mk_config *mk_config_load(const char *path, mk_error *err);
 *   mk_config *mk_config_defaults(void);
 *
 * DESCRIPTION
 *   Every key is declared once in the schema table (config_schema.c) with type,
 *   default, min, max and a one-line description.  The loader, `mukaika config
 *   check` and `mukaika config dump` all read that table.  Unknown groups/keys,
 *   bad values and out-of-range numbers are errors reported as
 *   "FILE:LINE: group.key: message" (every problem, one per line, in err->msg
 *   joined by newlines is too long: the first is in err, all are in *problems).
 *
 *   The [policy] group is an ordered list of `TYPE-GLOB = ACTION` rules (first
 *   match wins; `default = ACTION` is the fallback for unmatched types).  The
 *   [findings] group maps finding codes to the least action they force.
 *
 *   A snapshot is reference counted and never changed after load: a daemon
 *   reloading on SIGHUP builds a new one; work in flight keeps its own.
 *
 * OWNERSHIP
 *   mk_config_load/defaults return a new reference (caller unrefs).
 */
#ifndef MK_CONFIG_H
#define MK_CONFIG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "mk_error.h"

/* Separators of list values (outbound_clients, outbound_domains...). */
#define MK_CONFIG_LIST_SEP ";, \t"

typedef enum {
	MK_ACT_NONE = 0,   /* not decided yet */
	MK_ACT_ALLOW,      /* forward as is */
	MK_ACT_SANITIZE,   /* run a filter, forward its output */
	MK_ACT_STRIP,      /* drop the part, leave a notice */
	MK_ACT_QUARANTINE, /* hold the whole item */
	MK_ACT_REJECT,     /* refuse the whole item */
} mk_action;

typedef struct mk_rule {
	char *pattern;     /* glob over the true MIME type, e.g. "image/ *" */
	mk_action action;
	int line;          /* source line, 0 for built-in */
} mk_rule;

typedef struct mk_config {
	gint ref;
	char *path;                 /* file it came from, NULL for defaults */
	char sha256[65];            /* of the file's bytes; "" for defaults */

	struct {
		char *state_dir;
		char *language;         /* "ja" | "en" */
		char *user;             /* account to drop privileges to */
		char *hostname;         /* for notices and headers */
	} general;

	struct {
		char *level;            /* error|warning|info|debug */
		char *file;             /* "" = stderr, "syslog" = syslog */
	} log;

	struct {
		gint64 max_message_size;
		gint64 max_file_size;
		gint64 max_parts;
		gint64 max_mime_depth;
		gint64 max_archive_depth;
		gint64 max_archive_members;
		gint64 max_unpacked_size;
		gint64 max_member_size;
		gint64 max_compression_ratio;
		gint64 item_time_budget_ms;
		gint64 max_name_length;
		gint64 max_header_size;
		gint64 max_text_size;
		gint64 html_max_nodes;
	} limits;

	struct {
		char *database_dir;
		gint64 max_db_age_hours;   /* 0 = do not check */
		bool scan_original;
		gint64 max_scansize;
		gint64 max_filesize;
		gint64 max_scantime_ms;
		gint64 max_recursion;
		bool heuristic_alerts;
		bool alert_macros;
		bool alert_encrypted;
		char *virus_in_attachment; /* strip|quarantine|reject */
		char *backend;             /* libclamav|clamd */
		char *clamd_sockets;       /* ';'-separated unix:PATH | tcp:HOST:PORT */
		gint64 clamd_connect_timeout_ms;
		gint64 clamd_io_timeout_ms;
		char *tmp_dir;             /* libclamav's temp files: a private dir below */
	} clamav;

	struct {
		bool defang_links;
		bool show_link_targets;
		gint64 line_width;         /* 0 = no wrapping */
	} text;

	struct {
		char *keep_headers;        /* ';'-separated header names */
		char *notice_position;     /* "top" | "bottom" */
		bool add_status_headers;
	} rebuild;

	struct {
		char *dir;                 /* object files; "" = STATE/quarantine */
		char *db;                  /* sqlite file; "" = STATE/mukaika.db */
		gint64 retention_days;
		bool store_cleaned;        /* keep originals of CLEANED items too */
		gint64 exceptions_refresh_s;  /* engine re-reads policy exceptions */
	} quarantine;

	struct {
		gint64 retention_days;
		char *key_file;            /* HMAC key of the chain; "" = STATE/audit.key */
		char *checkpoint_file;     /* chain head; "" = STATE/audit.head */
	} audit;

	struct {
		char *backend;             /* sqlite | postgresql */
		char *postgresql;          /* libpq connection string */
	} store;

	struct {
		char *socket;              /* unix:PATH | inet:PORT@HOST */
		char *socket_group;        /* group of a unix socket ("" = the user's) */
		gint64 socket_mode;        /* permission bits of a unix socket */
		gint64 timeout_s;
		char *quarantine_mode;     /* notice|discard|reject */
		char *outbound_clients;    /* ';'-separated CIDRs */
		char *outbound_auth_users; /* ';'-separated SMTP AUTH ids, "*" = any */
		char *outbound_domains;    /* ';'-separated sender domains (narrow) */
		char *spool_dir;           /* "" = STATE/spool */
	} milter;

	struct {
		char *in_dir;
		char *out_dir;
		char *work_dir;
		char *report_dir;          /* "" = beside the output */
		gint64 settle_ms;
		gint64 rescan_s;
		gint64 jobs;
		char *out_owner;           /* "" = keep */
		gint64 out_mode;           /* octal as decimal value, e.g. 0640 */
	} dropd;

	struct {
		char *path;                /* "" = beside the running binary */
		gint64 timeout_ms;         /* wall clock, enforced by the parent */
		gint64 max_memory;         /* RLIMIT_AS */
		gint64 max_output;         /* RLIMIT_FSIZE / output bytes */
		gint64 cpu_s;              /* RLIMIT_CPU */
		bool zygote;               /* fork each run from a preloaded server */
		gint64 parallel;           /* runs of one item at once; 0 = CPUs */
		gint64 cache_size;         /* bytes of kept filter outputs; 0 = off */
	} worker;

	struct {
		gint64 dpi;
		gint64 max_pages;
		gint64 max_pixels;         /* per page */
		gint64 max_links;          /* web links kept as text, per page */
		bool text_layer;
	} pdf;

	struct {
		gint64 max_pixels;
		gint64 max_dimension;
	} image;

	struct {
		gint64 max_depth;          /* group nesting */
	} rtf;

	struct {
		gint64 max_parts;          /* zip members of one document */
		gint64 max_part_size;      /* unpacked bytes of one member */
	} ooxml;

	struct {
		bool prefix_formulas;      /* CSV cells starting = + - @ get a ' */
	} csv;

	struct {
		char *legacy_macros;       /* sanitize|strip|quarantine|reject */
	} office;

	struct {
		char *listen;              /* HOST:PORT */
		char *tls_cert;            /* PEM file; "" = plain HTTP */
		char *tls_key;
		char *banner;              /* shown on the login page */
		gint64 max_failed_logins;
		gint64 lockout_minutes;
		gint64 idle_timeout_minutes;
		gint64 session_max_minutes;  /* absolute limit, privileged roles */
		gint64 min_password_length;
		gint64 password_min_classes;   /* of lower, upper, digit, other */
		gint64 max_form_size;
		gint64 page_size;
		gint64 max_unlock_attempts;  /* wrong archive passwords per item */
		gint64 unlock_window_minutes;
		char *password_hash_cost;  /* interactive|moderate|sensitive|minimum */
		char *hostnames;           /* Host names accepted besides web.listen */
		gint64 threads, auth_threads, work_threads;   /* pool sizes */
		gint64 queue_max;          /* waiting requests per pool */
		gint64 login_burst;        /* POST /login per address: bucket size */
		gint64 login_rate_per_minute;   /* ... and refill rate */
		char *time_zone;           /* IANA name for every time shown */
		char *mfa_min_role;        /* viewer|operator|approver|admin */
		char *mfa_key_file;        /* "" = general.state_dir/mfa.key */
		gint64 mfa_max_tries, mfa_pending_minutes, mfa_recovery_codes;
		gint64 max_admins;         /* admin accounts at most */
	} web;

	struct {
		char *smtp_relay;          /* HOST:PORT for released mail */
		char *helo;                /* "" = general.hostname */
		gint64 timeout_s;
	} release;

	struct {
		gint64 db_warn_percent;    /* of clamav.max_db_age_hours */
		gint64 disk_warn_percent;  /* free space of a state filesystem */
		gint64 disk_crit_percent;
	} health;

	struct {
		bool enabled;              /* daemons write their textfile */
		char *dir;                 /* "" = general.state_dir/metrics */
		gint64 interval_s;         /* between textfile updates */
	} metrics;

	struct {
		char *admins;              /* comma-separated; "" = nothing mailed */
		char *from;                /* "" = mukaika@general.hostname */
		char *smtp_relay;          /* "" = release.smtp_relay */
		char *approvers;           /* comma-separated; told of new requests */
		char *account_domain;      /* requester ACCOUNT@this told of decisions */
	} notify;

	/* [policy] and [findings] */
	GPtrArray *rules;              /* mk_rule*, in file order */
	mk_action default_action;
	mk_action finding_action[64];  /* indexed by mk_finding_code */
} mk_config;

/* New snapshot with the built-in defaults (embedded default config). */
mk_config *mk_config_defaults(void);

/* Load FILE over the defaults.  On error returns NULL, err->code =
 * MK_ERR_CONFIG and err->msg = the first problem; if problems is not NULL it
 * receives every problem line (caller frees with g_ptr_array_unref). */
mk_config *mk_config_load(const char *path, GPtrArray **problems, mk_error *err);

mk_config *mk_config_ref(mk_config *cfg);
void mk_config_unref(mk_config **cfg);

/* Effective configuration as an annotated key file (caller frees). */
char *mk_config_dump(const mk_config *cfg);

/* Action names: "allow", "sanitize", "strip", "quarantine", "reject". */
const char *mk_action_name(mk_action a);
int mk_action_parse(const char *s, mk_action *out);

/* First matching [policy] rule for a MIME type; returns the action and the
 * matched pattern in *pattern (borrowed, "default" when none matched). */
mk_action mk_config_policy_for(const mk_config *cfg, const char *mime_type,
                               const char **pattern);

/* Resolve a path that defaults to STATE_DIR/NAME when the key is empty.
 * Caller frees. */
char *mk_config_state_path(const mk_config *cfg, const char *value,
                           const char *name);

#endif
