# NAME
#   dd-lib.sh - helpers for the mukaika-dropd tests (tests/dropd/t-*.sh)
#
# SUMMARY
#   . "$(dirname "$0")/dd-lib.sh"
#   dd_init [conf lines...]   temp dir $T (removed at exit), $T/in $T/out
#                             $T/work, signature DB $T/db, config $CONF
#   dd_start / dd_stop        run the daemon in the foreground ($DPID),
#                             log in $T/log; dd_stop sends SIGTERM
#   dd_wait_for SECS CMD...   poll CMD every 0.1 s until it succeeds
#   dd_outputs DIR            outputs/notices below DIR, one per line
#
# DESCRIPTION
#   Builds on tests/scripts/lib.sh (mk_ok/mk_fail/mk_finish, mk_sigdb,
#   mk_eicar).  Run as root, the daemon switches to the daemon account
#   (scripts/daemon-user.sh; $DD_USER) as it must; the test's files and
#   folders are made with umask 0 under a searchable $T, as a drop share
#   writable by the daemon would be.  Not root: general.user is empty and
#   the daemon stays as it is.
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
DROPD=${DROPD:-$MK_BUILDDIR/src/dropd/mukaika-dropd}
DPID=

dd_cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	[ -n "${DD_MNT:-}" ] && umount "$DD_MNT" 2>/dev/null
	rm -rf "$T"
}

# dd_conf FILE [lines...]: the test config (state, DB, dropd dirs).
dd_conf() {
	local f=$1; shift
	mk_write_conf "$f" "$T/state" "$T/db" "[dropd]" "in_dir = $T/in" \
		"out_dir = ${DD_OUT:-$T/out}" "work_dir = $T/work" "settle_ms = 300" \
		"rescan_s = 1" "jobs = 2" "$@"
	sed -i "s/^\\[general\\]\$/[general]\\nuser = $DD_USER/" "$f"
}

dd_init() {
	[ -x "$DROPD" ] || mk_die "no binary $DROPD (build first)"
	T=$(mktemp -d "${TMPDIR:-/tmp}/mkdd.XXXXXX")
	trap dd_cleanup EXIT
	DD_USER=
	if [ "$(id -u)" = 0 ]; then
		DD_USER=$("$MK_SRCDIR/scripts/daemon-user.sh") || mk_die "no daemon account"
		chmod 755 "$T"
		umask 0
	fi
	mkdir -p "$T/in" "$T/out" "$T/work" "$T/state"
	mk_sigdb "$T/db"
	CONF=$T/dropd.conf
	dd_conf "$CONF" "$@"
}

dd_start() {
	"$DROPD" --foreground --config "${1:-$CONF}" >> "$T/log" 2>&1 &
	DPID=$!
	dd_wait_for 20 grep -q 'watching' "$T/log" || mk_fail "daemon did not start"
}

dd_stop() {
	local i
	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID" 2>/dev/null
	for i in $(seq 1 300); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$DPID" 2>/dev/null; then
		mk_fail "daemon ignored SIGTERM"; kill -9 "$DPID"
	fi
	wait "$DPID"; DD_RC=$?
	DPID=
}

dd_wait_for() {
	local secs=$1 i; shift
	for i in $(seq 1 $((secs * 10))); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Visible outputs and notices (no reports, no hidden tmp files).
dd_outputs() {
	find "$1" -type f ! -name '.*' ! -name '*.report.json' | sort
}

# Entries left in in/ (files of any kind) or in work/ outside rejected/.
dd_left() {
	find "$T/in" ! -type d | wc -l
}
dd_jobs() {
	find "$T/work" -mindepth 1 -maxdepth 1 -name 'j-*' | wc -l
}
