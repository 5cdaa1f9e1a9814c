#!/bin/bash
# NAME
#   install-deps.sh - install every Debian package the build and tests need
#
# DESCRIPTION
#   Idempotent: asks dpkg which packages are missing and installs only those
#   (one `apt-get update` first, only when something is missing), so a second
#   run takes well under a second.  Postfix is preseeded to "No configuration"
#   so the install never prompts.  Must run as root (or via sudo).
#
# EXIT STATUS
#   0 all packages present, non-zero when apt-get failed or not root.
set -euo pipefail

PACKAGES=(
	build-essential pkg-config meson ninja-build
	libglib2.0-dev libgmime-3.0-dev libarchive-dev python3-zxcvbn libqrencode-dev libclamav-dev libmagic-dev
	libsqlite3-dev libxml2-dev libuchardet-dev libmilter-dev libssl-dev
	libmicrohttpd-dev libgnutls28-dev libsodium-dev libseccomp-dev curl openssl
	check clamav clamav-testfiles clamav-daemon
	swaks miltertest postfix
	postgresql libpq-dev
	jq sqlite3 file python3 python3-jsonschema zip p7zip-full
	chromium fonts-ipafont-gothic nodejs
	clang libfuzzer-14-dev
	libpoppler-glib-dev libcairo2-dev qpdf poppler-utils libxml2-utils
	libpng-dev libjpeg62-turbo-dev libgif-dev libwebp-dev libtiff-dev
	libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui
)

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing: ${missing[*]}" >&2
	echo "install-deps: run as root (sudo $0)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
# Postfix must not ask questions: preseed before it is installed.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "install-deps: done"
