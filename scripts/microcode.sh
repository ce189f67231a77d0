#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch Debian's amd64-microcode package (bookworm, component non-free-firmware) and
# unpack it under build/microcode/root/, without installing anything and without
# touching the host's apt configuration: AMD's microcode containers for svmhv's
# tests (tests/unit/test_ucode_real.c) and for `make esp` users who want them beside
# svmhv.efi (README "Microcode and errata").
#
#   scripts/microcode.sh            fetch (once) and print the directory holding
#                                   microcode_amd*.bin on stdout
#   scripts/microcode.sh --check    only check; status 1 if nothing is unpacked
#
# apt runs with a private configuration under build/microcode/apt/, as scripts/qemu10.sh
# does for QEMU 10: its own sources.list (the host's Debian mirror, suite bookworm,
# component non-free-firmware), lists, cache and an empty dpkg status, so `apt-get
# update` and `apt-get download` there never change what the host's apt knows. The .deb
# is kept in build/microcode/debs/ (unpacking again needs no network) and unpacked with
# dpkg-deb -x. The firmware files are never committed.
#
# Environment overrides:
#   MICROCODE_DIR=build/microcode
#   MICROCODE_MIRROR=<URL>    Debian mirror (default: the first URI of the host's apt
#                             sources that serves bookworm)
#   MICROCODE_SUITE=bookworm
#   MICROCODE_OFFLINE=1       never call apt-get; use what build/microcode/debs/ holds
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/apt-private.sh
. scripts/apt-private.sh

dir=$(realpath -m "${MICROCODE_DIR:-build/microcode}")
suite=${MICROCODE_SUITE:-bookworm}
pkg=amd64-microcode
root=$dir/root
fw=$root/lib/firmware/amd-ucode
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

log() { echo "microcode: $*" >&2; }
die() { echo "microcode: error: $*" >&2; exit 1; }

have_files() { compgen -G "$fw/microcode_amd*.bin" >/dev/null; }

# apt-get with the private configuration under $dir/apt (scripts/apt-private.sh).
papt() { apt_private "$dir/apt" "$@"; }

fetch() {
	local a=$dir/apt mirror
	mirror=${MICROCODE_MIRROR:-$(apt_host_mirror)}
	[ -n "$mirror" ] || die "no Debian mirror serving 'bookworm' in /etc/apt/sources.list*; set MICROCODE_MIRROR=<URL>"
	[ -r "$keyring" ] || die "missing $keyring (Debian package debian-archive-keyring)"
	mkdir -p "$a/sources.list.d" "$a/preferences.d" "$a/state/lists/partial" \
		"$a/cache/archives/partial" "$dir/debs"
	: > "$a/status"
	echo "deb [signed-by=$keyring] $mirror $suite non-free-firmware" > "$a/sources.list"
	log "apt-get update ($mirror $suite non-free-firmware, private lists in $a)"
	if ! papt update >"$a/update.log" 2>&1 || grep -qE '^(W|E):' "$a/update.log"; then
		sed 's/^/  /' "$a/update.log" >&2
		die "apt-get update of $mirror $suite failed (network or mirror unreachable?)"
	fi
	rm -f "$dir"/debs/*.deb
	log "apt-get download $pkg"
	if ! (cd "$dir/debs" && papt download "$pkg") >"$a/download.log" 2>&1; then
		sed 's/^/  /' "$a/download.log" >&2
		die "apt-get download $pkg from $suite failed (see $a/download.log)"
	fi
}

if [ "${1:-}" = --check ]; then
	have_files && { echo "$fw"; exit 0; }
	exit 1
fi
[ $# = 0 ] || { echo "usage: $0 [--check]" >&2; exit 2; }
if have_files; then
	echo "$fw"
	exit 0
fi
command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (Debian package dpkg)"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if ! compgen -G "$dir/debs/${pkg}_*.deb" >/dev/null; then
	[ "${MICROCODE_OFFLINE:-0}" != 1 ] || die "MICROCODE_OFFLINE=1 but $dir/debs/ holds no $pkg"
	fetch
fi
rm -rf "$root.tmp"
mkdir -p "$root.tmp"
dpkg-deb -x "$dir"/debs/${pkg}_*.deb "$root.tmp"
rm -rf "$root"
mv "$root.tmp" "$root"
have_files || die "$pkg holds no lib/firmware/amd-ucode/microcode_amd*.bin"
log "$(basename "$dir"/debs/${pkg}_*.deb): $(find "$fw" -name 'microcode_amd*.bin' | wc -l) container files"
echo "$fw"
