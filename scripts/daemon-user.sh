#!/bin/bash
# NAME
#   daemon-user.sh - make sure the unprivileged account the daemons switch to
#   exists
#
# SYNOPSIS
#   scripts/daemon-user.sh [NAME]
#
# DESCRIPTION
#   Creates the system account NAME (default mukaika: general.user's
#   default) with its own group, no home and no login shell, when it does
#   not exist yet, and prints NAME.  Used by the local gateway
#   (gateway-start.sh) and the daemon tests: a daemon started as root
#   refuses to run without that account (exit 78).  A package installs it
#   with sysusers instead.
#
# DIAGNOSTICS
#   Exits non-zero when the account is missing and cannot be created (not
#   root, no useradd).
set -eu
name=${1:-mukaika}
if ! getent passwd "$name" >/dev/null; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$name" 2>/dev/null ||
		getent passwd "$name" >/dev/null ||
		{ echo "daemon-user: cannot create account $name" >&2; exit 1; }
fi
echo "$name"
