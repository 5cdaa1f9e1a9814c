/*
 * NAME
 *   wzygote - the worker fork server: one exec, a fresh confined process
 *   per document
 *
 * SUMMARY
 *   int mk_wzygote_main(int sock);              (in mukaika-worker)
 *   int mk_worker_child_main(int argc, char **argv);
 *
 * DESCRIPTION
 *   Starting mukaika-worker by execve() costs ~25 ms per document, almost
 *   all of it the dynamic loader mapping and relocating poppler, cairo,
 *   libxml2 and friends.  `mukaika-worker --zygote` is exec'd once per
 *   engine process (wclient.c starts it on first use) with a
 *   SOCK_SEQPACKET socket as descriptor 3, and never reads a byte of any
 *   document.  For every request it forks a runner; the runner forks the
 *   document's process, which takes the descriptors of the request as
 *   3/4/5 and runs mk_worker_child_main() exactly as an exec'd worker
 *   would: rlimits, no_new_privs, seccomp, then input.  So every document
 *   still gets its own fresh process and sandbox; what is shared is only
 *   the loaded, relocated, never-used-on-input library image (and with it
 *   the address-space layout: ASLR is per zygote, not per document).
 *
 *   Request (client -> zygote, one message): payload
 *   "FILTER\0key=value\0...\0" (at most MK_WZ_MSG_MAX bytes) with exactly
 *   MK_WZ_NFDS descriptors in SCM_RIGHTS: input, output, status (write
 *   end), /dev/null, and the client's end of a per-request SEQPACKET
 *   socket pair ("reply").
 *   Replies (runner -> client on "reply"): mk_wz_reply {MK_WZ_PID, pid}
 *   once the document process exists (its own process group: the client
 *   kills -pid on timeout), then {MK_WZ_EXIT, wait status} when it ended.
 *   A reply socket that closes without MK_WZ_EXIT means the runner died:
 *   the client treats it as a failed run.
 *
 *   The zygote exits when its socket reaches end of file (the engine
 *   process is gone).  (Not PR_SET_PDEATHSIG: that follows the thread that
 *   started it, and milter threads end with their connection.)
 *
 * NEVER
 *   Reads document data in the zygote or the runner; creates threads (a
 *   fork server must stay single-threaded).
 *
 * FAILURE
 *   A malformed request is dropped (its descriptors closed: the client
 *   sees its reply socket close).  A failed fork closes the request the
 *   same way.
 */
#ifndef MK_WZYGOTE_H
#define MK_WZYGOTE_H

#include <stdint.h>

#define MK_WZ_MSG_MAX 4096
#define MK_WZ_NFDS    5
enum { MK_WZ_FD_IN, MK_WZ_FD_OUT, MK_WZ_FD_STATUS, MK_WZ_FD_NULL, MK_WZ_FD_REPLY };
enum { MK_WZ_PID = 1, MK_WZ_EXIT = 2 };

typedef struct mk_wz_reply {
	int32_t kind;    /* MK_WZ_PID or MK_WZ_EXIT */
	int32_t value;   /* pid, or the waitpid() status */
} mk_wz_reply;

int mk_wzygote_main(int sock);
int mk_worker_child_main(int argc, char **argv);

#endif
