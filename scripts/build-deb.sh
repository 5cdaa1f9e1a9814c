#!/bin/bash
# NAME
#   build-deb.sh - build the Debian packages of mukaika
#
# SUMMARY
#   scripts/build-deb.sh [OUTDIR]
#
# DESCRIPTION
#   Places packaging/debian/ as debian/ at the top of the source tree (a copy,
#   git-ignored: packaging/debian/ stays the one source), adds the systemd
#   units of packaging/systemd/ under the names debhelper expects (a daemon's
#   unit to its own package, the routines' timers to mukaika-common), and runs
#   `dpkg-buildpackage -us -uc -b` (tests are not run: nocheck).  The .deb,
#   .buildinfo and .changes files are moved to OUTDIR (default build-deb/).
#   Needs the build dependencies of debian/control (scripts/install-deps.sh).
#
# EXIT STATUS
#   0 when the packages were built, non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
OUT=${1:-$SRC/build-deb}

rm -rf debian
cp -a packaging/debian debian
for u in packaging/systemd/*.service packaging/systemd/*.timer; do
	[ -e "$u" ] || continue
	name=$(basename "$u")
	case "$name" in
	mukaika-milter.service|mukaika-dropd.service|mukaika-web.service)
		cp "$u" "debian/${name%.service}.service" ;;
	*)	cp "$u" "debian/mukaika-common.$name" ;;
	esac
done

# debhelper points HOME at a private directory: keep the caller's ccache,
# and let copies of the tree in other places share it.
if command -v ccache > /dev/null; then
	CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir 2> /dev/null || echo "$HOME/.cache/ccache")}
	export CCACHE_DIR CCACHE_BASEDIR=$SRC CCACHE_NOHASHDIR=1
fi
export DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}"
# dpkg-buildpackage writes its results into the parent directory; keep
# them apart per checkout.
dpkg-buildpackage -us -uc -b
mkdir -p "$OUT"
ver=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
mv ../mukaika-*_"${ver}"_"${arch}".deb ../mukaika-*_"${ver}"_"${arch}".ddeb "$OUT"/ 2>/dev/null || true
mv ../mukaika_"${ver}"_"${arch}".buildinfo ../mukaika_"${ver}"_"${arch}".changes "$OUT"/
rm -rf debian "obj-$(dpkg-architecture -qDEB_HOST_GNU_TYPE)"
ls -l "$OUT"
