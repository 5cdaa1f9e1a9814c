#!/bin/bash
# NAME
#   t-confman.sh - mukaika.conf(5) is generated from the schema and complete
#
# DESCRIPTION
#   Regenerates the page with the built gen_confman and diffs it against the
#   one the build installs (MK_BUILDDIR/packaging/man/mukaika.conf.5); checks
#   that every group and key of `mukaika config dump` (the schema) has its
#   entry under its own group, that every finding code is listed, and that
#   groff formats the page without a warning.
. "$(dirname "$0")/../scripts/lib.sh"
mk_init
PAGE=$MK_BUILDDIR/packaging/man/mukaika.conf.5
GEN=$MK_BUILDDIR/packaging/man/gen_confman

[ -s "$PAGE" ] || mk_die "no $PAGE (build first)"
"$GEN" > "$T/regen.5" || mk_fail "gen_confman failed"
cmp -s "$PAGE" "$T/regen.5" && mk_ok || mk_fail "regenerated page differs from $PAGE"

# "group key" pairs of the schema, and of the page (.SS [group] + \fBkey\fR)
"$MK" config dump "$CONF" | awk '
	/^\[policy\]|^\[findings\]/ { exit }
	/^\[/ { g = substr($0, 2, length($0) - 2); next }
	/^[a-z_]+ = / && g != "" { print g, $1 }' | sort > "$T/schema.keys"
awk '
	/^\.SH / { g = "" }
	/^\.SS \[/ { g = $2; gsub(/[][]/, "", g); next }
	/^\\fB[a-z_]+\\fR \(\\fI/ && g != "" {
		k = $1; sub(/^\\fB/, "", k); sub(/\\fR$/, "", k); print g, k }' \
	"$PAGE" | sort > "$T/page.keys"
n=$(wc -l < "$T/schema.keys")
[ "$n" -gt 50 ] && mk_ok || mk_fail "only $n keys read from config dump"
if diff "$T/schema.keys" "$T/page.keys" > "$T/keys.diff"; then mk_ok; else
	mk_fail "keys differ between schema (<) and page (>): $(grep '^[<>]' "$T/keys.diff" | head -5 | tr '\n' ' ')"
fi

# every finding code ([findings] section of the dump) has an entry
"$MK" config dump "$CONF" | awk '/^\[findings\]/ { f = 1; next } /^\[/ { f = 0 }
	f && /^#? *[a-z_]+ = / { sub(/^# */, ""); print $1 }' | sort -u > "$T/findings"
nf=0
while read -r code; do
	grep -qx ".B $code" "$PAGE" || { mk_fail "finding $code not in the page"; continue; }
	nf=$((nf + 1))
done < "$T/findings"
[ "$nf" -gt 10 ] && mk_ok || mk_fail "only $nf findings checked"

# formats cleanly (lintian runs the same check on the package)
if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$PAGE" > "$T/page.txt" 2> "$T/warn"; then
	[ -s "$T/warn" ] && mk_fail "man warnings: $(head -3 "$T/warn" | tr '\n' ' ')" || mk_ok
else
	mk_fail "man could not format the page"
fi
grep -q "max_message_size" "$T/page.txt" && mk_ok || mk_fail "formatted page lacks a key"
mk_finish
