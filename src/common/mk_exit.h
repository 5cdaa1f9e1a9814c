/*
 * NAME
 *   mk_exit - the exit codes of every mukaika program (CLI and daemons)
 *
 * DESCRIPTION
 *   One table for `mukaika`, mukaika-milter, mukaika-dropd and mukaika-web.
 *   Codes follow sysexits(3) where they exist; the verdict codes 2 and 3
 *   are the CLI's own (0 forwarded, 2 quarantined, 3 rejected).  The
 *   daemons use: 0 clean stop, 64 usage, 66 an input folder that cannot be
 *   read (mukaika-dropd), 71 a socket, detach or privilege switch that
 *   failed, 73 a pidfile, log.file or state directory that cannot be
 *   created or written, 75 temporary (store unavailable, --once with work
 *   left), 78 configuration (including general.user missing or root).
 */
#ifndef MK_EXIT_H
#define MK_EXIT_H

enum {
	MK_EXIT_OK = 0,
	MK_EXIT_FAIL = 1,
	MK_EXIT_QUARANTINED = 2,
	MK_EXIT_REJECTED = 3,
	MK_EXIT_USAGE = 64,
	MK_EXIT_DATA = 65,
	MK_EXIT_NOINPUT = 66,
	MK_EXIT_SOFTWARE = 70,
	MK_EXIT_OSERR = 71,
	MK_EXIT_CANTCREAT = 73,
	MK_EXIT_IO = 74,
	MK_EXIT_TEMPFAIL = 75,
	MK_EXIT_CONFIG = 78,
};

#endif
