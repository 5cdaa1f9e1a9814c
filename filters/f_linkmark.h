/*
 * NAME
 *   f_linkmark - misleading links in plain text marked (issue 14, item 3)
 *
 * SUMMARY
 *   char *mk_text_mark_misleading(const char *utf8, const char *mark,
 *                                 unsigned *count);
 *
 * DESCRIPTION
 *   Plain text has links of its own where a mail program turned HTML into
 *   text: "TEXT <URL>" (Outlook, Thunderbird: the anchor, then the target
 *   in angle brackets, with or without a space) and "[TEXT](URL)"
 *   (Markdown).  When TEXT names another host than URL
 *   (mk_link_misleads, f_defang.h: "www.bank.example <https://evil.example/>"),
 *   MARK is put after TEXT ("TEXT MARK <URL>", as the HTML filter does)
 *   or after the Markdown link, and counted in *COUNT.  TEXT of the
 *   angle form is the run of non-blank characters before the '<'; URL is
 *   a "scheme://" or "mailto:" target of at most MK_LINKMARK_MAX_URL bytes
 *   on one line.  Run before defanging (the URL must still parse).
 *   Text already marked is not marked again (the mark names no host).
 *
 * OWNERSHIP
 *   Returns a new string (caller frees); never NULL.
 */
#ifndef MK_F_LINKMARK_H
#define MK_F_LINKMARK_H

#define MK_LINKMARK_MAX_URL 4096

char *mk_text_mark_misleading(const char *utf8, const char *mark, unsigned *count);

#endif
