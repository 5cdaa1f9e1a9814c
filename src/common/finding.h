/*
 * NAME
 *   finding - the closed list of things the engine can find in an item
 *
 * DESCRIPTION
 *   Each code has a stable name (used in reports, logs, headers and the
 *   [findings] config group) and a default action: the least action a node
 *   carrying that finding gets, whatever its type rule says.
 */
#ifndef MK_FINDING_H
#define MK_FINDING_H

#include "config.h"

typedef enum {
	MK_F_VIRUS = 0,         /* libclamav signature or heuristic hit */
	MK_F_SCAN_ERROR,        /* scanner failed on this node (=> tempfail) */
	MK_F_PARSE_ERROR,       /* malformed MIME/archive/TNEF beyond repair */
	MK_F_LIMIT,             /* size, count, depth, ratio or time limit hit */
	MK_F_UNKNOWN_TYPE,      /* true type not recognised */
	MK_F_TYPE_MISMATCH,     /* declared type/extension disagrees with content */
	MK_F_DOUBLE_EXTENSION,  /* e.g. invoice.pdf.exe */
	MK_F_BIDI_NAME,         /* RTLO or other bidi control in a name */
	MK_F_CONTROL_NAME,      /* control characters in a name */
	MK_F_LONG_NAME,         /* name longer than limits.max_name_length */
	MK_F_ENCRYPTED,         /* encrypted archive, member or document */
	MK_F_PATH_TRAVERSAL,    /* ".." in an archive member path */
	MK_F_ABSOLUTE_PATH,     /* absolute archive member path */
	MK_F_LINK_MEMBER,       /* symlink/hardlink/device archive member */
	MK_F_ACTIVE_CONTENT,    /* macros, scripts, OLE objects, DDE */
	MK_F_EXECUTABLE,        /* executable or script by true type */
	MK_F_PARTIAL_MESSAGE,   /* message/partial (reassembly evasion) */
	MK_F_EXTERNAL_BODY,     /* message/external-body */
	MK_F_UUENCODE,          /* uuencoded data inside a text body */
	MK_F_SIGNED,            /* S/MIME or PGP signature (broken by rebuild) */
	MK_F_ENCRYPTED_MAIL,    /* S/MIME or PGP encrypted content */
	MK_F_DUPLICATE_HEADER,  /* duplicate Content-Type/-Disposition etc. */
	MK_F_MALFORMED_MIME,    /* repaired MIME defect (missing boundary, ...) */
	MK_F_NO_FILTER,         /* sanitize asked, no filter for this type */
	MK_F_FILTER_FAILED,     /* filter crashed, timed out or refused */
	MK_F_CHARSET,           /* text charset undeclared/wrong/undecodable */
	MK_F_NESTED_MESSAGE,    /* message/rfc822 attachment */
	MK_F_UNPARSED_MIME,     /* multipart content that cannot be split into parts */
	MK_F_EXCEPTION_APPLIED, /* an approved policy exception changed the decision */
	MK_F_AMBIGUOUS_MIME,    /* MIME headers two readers read differently */
	MK_F_WORKER_CRASH,      /* the sandboxed parser of this node died (memory
	                         * limit, crash) or answered nonsense */
	MK_F_WORKER_TIMEOUT,    /* the sandboxed parser ran out of time */
	MK_F_SENDER_NAME,       /* a display name (From, To ...) holds an address */
	MK_F_SENDER_AMBIGUOUS,  /* From missing, several mailboxes, or no strict parse */
	MK_F_LINK_MISMATCH,     /* a link's shown text names another target */
	MK_F_COUNT
} mk_finding_code;

const char *mk_finding_name(mk_finding_code c);
/* Returns the code or -1 if NAME is not a finding. */
int mk_finding_parse(const char *name);
/* Default least action for a finding (config default of [findings]). */
mk_action mk_finding_default_action(mk_finding_code c);
/* One-line description in the given language ("ja" or "en"). */
const char *mk_finding_text(mk_finding_code c, const char *lang);

#endif
