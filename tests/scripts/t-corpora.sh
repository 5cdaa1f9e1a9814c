#!/bin/bash
# NAME
#   t-corpora.sh - every real-world mail of the shared corpora through sanitize
#
# DESCRIPTION
#   $MK_SHARED/corpora/stalwart-mail-parser (*.eml) and mime4j (*.msg) are
#   sanitized one by one (--mail).  No input may crash the CLI: the exit code
#   must be 0, 2 or 3 (70 = internal error and >= 128 = signal fail), and every
#   forwarded output (exit 0) must pass mkverify (parses, UTF-8 text bodies,
#   only allowed attachment types, X-Mukaika-Status).  Quarantined mail (2)
#   gets its notice-only output verified as well.  Every run but a tempfail
#   (75) leaves a JSON report with a verdict: one python3 reads them all at
#   the end (no jq per message).  MK_QUICK=1 (the sanitizer build in
#   scripts/test.sh) runs every message but skips mkverify: the normal build
#   checks the contract, the sanitizer build looks for memory errors.
. "$(dirname "$0")/lib.sh"
mk_init
mkdir -p "$T/rep"; : > "$T/rep/list"
[ -x "$MKVERIFY" ] || mk_die "no verifier $MKVERIFY"

n=0
for set in stalwart-mail-parser mime4j; do
	dir=$MK_SHARED/corpora/$set
	[ -d "$dir" ] || { mk_fail "corpus $dir missing"; continue; }
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		rel=${f#"$MK_SHARED/corpora/"}
		rc=$(mk_sanitize "$f" "$T/out.eml" "$T/rep/$n.json" --mail)
		case $rc in
		0|2)
			if [ ! -s "$T/out.eml" ]; then
				mk_fail "$rel: exit $rc but no output"
			elif [ -n "${MK_QUICK:-}" ]; then
				mk_ok   # sanitizer build: the contract is checked by the normal one
			elif "$MKVERIFY" --config "$CONF" "$T/out.eml" > "$T/v" 2>&1; then
				mk_ok
			else
				mk_fail "$rel: exit $rc, output fails verify: $(head -c 300 "$T/v")"
				[ -n "${MK_KEEP:-}" ] && cp "$T/out.eml" "$MK_KEEP/$(echo "$rel" | tr / _).out"
			fi ;;
		3)
			[ ! -e "$T/out.eml" ] && mk_ok || mk_fail "$rel: rejected but output written" ;;
		*)
			mk_fail "$rel: exit $rc ($(head -c 300 "$T/last.stderr" | tr '\n' ' '))" ;;
		esac
		[ "$rc" -ne 75 ] && printf '%s\t%s\n' "$T/rep/$n.json" "$rel" >> "$T/rep/list"
	done < <(find "$dir" -type f \( -name '*.eml' -o -name '*.msg' \) -print0 | sort -z)
done
mk_judge - "$T/rep/list" <<'PY'
import sys
import mkcheck as mc
t = mc.Tally()
for line in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    path, rel = line.rstrip("\n").split("\t", 1)
    doc = mc.load_report(path)
    if isinstance(doc, dict) and doc.get("verdict") not in (None, False):
        continue   # the message's own check already counted
    t.fail(f"{rel}: no valid JSON report")
t.done()
PY
echo "t-corpora: $n messages"
[ "$n" -ge 150 ] || mk_fail "only $n corpus messages found"
mk_finish
