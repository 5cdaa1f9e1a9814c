/*
 * NAME
 *   wseccomp - resource limits and the seccomp allowlist of mukaika-worker
 *   (see wseccomp.h)
 *
 * DESCRIPTION
 *   The allowlist is a table of system call names (resolved by libseccomp
 *   for the running architecture; a name it does not know is skipped) plus
 *   a few rules with argument checks: mmap/mprotect without PROT_EXEC,
 *   open/openat without write/create flags, tgkill/tkill/kill only to our
 *   own pid, prlimit64 only to read.
 *
 * NEVER
 *   Loosens a rule after loading; the filter is inherited by nothing
 *   (fork/clone are not allowed).
 */
#include "wseccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mk_asan.h"
#include "wclient.h"

static const char *const allowed[] = {
	/* memory */
	"brk", "munmap", "mremap", "madvise",
	/* descriptors we hold */
	"read", "readv", "pread64", "write", "writev", "lseek", "close",
	"fstat", "newfstatat", "statx", "stat", "lstat", "fcntl",
	"getdents64", "readlink", "readlinkat", "access", "faccessat",
	"faccessat2",
	/* threads of one process, time, identity */
	"futex", "set_robust_list", "rseq", "sched_yield", "sched_getaffinity",
	"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep",
	"clock_nanosleep", "getrandom", "gettid", "getpid", "getppid", "getuid",
	"geteuid", "getgid", "getegid", "uname", "sysinfo", "getcwd",
	/* signals and exit */
	"rt_sigreturn", "rt_sigprocmask", "rt_sigaction", "sigaltstack",
	"exit", "exit_group",
};

/* Fail with an errno instead of killing: harmless refusals. */
static const struct { const char *name; int err; } refused[] = {
	{ "ioctl", ENOTTY }, { "mkdir", EACCES }, { "mkdirat", EACCES },
	{ "unlink", EACCES }, { "unlinkat", EACCES }, { "rename", EACCES },
	{ "renameat", EACCES }, { "renameat2", EACCES },
	{ "clone3", ENOSYS },
	/* GLib's g_error() (e.g. g_malloc failing at the RLIMIT_AS) asks
	 * whether stderr is the journal before it aborts: let it abort */
	{ "getpeername", ENOTSOCK },
	/* fontconfig asks the file system type of font and cache directories */
	{ "fstatfs", ENOSYS }, { "statfs", ENOSYS }, { "fadvise64", ENOSYS },
};

#define WRITE_FLAGS (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | \
                     (O_TMPFILE & ~O_DIRECTORY))

static int
add(scmp_filter_ctx f, uint32_t action, const char *name, unsigned n,
    const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;   /* not on this architecture */
	return seccomp_rule_add_array(f, action, nr, n, cmp);
}

/* open(path, flags) has flags in arg 1, openat(dir, path, flags) in 2. */
static int
add_open(scmp_filter_ctx f, const char *name, unsigned arg)
{
	struct scmp_arg_cmp ro = { arg, SCMP_CMP_MASKED_EQ, WRITE_FLAGS, 0 };
	struct scmp_arg_cmp wr[] = {
		{ arg, SCMP_CMP_MASKED_EQ, O_ACCMODE, O_WRONLY },
		{ arg, SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDWR },
		{ arg, SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT },
	};
	int rc = add(f, SCMP_ACT_ALLOW, name, 1, &ro);

	for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(wr); i++)
		rc = add(f, SCMP_ACT_ERRNO(EACCES), name, 1, &wr[i]);
	return rc;
}

static int
add_rules(scmp_filter_ctx f)
{
	struct scmp_arg_cmp noexec = { 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0 };
	struct scmp_arg_cmp self = { 0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0 };
	struct scmp_arg_cmp readonly = { 2, SCMP_CMP_EQ, 0, 0 };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(allowed); i++)
		rc = add(f, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
	for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(refused); i++)
		rc = add(f, SCMP_ACT_ERRNO(refused[i].err), refused[i].name, 0, NULL);
	if (rc == 0)
		rc = add(f, SCMP_ACT_ALLOW, "mmap", 1, &noexec);
	if (rc == 0)
		rc = add(f, SCMP_ACT_ALLOW, "mprotect", 1, &noexec);
	if (rc == 0)
		rc = add(f, SCMP_ACT_ALLOW, "tgkill", 1, &self);
	if (rc == 0)
		rc = add(f, SCMP_ACT_ALLOW, "kill", 1, &self);
	if (rc == 0)
		rc = add(f, SCMP_ACT_ALLOW, "prlimit64", 1, &readonly);
	if (rc == 0)
		rc = add_open(f, "openat", 2);
	if (rc == 0)
		rc = add_open(f, "open", 1);
	return rc;
}

int
mk_wsandbox_seccomp(mk_error *err)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc;

	if (f == NULL) {
		mk_error_set(err, MK_ERR_OS, "seccomp_init failed");
		return MK_ERR_OS;
	}
	rc = add_rules(f);
	if (rc == 0)
		rc = seccomp_load(f);
	seccomp_release(f);
	if (rc != 0) {
		mk_error_set(err, MK_ERR_OS, "seccomp: %s", g_strerror(-rc));
		return MK_ERR_OS;
	}
	return 0;
}

static int
limit(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit r = { soft, hard };

	return setrlimit(res, &r);
}

int
mk_wsandbox_limits(const mk_wlimits *l, mk_error *err)
{
	int rc = 0;

#if !MK_ASAN   /* ASan reserves terabytes of address space */
	rc |= limit(RLIMIT_AS, (rlim_t)l->memory, (rlim_t)l->memory);
#endif
	rc |= limit(RLIMIT_CPU, (rlim_t)l->cpu_s, (rlim_t)l->cpu_s + 1);
	rc |= limit(RLIMIT_FSIZE, (rlim_t)l->max_output, (rlim_t)l->max_output);
	rc |= limit(RLIMIT_NOFILE, MK_WORKER_NOFILE, MK_WORKER_NOFILE);
	rc |= limit(RLIMIT_CORE, 0, 0);
	rc |= limit(RLIMIT_NPROC, 0, 0);
	rc |= prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	rc |= prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (rc != 0) {
		mk_error_set(err, MK_ERR_OS, "limits: %s", g_strerror(errno));
		return MK_ERR_OS;
	}
	if (syscall(SYS_close_range, MK_WORKER_FD_STATUS + 1, ~0U, 0) != 0)
		for (int fd = MK_WORKER_FD_STATUS + 1; fd < MK_WORKER_NOFILE * 16; fd++)
			close(fd);
	return 0;
}
