#!/bin/sh
# NAME
#   bench/cdr/run.sh - CDR filter throughput per type against libclamav
#
# SYNOPSIS
#   bench/cdr/run.sh [-r ROUNDS] BUILDDIR
#
# DESCRIPTION
#   BUILDDIR is a meson build of this tree with mukaika-worker built (use
#   -Dbuildtype=release for meaningful numbers).  bench_cdr.c is compiled
#   here against BUILDDIR/libmukaika.a.  Inputs, read by path, never
#   copied: ../shared/corpora (oletools ooxml and rtfobj samples, the
#   oletools .doc/.xls/.ppt outside encrypted/, pdf-payloads), clamav-testfiles (clam.pdf, clam.exe.rtf), plus images
#   generated under BUILDDIR/bench-cdr/ (PNG, GIF, BMP, TIFF of a few sizes).
#   Each file's type is `file --mime-type`.  The config uses the unit
#   tests' signature database (EICAR, ClamAV-Test-File) so that the scan
#   reference is the engine's own libclamav pass, not a DB load.
#   Text PDFs from gen_pdf.c (English, Japanese; 1 and 10 pages).
#   Prints bench_cdr's per-type lines (docs/s, MB/s, scan docs/s, ratio),
#   the PDF text layer's cost (ms per page with and without, ratio), and
#   per type whether the outputs are usable: open (pdfinfo, or LibreOffice
#   converts them) and keep text when the input has text (pdftotext).
#   Then issue 17's target 4: ms per A4 page of the pdf filter (no text
#   layer) on the generated text PDFs against pdftoppm -r DPI -gray | gzip -1 on
#   the same files in the same run (the render floor), ratio <= 1.2,
#   PASS/MISS.
#
# DIAGNOSTICS
#   Exit status of bench_cdr; 1 when the build is missing, 64 usage.
set -u
rounds=3
while getopts r: o; do
	case $o in r) rounds=$OPTARG ;; *) echo "usage: $0 [-r ROUNDS] BUILDDIR" >&2; exit 64 ;; esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [-r ROUNDS] BUILDDIR" >&2; exit 64; }
build=$(cd "$1" && pwd) here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd) shared=$(cd "$src/../shared" 2>/dev/null && pwd)
work=$build/bench-cdr
die() { echo "bench: $*" >&2; exit 1; }
[ -f "$build/libmukaika.a" ] || die "$build/libmukaika.a not built"
[ -x "$build/src/worker/mukaika-worker" ] || die "mukaika-worker not built"
mkdir -p "$work/img" "$work/db" "$work/state"

inc=""
for d in src filters src/common src/model src/engine src/store; do inc="$inc -iquote $src/$d"; done
# shellcheck disable=SC2046,SC2086
cc -O2 -std=c11 -D_GNU_SOURCE $inc $(pkg-config --cflags glib-2.0 gmime-3.0) \
	-o "$work/bench_cdr" "$here/bench_cdr.c" "$build/libmukaika.a" \
	$(pkg-config --libs glib-2.0 gmime-3.0 libarchive libclamav libmagic sqlite3 \
	  libpq libxml-2.0 uchardet libcrypto) -lpthread || die "compile failed"

# text PDFs (English and Japanese, 1 and 10 pages) for the text layer's cost
# shellcheck disable=SC2046
cc -O2 -std=c11 -o "$work/gen_pdf" "$here/gen_pdf.c" $(pkg-config --cflags --libs cairo) ||
	die "gen_pdf: compile failed"
mkdir -p "$work/pdf"
for spec in en:1 en:10 ja:1 ja:10; do
	"$work/gen_pdf" "$work/pdf/text-${spec%:*}-${spec#*:}.pdf" "${spec#*:}" "${spec%:*}" ||
		die "gen_pdf failed"
done

python3 - "$work/img" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))
for w, h in ((64, 64), (640, 480), (1920, 1080)):
    raw = b''.join(b'\0' + bytes((x * 7 + y) & 255 for x in range(w * 3)) for y in range(h))
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) \
        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
    open(f'{d}/i{w}.png', 'wb').write(png)
    stride = (w * 3 + 3) & ~3
    pix = b''.join(bytes((x + y) & 255 for x in range(stride)) for y in range(h))
    bmp = b'BM' + struct.pack('<IHHI', 54 + len(pix), 0, 0, 54) + struct.pack(
        '<IiiHHIIiiII', 40, w, h, 1, 24, 0, len(pix), 2835, 2835, 0, 0) + pix
    open(f'{d}/i{w}.bmp', 'wb').write(bmp)
    # baseline TIFF, uncompressed RGB, one strip
    n, data = 10, w * h * 3
    ent = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 3, 8 + 2 + n * 12 + 4), (259, 3, 1, 1),
           (262, 3, 1, 2), (273, 4, 1, 8 + 2 + n * 12 + 4 + 6), (277, 3, 1, 3),
           (278, 4, 1, h), (279, 4, 1, data), (284, 3, 1, 1)]
    ifd = struct.pack('<H', n) + b''.join(
        struct.pack('<HHI', t, ty, c) + (struct.pack('<HH', v, 0) if ty == 3 and c == 1
                                         else struct.pack('<I', v)) for t, ty, c, v in ent)
    tif = b'II*\0' + struct.pack('<I', 8) + ifd + struct.pack('<I', 0) + struct.pack('<HHH', 8, 8, 8) \
        + bytes((i * 7) & 255 for i in range(data))
    open(f'{d}/i{w}.tif', 'wb').write(tif)
open(f'{d}/dot.gif', 'wb').write(b'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00'
    b'!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;')
PY

e='X5O!P%@AP[4\PZX54(P^)7CC)7}$'"EICAR-STANDARD-"'ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s\n%s\n' "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature" \
	"aa15bcf478d165efd2065190eb473bcb:544:ClamAV-Test-File" >"$work/db/test.hdb"
printf 'Eicar-Test-Signature-Body:0:*:%s\n' "$(printf '%s' "$e" | od -An -tx1 | tr -d ' \n')" \
	>"$work/db/test.ndb"
cat >"$work/bench.conf" <<CONF
[general]
state_dir = $work/state
[clamav]
database_dir = $work/db
[worker]
path = $build/src/worker/mukaika-worker
CONF

list=$work/list.txt
: >"$list"
{
	ls "$work"/img/* "$work"/pdf/*
	ls /usr/share/clamav-testfiles/clam.pdf /usr/share/clamav-testfiles/clam.exe.rtf 2>/dev/null
	[ -n "$shared" ] && find "$shared/corpora/pdf-payloads" "$shared/corpora/oletools/ooxml" \
		"$shared/corpora/oletools/rtfobj" -type f 2>/dev/null
	# legacy Office (filter ole): every .doc/.xls/.ppt that is not encrypted
	[ -n "$shared" ] && find "$shared/corpora/oletools" -path '*/encrypted' -prune -o \
		-type f \( -name '*.doc' -o -name '*.xls' -o -name '*.ppt' \) -print 2>/dev/null
} | while read -r f; do
	printf '%s\t%s\n' "$(file --mime-type -b "$f")" "$f" >>"$list"
done
echo "bench: $(wc -l <"$list") files, $rounds rounds" >&2
rm -rf "$work/out"; mkdir -p "$work/out"
"$work/bench_cdr" "$work/bench.conf" "$list" "$rounds" "$work/out"
rc=$?

# Target 4 (issue 17): a rasterized page against the render floor, on the
# generated text PDFs (A4, colourless: mukaika writes them as gray page
# images), in the same run: mukaika's pdf filter without the text layer
# (bench_cdr's ms_page_without, wall, fork server included) against
# pdftoppm -r DPI -gray | gzip -1 on the same files (render to 8-bit gray
# + Flate at level 1, the compression of mukaika's page images; wall,
# process starts included; pdftoppm -png was 20 x slower in its PNG
# writer than in rendering), ROUNDS times each.
if command -v pdftoppm >/dev/null; then
	dpi=$(awk -F' *= *' '$1 == "dpi" { print $2 }' "$work/bench.conf")
	dpi=${dpi:-150}
	plist=$work/list-genpdf.txt
	grep "$work/pdf/" "$list" >"$plist"
	mk=$("$work/bench_cdr" "$work/bench.conf" "$plist" "$rounds" 2>/dev/null |
		sed -n 's/.*text_layer:.* ms_page_without=\([0-9.]*\).*/\1/p' | head -n 1)
	pages=0
	for f in $(cut -f2 "$plist"); do
		pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ { print $2 }')))
	done
	# the floor's CPU from the shell's children times (user + sys)
	cpu_of() { tail -n 1 | tr 'ms' '  ' | awk '{ print $1 * 60 + $2 + $3 * 60 + $4 }'; }
	c0=$( (times) | cpu_of)
	t0=$(date +%s.%N)
	c1=$( (for _ in $(seq "$rounds"); do
		for f in $(cut -f2 "$plist"); do
			pdftoppm -r "$dpi" -gray "$f" | gzip -1 >/dev/null || exit 1
		done
	done; times) | cpu_of) || die "pdftoppm failed"
	t1=$(date +%s.%N)
	awk -v mk="$mk" -v t0="$t0" -v t1="$t1" -v p="$pages" -v r="$rounds" -v dpi="$dpi" \
	    -v c="$c1" -v cz="$c0" 'BEGIN {
		fl = (t1 - t0) * 1000 / (p * r)
		printf "pdf floor: pdftoppm -r %d -gray | gzip -1: %.1f ms/page wall, %.1f ms/page CPU (A4, %d pages x %d rounds, process starts included)\n", dpi, fl, (c - cz) * 1000 / (p * r), p, r
		if (mk == "") { print "target 4  no mukaika ms/page measured  MISS"; exit }
		printf "target 4  A4 page raster (wall), mukaika / pdftoppm floor = %.1f / %.1f = %.2f  (<= 1.20)  %s\n",
		       mk, fl, mk / fl, mk / fl <= 1.2 ? "PASS" : "MISS" }'
fi

# Usable output, per type: it opens (pdfinfo; LibreOffice converts an
# office document to PDF, all in one run), and keeps text when the input
# has some (pdftotext of the output, or of LibreOffice's PDF of it).
words() { pdftotext "$1" - 2>/dev/null | tr -s ' \n\f' '\n\n\n' | grep -c .; }
tsv=$work/out/outputs.tsv
[ -s "$tsv" ] || exit $rc
if command -v soffice >/dev/null; then
	mkdir -p "$work/lo"
	cut -f3 "$tsv" | grep -v -E '\.(pdf|png|gif|bmp|tif|jpg)$' | tr '\n' '\0' |
		xargs -0 -r timeout 600 soffice -env:UserInstallation="file://$work/lo-profile" \
			--headless --norestore --convert-to pdf --outdir "$work/lo" >/dev/null 2>&1
fi
tab=$(printf '\t')
while IFS=$tab read -r type in out; do
	case $out in
	*.pdf) pdf=$out; inw=$(words "$in") ;;
	*.png|*.gif|*.bmp|*.tif|*.jpg) pdf= ;;
	*) b=$(basename "$out"); pdf=$work/lo/${b%.*}.pdf; inw=1 ;;
	esac
	if [ -z "$pdf" ]; then
		file -b --mime-type "$out" | grep -q '^image/' && echo "$type 1 0 0" || echo "$type 0 0 0"
	elif pdfinfo "$pdf" >/dev/null 2>&1; then
		echo "$type 1 $([ "$inw" -gt 0 ] && echo 1 || echo 0) $([ "$(words "$pdf")" -gt 0 ] && echo 1 || echo 0)"
	else
		echo "$type 0 1 0"
	fi
done <"$tsv" | awk '{ n[$1]++; open[$1] += $2; had[$1] += $3; kept[$1] += ($3 && $4) }
	END { for (t in n) printf "type=%s usable: outputs=%d open=%d text_kept=%d/%d\n",
	      t, n[t], open[t], kept[t], had[t] }' | sort
exit $rc
