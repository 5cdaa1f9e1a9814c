#!/bin/bash
# NAME
#   t-evasion.sh - known ways to smuggle a payload past a mail gateway
#
# DESCRIPTION
#   tests/evasion/gen.py builds one input per case (RFC 2231/2047 names,
#   duplicate headers, broken boundaries, deep message/rfc822, message/partial,
#   message/external-body, uuencode, base64 with garbage, zip bombs by ratio
#   and by total size, renamed executables, double extensions, RTLO names,
#   EICAR in HTML / quoted-printable / base64 bodies ...) with its expectation.
#   For every case: no crash (exit 0, 2 or 3), the expectation holds
#   (undelivered / verdict / finding code), and the output, if any, does not
#   contain the payload in any recoverable form (tests/evasion/absent.py).
#   The config lowers limits.max_unpacked_size to 8M so that the size bomb
#   stays small.
. "$(dirname "$0")/lib.sh"
mk_init
EV=$MK_SRCDIR/tests/evasion
mk_write_conf "$CONF" "$T/state" "$T/db" "[limits]" "max_unpacked_size = 8M"
python3 "$EV/gen.py" "$T/cases" "$MK_TESTFILES/clam.exe" || mk_die "gen.py failed"

while IFS=$'\t' read -r name in chan payload expect; do
	rc=$(mk_sanitize "$in" "$T/o" "$T/r.json" "--$chan" --name "$(basename "$in")")
	case $rc in 0|2|3) ;; *)
		mk_fail "$name: exit $rc ($(head -c 300 "$T/last.stderr" | tr '\n' ' '))"; continue ;;
	esac
	verdict=$(jq -r '.verdict // "none"' "$T/r.json" 2>/dev/null)
	codes=$(mk_codes "$T/r.json" | tr '\n' ' ')
	bad=""
	IFS=',' read -r -a exps <<< "$expect"
	for e in "${exps[@]}"; do
		case $e in
		-|"") ;;
		undelivered) [ "$rc" = 2 ] || [ "$rc" = 3 ] || bad="$bad; delivered (exit $rc)" ;;
		verdict=*) echo "$verdict" | grep -Eqx "${e#verdict=}" || bad="$bad; verdict $verdict, want ${e#verdict=}" ;;
		code=*) mk_codes "$T/r.json" | grep -Eqx "${e#code=}" || bad="$bad; no finding ${e#code=} (have: $codes)" ;;
		*) bad="$bad; unknown expectation $e" ;;
		esac
	done
	why=$(mk_schema "$T/r.json") || bad="$bad; report violates the schema: $why"
	if [ -e "$T/o" ]; then
		why=$(python3 "$EV/absent.py" "$T/o" "$payload") || bad="$bad; PAYLOAD DELIVERED: $why"
	fi
	if [ -n "$bad" ]; then
		mk_fail "$name (exit $rc, $verdict):${bad#;}"
	else
		mk_ok
	fi
done < "$T/cases/cases.tsv"
mk_finish
