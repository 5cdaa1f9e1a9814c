#!/bin/bash
# NAME
#   test.sh - install dependencies, build and run every test (README command 2)
#
# DESCRIPTION
#   1. scripts/install-deps.sh (as root; skipped with a warning otherwise)
#   2. build/        : meson setup + compile + `meson test` (unit + script suites)
#   3. build-asan/   : the same with -Db_sanitize=address,undefined (MK_QUICK=1:
#                      t-testfiles/t-oletools use fewer wrappings/channels,
#                      t-corpora skips mkverify; every input is still sanitized)
#   4. build-fuzz/   : only when tests/fuzz/meson.build exists: clang with
#                      -Dfuzzing=true, every fuzz_* target for FUZZ_SECONDS
#                      (default 30) on a fresh temp corpus dir first (libFuzzer
#                      writes new inputs into its first dir), then the shared
#                      corpora read-only, $(nproc) targets at a time (each
#                      run uses one core).  Results go to build-fuzz/fuzz-results.txt
#                      ("NAME pass|fail" lines) for .ci/run to count.
#   Environment: SKIP_ASAN=1, SKIP_FUZZ=1, FUZZ_SECONDS=N, MESON_TEST_ARGS.
#
# EXIT STATUS
#   0 when every step passed, 1 when anything failed (all steps still run).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
SRC=$(pwd)
SHARED=${MK_SHARED:-$SRC/../shared}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
JOBS=$(nproc 2>/dev/null || echo 2)
failed=0

step() { printf '\n==== %s ====\n' "$*"; }
fail() { echo "test.sh: FAILED: $*" >&2; failed=1; }

setup() { # setup DIR [meson options...]
	local dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@"
	else
		rm -rf "$dir"
		meson setup "$dir" "$@"
	fi
}

# Results of an earlier run must never be counted for this one.
rm -f build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
	build-fuzz/fuzz-results.txt

step "dependencies"
if [ "$(id -u)" -eq 0 ]; then
	bash scripts/install-deps.sh || fail "install-deps"
else
	bash scripts/install-deps.sh || echo "test.sh: not root, continuing with what is installed" >&2
fi

step "build (build/)"
if setup build && meson compile -C build; then
	step "tests (build/)"
	meson test -C build --print-errorlogs --num-processes "$JOBS" ${MESON_TEST_ARGS:-} \
		|| fail "meson test (build)"
else
	fail "build"
fi

if [ "${SKIP_ASAN:-0}" != 1 ]; then
	step "build (build-asan/, address+undefined sanitizers)"
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:allocator_may_return_null=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
	if setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
			-Dbuildtype=debug && meson compile -C build-asan; then
		step "tests (build-asan/)"
		MK_QUICK=1 meson test -C build-asan --print-errorlogs --num-processes "$JOBS" \
			--suite unit --suite script --timeout-multiplier 3 ${MESON_TEST_ARGS:-} \
			|| fail "meson test (build-asan)"
	else
		fail "build-asan"
	fi
fi

# fuzz_corpora NAME: read-only seed dirs for a fuzz target, by its name.
fuzz_corpora() {
	local c=$SHARED/corpora
	case "$1" in
	*mime*|*mail*|*message*|*rebuild*|*engine*)
		echo "$c/stalwart-mail-parser $c/mime4j" ;;
	*archive*|*zip*) echo "$c/zip-slip /usr/share/clamav-testfiles" ;;
	*tnef*) echo "$c/tnef" ;;
	*office*|*ole*|*ooxml*|*rtf*) echo "$c/oletools" ;;
	*pdf*) echo "$c/pdf-payloads" ;;
	*image*|*csv*|*ics*|*web*) echo "$SRC/tests/fuzz/seeds/${1#fuzz_}" ;;
	*uu*) echo "$c/mime4j" ;;
	*html*|*text*|*charset*) echo "$c/stalwart-mail-parser" ;;
	*sniff*) echo "/usr/share/clamav-testfiles $c/pdf-payloads" ;;
	*config*) echo "$SRC/conf" ;;
	*) echo "" ;;
	esac
}

# fuzz_smoke: build-fuzz's CLI sanitizes a mail with an HTML body (the
# worker's text run) and a gzip member (unpack + zip rebuild): exit 0.
fuzz_smoke() {
	local d rc
	d=$(mktemp -d)
	mkdir -p "$d/db" "$d/st"
	echo 'aa15bcf478d165efd2065190eb473bcb:544:ClamAV-Test-File' > "$d/db/test.hdb"
	printf '[general]\nstate_dir = %s\n[clamav]\ndatabase_dir = %s\n' "$d/st" "$d/db" > "$d/c.conf"
	printf 'hello\n' | gzip > "$d/a.gz"
	{
		printf 'From: a@example.org\r\nTo: b@example.jp\r\nSubject: s\r\n'
		printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n'
		printf -- '--b\r\nContent-Type: text/html\r\n\r\n<p>hi <a href="http://a.example/">x</a>\r\n'
		printf -- '--b\r\nContent-Type: application/gzip; name=a.gz\r\n'
		printf 'Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n' "$(base64 -w0 < "$d/a.gz")"
	} > "$d/m.eml"
	ASAN_OPTIONS=detect_leaks=0 build-fuzz/src/cli/mukaika sanitize --config "$d/c.conf" \
		--no-store -o "$d/out" --report "$d/r.json" --mail "$d/m.eml"
	rc=$?
	rm -rf "$d"
	return $rc
}

# fuzz_one TARGET: one libFuzzer run on a fresh temp corpus dir, then the
# shared seeds read-only; exit code into build-fuzz/NAME.rc, output NAME.log.
fuzz_one() {
	local t=$1 name work rc
	local -a seeds=()
	name=$(basename "$t")
	work=$(mktemp -d)
	for d in $(fuzz_corpora "$name"); do [ -d "$d" ] && seeds+=("$d"); done
	MK_SHARED=$SHARED "$t" -max_total_time="$FUZZ_SECONDS" -timeout=25 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$SRC/build-fuzz/fuzz-artifacts/$name-" \
		"$work" "${seeds[@]}" > "build-fuzz/$name.log" 2>&1
	rc=$?
	echo "$rc" > "build-fuzz/$name.rc"
	rm -rf "$work"
}

if [ "${SKIP_FUZZ:-0}" != 1 ] && [ -f tests/fuzz/meson.build ]; then
	step "build (build-fuzz/, clang + libFuzzer)"
	rm -f build-fuzz/fuzz-results.txt
	if CC=clang setup build-fuzz -Dfuzzing=true -Dtests=disabled -Db_sanitize=address,undefined \
			-Db_lundef=false -Dbuildtype=debug && meson compile -C build-fuzz; then
		mkdir -p build-fuzz/fuzz-artifacts
		# clang's ASan has no __SANITIZE_ADDRESS__: the worker must still
		# start (no RLIMIT_AS under ASan, src/common/mk_asan.h) and render
		step "worker smoke (clang + ASan)"
		fuzz_smoke || fail "clang ASan worker smoke"
		: > build-fuzz/fuzz-results.txt
		rm -f build-fuzz/fuzz_*.rc
		targets=$(find build-fuzz/tests/fuzz -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x | sort)
		# $JOBS targets at a time (each libFuzzer run uses one core)
		running=0
		for t in $targets; do
			fuzz_one "$t" &
			running=$((running + 1))
			if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
		done
		wait
		for t in $targets; do
			name=$(basename "$t")
			step "fuzz $name (${FUZZ_SECONDS}s)"
			if [ "$(cat "build-fuzz/$name.rc" 2>/dev/null)" = 0 ]; then
				echo "$name pass" >> build-fuzz/fuzz-results.txt
				tail -n 3 "build-fuzz/$name.log"
			else
				echo "$name fail" >> build-fuzz/fuzz-results.txt
				tail -n 40 "build-fuzz/$name.log"
				fail "fuzz $name (log: build-fuzz/$name.log)"
			fi
		done
	else
		fail "build-fuzz"
		mkdir -p build-fuzz && echo "build fail" > build-fuzz/fuzz-results.txt
	fi
fi

step "summary"
if [ $failed -ne 0 ]; then
	echo "test.sh: some steps FAILED"
	exit 1
fi
echo "test.sh: all steps passed"
exit 0
