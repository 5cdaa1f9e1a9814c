#!/bin/bash
# NAME
#   bench/store/run.sh - the store per held item: SQLite vs PostgreSQL
#
# SYNOPSIS
#   bench/store/run.sh [-n ITEMS] [-s BYTES] BUILDDIR
#
# DESCRIPTION
#   Starts a throwaway PostgreSQL on a unix socket (tests/tools/pgtmp.sh,
#   with fsync on, as SQLite runs synchronous=FULL), builds
#   bench_store against BUILDDIR/libmukaika.a and prints, in one run, wall
#   and CPU time of N puts and N gets on each backend and their ratios.
#   Not a test: it prints numbers, never pass or fail.
set -euo pipefail
n=500
size=65536
while getopts n:s: o; do
	case $o in n) n=$OPTARG ;; s) size=$OPTARG ;; *) exit 64 ;; esac
done
shift $((OPTIND - 1))
build=$(cd "${1:?usage: run.sh [-n ITEMS] [-s BYTES] BUILDDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
w=$build/bench-store
rm -rf "$w"
mkdir -p "$w/state"
pgdir=$(mktemp -d /tmp/mk-benchpg.XXXXXX)
rmdir "$pgdir"
pg=$(PGTMP_FSYNC=on bash "$src/tests/tools/pgtmp.sh" start "$pgdir")
trap 'bash "$src/tests/tools/pgtmp.sh" stop "$pgdir"; rm -rf "$pgdir"' EXIT
iq=
for d in src src/common src/model src/engine src/store; do iq="$iq -iquote $src/$d"; done
pkgs="glib-2.0 gmime-3.0 libarchive libclamav libmagic sqlite3 libpq libxml-2.0 uchardet libcrypto libsodium"
# shellcheck disable=SC2046,SC2086 # word lists
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE $iq $(pkg-config --cflags $pkgs) -o "$w/bench_store" \
	"$here/bench_store.c" "$build/libmukaika.a" $(pkg-config --libs $pkgs) -pthread -lm
"$w/bench_store" "$w/state" "$pg" "$n" "$size" 2> >(grep -v "audit head" >&2)
