/*
 * NAME
 *   sdsandbox - run a program under the system call filter of a systemd unit
 *
 * SUMMARY
 *   sdsandbox [--user NAME] [--mdwe] --syscalls FILE -- PROGRAM [ARG...]
 *
 * DESCRIPTION
 *   A stand-in for systemd where there is none (containers, CI): becomes
 *   NAME (its groups, gid, uid) when started as root, sets no_new_privs,
 *   then installs what the unit's settings install before its ExecStart:
 *     --syscalls FILE  SystemCallFilter= resolved to one system call name
 *                      per line (t-units.sh computes it from the unit);
 *                      every other call fails with EPERM, as with
 *                      SystemCallErrorNumber=EPERM.  The calls systemd
 *                      always permits (execve, exit, exit_group, getrlimit,
 *                      rt_sigreturn, sigreturn) are added.
 *     --mdwe           MemoryDenyWriteExecute=yes: mmap with PROT_WRITE and
 *                      PROT_EXEC, mprotect/pkey_mprotect with PROT_EXEC and
 *                      shmat with SHM_EXEC fail with EPERM.
 *   and execs PROGRAM.  Filters stack, so mukaika-worker's own filter is
 *   installed under these exactly as under systemd.
 *
 * DIAGNOSTICS
 *   Exit 64 on a usage error, 71 when a step before exec fails, else the
 *   program's.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <unistd.h>

static const char *const always[] = {
	"execve", "exit", "exit_group", "getrlimit", "rt_sigreturn", "sigreturn",
};

static int
become(const char *name)
{
	struct passwd *pw = getpwnam(name);

	if (pw == NULL) {
		fprintf(stderr, "sdsandbox: no user %s\n", name);
		return -1;
	}
	if (initgroups(name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		perror("sdsandbox: switch user");
		return -1;
	}
	return 0;
}

static int
allow(scmp_filter_ctx f, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;   /* not a call of this architecture */
	return seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
}

/* IN: the list, opened before the switch of user (closed here). */
static int
load_allowlist(FILE *in)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	char line[128];
	int rc = 0;

	if (f == NULL) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < sizeof always / sizeof always[0] && rc == 0; i++)
		rc = allow(f, always[i]);
	while (rc == 0 && fgets(line, sizeof line, in) != NULL) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] != '\0' && line[0] != '#')
			rc = allow(f, line);
	}
	if (rc == 0)
		rc = seccomp_load(f);
out:
	fclose(in);
	seccomp_release(f);
	return rc;
}

static int
load_mdwe(void)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	const unsigned long wx = PROT_WRITE | PROT_EXEC;
	int rc;

	if (f == NULL)
		return -1;
	rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mmap), 1,
	                      SCMP_A2(SCMP_CMP_MASKED_EQ, wx, wx));
	rc |= seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mprotect), 1,
	                       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	rc |= seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(pkey_mprotect), 1,
	                       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	rc |= seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(shmat), 1,
	                       SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC));
	if (rc == 0)
		rc = seccomp_load(f);
	seccomp_release(f);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "syscalls", required_argument, NULL, 's' },
		{ "mdwe", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *list = NULL;
	FILE *in;
	int c, mdwe = 0;

	while ((c = getopt_long(argc, argv, "+u:s:m", opts, NULL)) != -1) {
		if (c == 'u')
			user = optarg;
		else if (c == 's')
			list = optarg;
		else if (c == 'm')
			mdwe = 1;
		else
			return 64;
	}
	if (list == NULL || optind >= argc) {
		fputs("usage: sdsandbox [--user NAME] [--mdwe] --syscalls FILE -- PROGRAM [ARG...]\n",
		      stderr);
		return 64;
	}
	if ((in = fopen(list, "r")) == NULL) {
		perror(list);
		return 71;
	}
	if (user != NULL && getuid() == 0 && become(user) != 0)
		return 71;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    (mdwe && load_mdwe() != 0) || load_allowlist(in) != 0) {
		fputs("sdsandbox: cannot install the filters\n", stderr);
		return 71;
	}
	execvp(argv[optind], argv + optind);
	perror(argv[optind]);
	return 71;
}
