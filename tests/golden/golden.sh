# NAME
#   golden.sh - how one golden case is run (sourced by regen.sh, t-golden.sh)
#
# DESCRIPTION
#   golden_inputs       every tests/golden/**/NAME.in, sorted
#   golden_run IN OUT R sanitize IN with id golden-NAME and name NAME (NAME =
#                       file name without .in); exit code in $GOLDEN_RC.
#                       NAME.conf, when present, is appended to the test
#                       configuration for that case (a later group of the
#                       same name adds to the first: "[general]
#                       language = en")
#   golden_norm R       the report without created/elapsed_ms/scanner, keys
#                       sorted, so it is reproducible
#   Needs lib.sh (mk_init: $MK, $CONF) sourced first.

golden_inputs() {
	find "$MK_SRCDIR/tests/golden" -type f -name '*.in' | LC_ALL=C sort
}

golden_run() {
	local in=$1 out=$2 rep=$3 name
	local conf=$CONF
	name=$(basename "$in" .in)
	rm -f "$out" "$rep"
	if [ -f "${in%.in}.conf" ]; then    # per-case settings (e.g. language = en)
		conf=$T/golden-case.conf
		cat "$CONF" "${in%.in}.conf" > "$conf"
	fi
	"$MK" sanitize --config "$conf" --no-store --id "golden-$name" --name "$name" \
		-o "$out" --report "$rep" "$in" > /dev/null 2> "$T/golden.stderr"
	GOLDEN_RC=$?
}

golden_norm() {
	jq -S 'del(.created, .elapsed_ms, .scanner)' "$1"
}
