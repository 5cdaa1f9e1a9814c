# shellcheck shell=bash
# NAME
#   units-lib.sh - read a systemd unit's sandbox settings (sourced by the
#   packaging tests)
#
# SUMMARY
#   unit_syscalls UNIT      the system calls its SystemCallFilter= lines allow,
#                           one per line (groups expanded, lines applied in
#                           order: an allow line adds, a ~deny line removes)
#   unit_mdwe UNIT          true when MemoryDenyWriteExecute=yes
#   unit_sandbox_run UNIT USER -- CMD...
#                           CMD under that filter (and MDWE) via sdsandbox
#                           ($SDSANDBOX), as USER when root (- : as is)
#
# DESCRIPTION
#   Groups are expanded with `systemd-analyze syscall-filter`, the same
#   tables systemd uses.  Needs systemd-analyze.

# syscall_group @NAME: its calls, nested groups expanded
syscall_group() {
	systemd-analyze syscall-filter --no-pager "$1" 2> /dev/null |
		sed -e '1d' -e 's/^ *//' -e '/^#/d' -e '/^$/d' |
		while read -r w; do
			case $w in
			@*) syscall_group "$w" ;;
			*) echo "$w" ;;
			esac
		done
}

unit_syscalls() {
	local v tok
	declare -A set=()
	while IFS= read -r v; do
		local deny=0
		case $v in "~"*) deny=1; v=${v#"~"} ;; esac
		for tok in $v; do
			case $tok in @*) syscall_group "$tok" ;; *) echo "$tok" ;; esac
		done > "${TMPDIR:-/tmp}/.unit_sc.$$"
		while read -r s; do
			if [ $deny = 1 ]; then unset "set[$s]"; else set[$s]=1; fi
		done < "${TMPDIR:-/tmp}/.unit_sc.$$"
	done < <(sed -n 's/^SystemCallFilter=//p' "$1")
	rm -f "${TMPDIR:-/tmp}/.unit_sc.$$"
	printf '%s\n' "${!set[@]}" | sort
}

unit_mdwe() { grep -qx 'MemoryDenyWriteExecute=yes' "$1"; }

unit_sandbox_run() {
	local unit=$1 user=$2 list
	shift 3   # UNIT USER --
	list=$(mktemp "${TMPDIR:-/tmp}/sc.XXXXXX")
	unit_syscalls "$unit" > "$list"
	local opt=()
	unit_mdwe "$unit" && opt+=(--mdwe)
	[ "$user" != - ] && opt+=(--user "$user")
	"$SDSANDBOX" "${opt[@]}" --syscalls "$list" -- "$@"
	local rc=$?
	rm -f "$list"
	return $rc
}
