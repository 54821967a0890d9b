#!/bin/sh
# Install the Debian packages rdb needs to build and test, if missing.
# As root it runs apt-get; with sudo it uses sudo; otherwise it prints
# the command to run and fails.
set -eu

pkgs="gcc make pkg-config libzstd-dev liblz4-dev libarchive-dev
libsodium-dev libxxhash-dev libmd-dev libedit-dev bats mandoc util-linux
faketime"

if ! command -v dpkg-query >/dev/null 2>&1; then
	missing=
	for p in libzstd liblz4 libarchive libsodium libxxhash libmd libedit; do
		pkg-config --exists "$p" 2>/dev/null || missing="$missing $p"
	done
	for c in bats mandoc; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	if [ -n "$missing" ]; then
		echo "deps: not a Debian system; install these yourself:$missing" >&2
		exit 1
	fi
	exit 0
fi

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO=sudo
else
	echo "deps: missing packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >&2
