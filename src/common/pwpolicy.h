/*
 * NAME
 *   pwpolicy - the rules a new account password must meet
 *
 * SUMMARY
 *   mk_pwpolicy p;
 *   mk_pwpolicy_from(cfg, &p);
 *   rc = mk_pw_check(&p, "alice", new_pw, err);      // 0 or MK_ERR_USAGE
 *   v = mk_pw_judge(&p, "alice", new_pw);            // which rule failed
 *   text = mk_pw_rules(&p, true);                    // the rules, Japanese
 *
 * DESCRIPTION
 *   A password is refused when it is shorter than web.min_password_length
 *   characters, uses fewer than web.password_min_classes of the classes
 *   lower case, upper case, digits, other characters; contains the
 *   account name (names of 3 characters or more, any case); or is, in any
 *   case, a common password: an entry of the shipped list
 *   (data/common-passwords.txt, 30 000 entries from zxcvbn) or such an
 *   entry with digits or symbols before or after it ("password1234",
 *   "Dragon2024!", "1qaz2wsx!!").  The web UI and the `mukaika user` CLI
 *   both check through mk_pw_check before the store hashes anything.
 *
 * OWNERSHIP
 *   mk_pw_rules returns a new string; the rest borrows.
 *
 * NEVER
 *   Never logs or copies a password.
 */
#ifndef MK_PWPOLICY_H
#define MK_PWPOLICY_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "mk_error.h"

typedef struct mk_pwpolicy {
	gint64 min_length;          /* web.min_password_length (characters) */
	gint64 min_classes;         /* web.password_min_classes (1..4) */
} mk_pwpolicy;

typedef enum {
	MK_PW_OK = 0,
	MK_PW_SHORT,
	MK_PW_CLASSES,
	MK_PW_NAME,
	MK_PW_COMMON,
	MK_PW_INVALID,              /* not UTF-8, or a control character */
} mk_pw_verdict;

void mk_pwpolicy_from(const mk_config *cfg, mk_pwpolicy *p);
mk_pw_verdict mk_pw_judge(const mk_pwpolicy *p, const char *user, const char *pw);
/* Why V refused a password, in Japanese (JA) or English; "" for MK_PW_OK. */
const char *mk_pw_reason(mk_pw_verdict v, bool ja);
/* 0, or MK_ERR_USAGE with the English reason in err. */
int mk_pw_check(const mk_pwpolicy *p, const char *user, const char *pw, mk_error *err);
/* The rules, one per line, for the password page (caller frees). */
char *mk_pw_rules(const mk_pwpolicy *p, bool ja);
/* Is WORD (any case) on the list itself?  For tests. */
bool mk_pw_listed(const char *word);

#endif
