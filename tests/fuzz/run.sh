#!/bin/sh
# NAME
#   tests/fuzz/run.sh - run every built libFuzzer target for a while
#
# SYNOPSIS
#   tests/fuzz/run.sh BUILDDIR [SECONDS]
#
# DESCRIPTION
#   For each of fuzz_mime, fuzz_archive, fuzz_tnef, fuzz_html, fuzz_office,
#   fuzz_uu, fuzz_names, fuzz_nodewire, fuzz_hdr, fuzz_csv, fuzz_ics,
#   fuzz_pdf, fuzz_image, fuzz_web, fuzz_ole, fuzz_ooxml, fuzz_rtf found in
#   BUILDDIR/tests/fuzz, runs libFuzzer for SECONDS (default 60) with
#   -max_total_time.  The first corpus directory is a fresh temporary one
#   (new inputs go there); the seed directories follow, read only:
#     mime    - corpora/stalwart-mail-parser, corpora/mime4j
#     archive - corpora/zip-slip, /usr/share/clamav-testfiles
#     tnef    - corpora/tnef
#     html    - a few HTML bodies written by this script, tests/data/text
#     office  - corpora/oletools, /usr/share/clamav-testfiles
#     uu      - a few uuencoded/yEnc texts written by this script
#     names   - none;  nodewire - none
#     hdr     - a few header values written by this script
#     csv, ics, image, web - tests/fuzz/seeds/NAME (committed, small)
#     pdf     - corpora/pdf-payloads;  ole, ooxml, rtf - corpora/oletools
#   Prints one line per target, "fuzz NAME: ok" or "fuzz NAME: FAILED", and
#   exits 1 if any target crashed, leaked, hung (-timeout, default 25 s per
#   input) or ran out of memory.  Reproducers are kept in FUZZ_CRASH_DIR
#   (default /tmp/fuzz-crashes) as NAME-crash-<sha1> etc., with the log
#   NAME.log beside them; the end of the log (the stack) goes to stderr.
#
# ENVIRONMENT
#   MK_SHARED (default: ../shared beside the source tree), FUZZ_CRASH_DIR,
#   FUZZ_TIMEOUT (seconds per input), FUZZ_ARGS (extra libFuzzer options).
#
# NEVER
#   Writes into the source tree or the shared corpora.
set -u

usage() { echo "usage: $0 BUILDDIR [SECONDS]" >&2; exit 64; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
build=$1
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
shared=${MK_SHARED:-$(cd "$here/../../.." && pwd)/shared}
corp=$shared/corpora
testfiles=${MK_TESTFILES:-/usr/share/clamav-testfiles}
crashdir=${FUZZ_CRASH_DIR:-/tmp/fuzz-crashes}
tmo=${FUZZ_TIMEOUT:-25}
work=$(mktemp -d "${TMPDIR:-/tmp}/mk-fuzz.XXXXXX") || exit 70
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$crashdir" || exit 73

# A few HTML bodies (nesting, entities, tables, links, broken markup).
write_html_seeds() {
	d=$work/seeds-html
	mkdir -p "$d"
	printf '%s\n' '<html><head><title>t</title><style>p{}</style></head><body><p>Hello &amp; <b>world</b></p><br><a href="https://example.jp/x">here</a></body></html>' >"$d/1.html"
	printf '%s\n' '<table><tr><td>1</td><td>会議</td></tr><tr><td colspan=2>x</td></tr></table><ol><li>a<li>b</ol><pre>  keep   this </pre>' >"$d/2.html"
	printf '%s\n' '<div style="display:none">hidden</div><p hidden>h</p><a href="javascript:alert(1)">js</a><img alt="logo" src="cid:x"><script>var a=1;</script>&#x3042;&nbsp;&unknown;' >"$d/3.html"
	printf '%s\n' '<p><div><span><b><i><u><p><table><tr><td><ul><li><blockquote><h1>deep</h1></blockquote></li></ul></td></tr></table></p></u></i></b></span></div></p><!-- c --><![CDATA[x]]></foo>' >"$d/4.html"
	printf '%s' '<html><body><a href="data:text/html,x">d</a><a href="vbscript:x">v</a><a href="file:///etc/passwd">f</a><dl><dt>t<dd>d</dl><hr><h2>T</h2><noscript>n</noscript><iframe src=x></iframe>' >"$d/5.html"
}

# A few header values (encoded words, RFC 2231 parameters, address lists).
write_hdr_seeds() {
	d=$work/seeds-hdr
	mkdir -p "$d"
	printf '%s' '=?Shift_JIS?B?gWmHQIFq?= =?ISO-2022-JP?B?GyRCQEE1YT1xLSEtahsoQg==?=' >"$d/1"
	printf '%s' 'attachment; filename*0*=UTF-8'"''"'%E8%A6; filename*1*=%8B.pdf; filename="x.pdf"' >"$d/2"
	printf '%s' '"a\"b" <a@x.example>, =?UTF-8?B?YmFua0BiYW5rLmV4YW1wbGU=?= <e@y.example>, g: c@d.example;' >"$d/3"
	printf 'https://bank.example/\000https://evil.example/' >"$d/4"
}

seeds_for() {
	case $1 in
	mime)    echo "$corp/stalwart-mail-parser $corp/mime4j" ;;
	archive) echo "$corp/zip-slip $testfiles" ;;
	tnef)    echo "$corp/tnef" ;;
	html)    echo "$work/seeds-html $here/../data/text" ;;
	office)  echo "$corp/oletools $testfiles" ;;
	uu)      echo "$work/seeds-uu" ;;
	hdr)     echo "$work/seeds-hdr" ;;
	csv|ics|image|web) echo "$here/seeds/$1" ;;
	pdf)     echo "$corp/pdf-payloads" ;;
	ole|ooxml|rtf) echo "$corp/oletools" ;;
	esac
}

# uuencode, begin-base64 and yEnc blocks in text.
write_uu_seeds() {
	d=$work/seeds-uu
	mkdir -p "$d"
	printf 'Hi\nbegin 644 a.txt\n#86)C\n`\nend\nbye\n' >"$d/1.txt"
	printf 'begin-base64 644 b.bin\naGVsbG8K\n====\n' >"$d/2.txt"
	printf '=ybegin line=128 size=3 name=c.bin\n\x8b\x8c\x8d\n=yend size=3\n' >"$d/3.txt"
}

write_html_seeds
write_uu_seeds
write_hdr_seeds
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=0
for t in mime archive tnef html office uu names nodewire hdr csv ics pdf image web \
	ole ooxml rtf; do
	bin=$build/tests/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "fuzz $t: skipped (not built)"
		continue
	fi
	mkdir -p "$work/corpus-$t"
	seeds=
	for s in $(seeds_for "$t"); do
		[ -d "$s" ] && seeds="$seeds $s"
	done
	log=$crashdir/$t.log
	# shellcheck disable=SC2086 # seeds and FUZZ_ARGS are word lists
	"$bin" -max_total_time="$secs" -timeout="$tmo" -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashdir/$t-" \
		${FUZZ_ARGS:-} "$work/corpus-$t" $seeds >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "fuzz $t: ok"
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" >&2
	else
		echo "fuzz $t: FAILED (rc $rc, log $log)"
		grep -E 'Test unit written|ERROR: |SUMMARY' "$log" >&2
		grep -E '^ *#[0-9]+ ' "$log" | head -30 >&2
		failed=1
	fi
done
exit $failed
