#!/bin/bash
# NAME
#   t-golden.sh - sanitized output and report equal the committed references
#
# DESCRIPTION
#   For every tests/golden/**/NAME.in (mail or file): `mukaika sanitize --id
#   golden-NAME --no-store`, then the output must equal NAME.ref byte for
#   byte (or be absent when there is no NAME.ref) and the normalised report
#   must equal NAME.json (see tests/golden/golden.sh).  A case without
#   NAME.json has never been generated: that is a failure (run
#   tests/golden/regen.sh by hand and review the diff).  Every report is
#   also valid against docs/report-schema.json (one check per report, all
#   validated by one python3 at the end).
. "$(dirname "$0")/lib.sh"
. "$MK_SRCDIR/tests/golden/golden.sh"
mk_init
for in in $(golden_inputs); do
	base=${in%.in}
	rel=${base#"$MK_SRCDIR/tests/golden/"}
	golden_run "$in" "$T/gout" "$T/rep.json"
	case $GOLDEN_RC in 0|2|3) ;; *)
		mk_fail "$rel: exit $GOLDEN_RC ($(head -c 300 "$T/golden.stderr" | tr '\n' ' '))"; continue ;;
	esac
	if [ ! -f "$base.json" ]; then
		mk_fail "$rel: no $rel.json (run tests/golden/regen.sh and review)"; continue
	fi
	bad=""
	if [ -f "$base.ref" ]; then
		if [ ! -e "$T/gout" ]; then bad="no output, $rel.ref expects one"
		elif ! cmp -s "$T/gout" "$base.ref"; then
			bad="output differs from $rel.ref:
$(diff -a "$base.ref" "$T/gout" | head -20)"
		fi
	elif [ -e "$T/gout" ]; then
		bad="output written, but there is no $rel.ref"
	fi
	mk_schema_later "$T/rep.json" "$rel"
	if ! golden_norm "$T/rep.json" > "$T/rep.norm" 2>/dev/null; then
		bad="$bad${bad:+; }report missing or not JSON"
	elif ! cmp -s "$T/rep.norm" "$base.json"; then
		bad="$bad${bad:+; }report differs from $rel.json:
$(diff "$base.json" "$T/rep.norm" | head -20)"
	fi
	if [ -n "$bad" ]; then mk_fail "$rel: $bad"; else mk_ok; fi
done
mk_schema_batch   # every report against docs/report-schema.json, one python3
mk_finish
