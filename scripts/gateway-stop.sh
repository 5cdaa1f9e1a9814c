#!/bin/bash
# NAME
#   gateway-stop.sh - stop the local gateway started by gateway-start.sh
#
# SYNOPSIS
#   scripts/gateway-stop.sh [--dir DIR] [--purge]
#
# DESCRIPTION
#   Stops Postfix (postfix -c DIR/postfix/etc stop), mukaika-milter and the
#   sink recorded in DIR/gateway.env (default ./run), waits for them to exit and
#   removes gateway.env.  Delivered mail, logs and the quarantine stay unless
#   --purge is given, which removes DIR.  Only the processes whose ids were
#   recorded are signalled.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dir=$here/run
purge=0
while [ $# -gt 0 ]; do
	case $1 in
	--dir) dir=$2; shift 2 ;;
	--purge) purge=1; shift ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "gateway-stop: unknown argument $1" >&2; exit 64 ;;
	esac
done
env=$dir/gateway.env
if [ ! -f "$env" ]; then
	echo "gateway-stop: no $env: not running" >&2
	[ $purge = 1 ] && rm -rf "$dir"
	exit 0
fi
# shellcheck disable=SC1090
. "$env"

stop_pid() {   # FILE SIGNAL
	local f=$1 pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	[ -n "$pid" ] || return 0
	kill -"$2" "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
}

if [ -f "$GW_POSTFIX_CONF/main.cf" ]; then
	postfix -c "$GW_POSTFIX_CONF" stop >/dev/null 2>&1 || true
	mpid=$GW_DIR/postfix/queue/pid/master.pid
	if [ -f "$mpid" ]; then
		pid=$(tr -d ' ' <"$mpid")
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
fi
stop_pid "$GW_MILTER_PID" TERM
stop_pid "$GW_SINK_PID" TERM
rm -f "$env"
if [ $purge = 1 ]; then rm -rf "$dir"; fi
echo "mukaika gateway under $dir stopped"
