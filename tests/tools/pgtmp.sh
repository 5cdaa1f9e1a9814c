#!/bin/bash
# NAME
#   pgtmp.sh - a throwaway PostgreSQL server for tests, on a unix socket
#
# SYNOPSIS
#   conninfo=$(tests/tools/pgtmp.sh start DIR)   # DIR must not exist
#   tests/tools/pgtmp.sh stop DIR
#   tests/tools/pgtmp.sh restart DIR             # after a stop (failover tests)
#
# DESCRIPTION
#   start: initdb into DIR/data (trust auth, superuser "mk"), a server
#   listening on no TCP port, its socket in DIR/sock (mode 0755, so
#   daemons that dropped to another user reach it), fsync off (a test
#   server; PGTMP_FSYNC=on for benchmarks), and a database "mukaika".  Prints the libpq connection
#   string "host=DIR/sock dbname=mukaika user=mk".  Log: DIR/log.
#   initdb refuses root: as root the server runs as the "postgres" user
#   (from the postgresql package), DIR then belongs to it.
#   stop: pg_ctl stop -m fast (nothing left running); the data stay.
#   restart: start the stopped server again (same socket, same data).
#
#   From shell tests: source it is not needed; call it, and trap a stop:
#     PG=$(bash "$MK_SRCDIR/tests/tools/pgtmp.sh" start "$T/pg") || exit 77
#     trap 'bash "$MK_SRCDIR/tests/tools/pgtmp.sh" stop "$T/pg"' EXIT
#
# EXIT STATUS
#   0 done; 77 no PostgreSQL server installed (a test may skip); 1 failed.
set -euo pipefail

cmd=${1:?usage: pgtmp.sh start|stop|restart DIR}
dir=${2:?usage: pgtmp.sh start|stop|restart DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "pgtmp: no postgresql server" >&2; exit 77; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

server_start() {
	as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/log" \
		-o "-k $dir/sock -c listen_addresses='' -c fsync=${PGTMP_FSYNC:-off} -c max_connections=200" \
		start >/dev/null
}

case $cmd in
start)
	[ ! -e "$dir" ] || { echo "pgtmp: $dir exists" >&2; exit 1; }
	mkdir -p "$dir/sock"
	chmod 0755 "$dir" "$dir/sock"
	[ "$(id -u)" -ne 0 ] || chown -R postgres: "$dir"
	# postgres must reach DIR: every parent needs search permission
	p=$(dirname "$dir")
	while [ "$p" != / ]; do
		[ "$(id -u)" -ne 0 ] || chmod o+x "$p" 2>/dev/null || true
		p=$(dirname "$p")
	done
	as_owner "$bin/initdb" -D "$dir/data" -A trust -U mk -E UTF8 --no-sync \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	server_start || { cat "$dir/log" >&2; exit 1; }
	"$bin/psql" -h "$dir/sock" -U mk -d postgres -qAtc "CREATE DATABASE mukaika" >/dev/null
	echo "host=$dir/sock dbname=mukaika user=mk"
	;;
restart)
	server_start || { cat "$dir/log" >&2; exit 1; }
	;;
stop)
	[ -d "$dir/data" ] || exit 0
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	;;
*)
	echo "usage: pgtmp.sh start|stop|restart DIR" >&2
	exit 1
	;;
esac
