/*
 * NAME
 *   addr - strict RFC 5322 address lists: who a mail really comes from
 *
 * SUMMARY
 *   typedef enum {
	MK_ADDR_NAME_HAS_ADDRESS = 0,
	MK_ADDR_NO_SENDER,
	MK_ADDR_SEVERAL,
	MK_ADDR_AMBIGUOUS,
} mk_addr_issue;

typedef void (*mk_addr_issue_fn)(const char *header, mk_addr_issue issue,
                                 const char *addr, const char *why, void *user);

mk_addr_list *mk_addr_parse(const char *raw);
 *   void mk_addr_list_free(mk_addr_list **l);
 *   bool mk_addr_name_has_address(const char *name);
 *   char *mk_addr_format(const mk_mailbox *m);
 *   void mk_addr_issues(GMimeObject *msg, mk_addr_issue_fn fn, void *user);
 *   void mk_addr_issues(GMimeObject *msg, mk_addr_issue_fn fn, void *user);
void mk_addr_check(mk_node *root);
 *
 * DESCRIPTION
 *   mk_addr_parse() reads the raw value of an address header (From,
 *   Sender, Reply-To, To, Cc; folded, undecoded) as an RFC 5322
 *   address-list: mailboxes "name <addr>" or bare addr-specs, groups
 *   flattened, comments skipped.  The address is taken from the raw tokens
 *   only: an encoded word is never decoded into an address, and an address
 *   holding "=?" is ambiguous.  A display name is decoded (mk_hdr_decode:
 *   RFC 2047, raw 8-bit) and cleaned (controls, bidi marks).  Anything that
 *   does not parse strictly (unbalanced quotes, comments or brackets, a
 *   source route, text left over, an element without an address) sets
 *   `ambiguous` and `why` and is skipped; the rest is kept.
 *
 *   mk_addr_name_has_address() is true when NAME (after NFKC, so full-width
 *   letters count) holds something shaped like local@domain.tld.
 *
 *   mk_addr_format() writes one mailbox for a rebuilt header: the display
 *   name as mk_hdr_encode_phrase() (a quoted string, or UTF-8 encoded
 *   words) and "<addr>"; the bare address when there is no name.
 *
 *   mk_addr_issues() calls FN once per problem of the address headers of
 *   MSG (From, Sender, Reply-To, To, Cc; the first of each): a display
 *   name holding an address (any of them; ADDR is the real address), no
 *   or an empty From (ADDR NULL), several mailboxes or a group in From or
 *   Sender (ADDR: the first, which is kept), an ambiguous parse (WHY).
 *   The notice and mk_addr_check() share it.
 *
 *   mk_addr_check() adds the root findings of a parsed message: sender_name
 *   (a display name in From, Sender or Reply-To that holds an address),
 *   sender_ambiguous (From or Sender missing, empty, holding several
 *   mailboxes, or ambiguous; Reply-To, To and Cc when ambiguous).
 *
 * OWNERSHIP
 *   mk_addr_parse() returns a new list (mk_addr_list_free()); strings of a
 *   list are owned by it.  mk_addr_format() returns a new string.
 *
 * NEVER
 *   Fails on input: every raw value gives a list, possibly empty.
 */
#ifndef MK_ADDR_H
#define MK_ADDR_H

#include <glib.h>
#include <stdbool.h>

#include "item.h"

typedef struct mk_mailbox {
	char *name;             /* decoded, cleaned UTF-8, "" when none */
	char *addr;             /* local@domain as written (ASCII or UTF-8) */
} mk_mailbox;

typedef struct mk_addr_list {
	GPtrArray *boxes;       /* mk_mailbox*, owned */
	bool ambiguous;
	char *why;              /* first reason it is ambiguous, or NULL */
	bool group;             /* a group was seen (not allowed in From) */
} mk_addr_list;

typedef enum {
	MK_ADDR_NAME_HAS_ADDRESS = 0,
	MK_ADDR_NO_SENDER,
	MK_ADDR_SEVERAL,
	MK_ADDR_AMBIGUOUS,
} mk_addr_issue;

typedef void (*mk_addr_issue_fn)(const char *header, mk_addr_issue issue,
                                 const char *addr, const char *why, void *user);

mk_addr_list *mk_addr_parse(const char *raw);
void mk_addr_list_free(mk_addr_list **l);
bool mk_addr_name_has_address(const char *name);
char *mk_addr_format(const mk_mailbox *m);
void mk_addr_issues(GMimeObject *msg, mk_addr_issue_fn fn, void *user);
void mk_addr_check(mk_node *root);

#endif
