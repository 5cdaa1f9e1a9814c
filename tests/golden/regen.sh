#!/bin/bash
# NAME
#   regen.sh - rewrite the golden references from the current mukaika
#
# SYNOPSIS
#   tests/golden/regen.sh [BUILDDIR]      (default: ./build)
#
# DESCRIPTION
#   For every tests/golden/**/NAME.in runs
#     mukaika sanitize --id golden-NAME --no-store --name NAME ...
#   with a fixed test configuration and writes NAME.ref (the sanitized
#   output; removed when nothing is forwarded) and NAME.json (the report,
#   normalised by golden_norm: created, elapsed_ms and scanner dropped, keys
#   sorted).  Only ever run by hand, after checking that the differences
#   shown by t-golden are intended; review `git diff tests/golden` before
#   committing.  tests/scripts/t-golden.sh compares against these files.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export MK_SRCDIR=${MK_SRCDIR:-$(cd "$HERE/../.." && pwd)}
export MK_BUILDDIR=${1:-${MK_BUILDDIR:-$MK_SRCDIR/build}}
. "$MK_SRCDIR/tests/scripts/lib.sh"
. "$HERE/golden.sh"
mk_init
n=0
for in in $(golden_inputs); do
	golden_run "$in" "$T/gout" "$T/rep.json"
	base=${in%.in}
	if [ -e "$T/gout" ]; then cp "$T/gout" "$base.ref"; else rm -f "$base.ref"; fi
	golden_norm "$T/rep.json" > "$base.json" || { echo "regen: no report for $in (exit $GOLDEN_RC)"; rm -f "$base.json"; }
	echo "regen: ${in#"$MK_SRCDIR/"}: exit $GOLDEN_RC"
	n=$((n + 1))
done
echo "regen: $n golden cases written"
