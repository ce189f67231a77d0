#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch QEMU 10 from Debian's bookworm-backports and unpack it under build/qemu10/root/,
# without installing anything and without touching the host's apt configuration.
#
#   scripts/qemu10.sh            fetch (once) and print the binary's path on stdout
#   scripts/qemu10.sh --check    only check the unpacked binary; status 1 if it is not there
#
#   QEMU=$(scripts/qemu10.sh) make run-batch     svmhv + Linux under QEMU 10's TCG
#
# apt runs with a private configuration under build/qemu10/apt/: its own sources.list
# (the host's Debian mirror, suite bookworm-backports, component main), its own lists,
# cache and an empty dpkg status, so `apt-get update` and `apt-get download` there never
# change what the host's apt knows. The .debs (qemu-system-x86, qemu-system-common,
# qemu-system-data, qemu-system-modules-opengl and -spice) are unpacked with dpkg-deb -x. The
# binary runs on Debian 12's own libraries (the packages' other dependencies are the ones
# the host's qemu-system-x86 already pulled in); a missing library is reported by name.
#
# Debian's QEMU is not relocatable: wherever it lies it reads ROMs from /usr/share/qemu
# (then /usr/share/seabios, /usr/lib/ipxe/qemu) and modules from
# /usr/lib/x86_64-linux-gnu/qemu, i.e. the host's QEMU 7.2 files. scripts/qemu.sh
# therefore runs a QEMU found at ROOT/usr/bin with -L ROOT/usr/share/qemu (searched
# first; vgabios still comes from the host's seabios) and QEMU_MODULE_DIR=ROOT/usr/lib/
# x86_64-linux-gnu/qemu. The opengl and spice module packages are fetched only so that
# their ui-opengl.so and ui-spice-core.so shadow the host's 7.2 ones, which QEMU 10 would
# otherwise try to load at start ("Only modules from the same build can be loaded",
# "undefined symbol"; harmless, but noise). The host's OVMF works as is.
#
# Environment overrides:
#   QEMU10_DIR=build/qemu10
#   QEMU10_MIRROR=<URL>       Debian mirror (default: the first deb.debian.org-style
#                             URI of the host's apt sources that serves bookworm)
#   QEMU10_SUITE=bookworm-backports
#   QEMU10_OFFLINE=1          never call apt-get; use what build/qemu10/debs/ holds
# The .debs are kept in build/qemu10/debs/: unpacking again needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/apt-private.sh
. scripts/apt-private.sh

dir=$(realpath -m "${QEMU10_DIR:-build/qemu10}")
suite=${QEMU10_SUITE:-bookworm-backports}
pkgs=(qemu-system-x86 qemu-system-common qemu-system-data qemu-system-modules-opengl
      qemu-system-modules-spice)
root=$dir/root
bin=$root/usr/bin/qemu-system-x86_64
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

log() { echo "qemu10: $*" >&2; }
die() { echo "qemu10: error: $*" >&2; exit 1; }

# The unpacked binary runs (its libraries resolve) and says it is QEMU 10 or later.
check_binary() {
	local v missing
	[ -x "$bin" ] || return 1
	missing=$(ldd "$bin" 2>/dev/null | awk '/not found/ { print $1 }' | tr '\n' ' ')
	if [ -n "$missing" ]; then
		log "$bin needs libraries this system lacks: $missing"
		return 1
	fi
	v=$("$bin" --version 2>/dev/null | head -1) || return 1
	if ! [[ $v =~ version\ ([0-9]+)\. ]] || [ "${BASH_REMATCH[1]}" -lt 10 ]; then
		log "$bin says '$v', not QEMU 10 or later"
		return 1
	fi
}

# apt-get with the private configuration under $dir/apt (scripts/apt-private.sh).
papt() { apt_private "$dir/apt" "$@"; }

setup_apt() {
	local a=$dir/apt mirror
	mirror=${QEMU10_MIRROR:-$(apt_host_mirror)}
	[ -n "$mirror" ] || die "no Debian mirror serving 'bookworm' in /etc/apt/sources.list*; set QEMU10_MIRROR=<URL>"
	[ -r "$keyring" ] || die "missing $keyring (Debian package debian-archive-keyring)"
	mkdir -p "$a/sources.list.d" "$a/preferences.d" "$a/state/lists/partial" "$a/cache/archives/partial"
	: > "$a/status"
	echo "deb [signed-by=$keyring] $mirror $suite main" > "$a/sources.list"
	log "apt-get update ($mirror $suite main, private lists in $a)"
	if ! papt update >"$a/update.log" 2>&1; then
		sed 's/^/  /' "$a/update.log" >&2
		die "apt-get update of $mirror $suite failed (network or mirror unreachable?); see $a/update.log"
	fi
	if grep -qE '^(W|E):' "$a/update.log"; then
		grep -E '^(W|E):' "$a/update.log" | sed 's/^/  /' >&2
		die "apt-get update of $mirror $suite reported errors (network or mirror unreachable?)"
	fi
}

download() {
	local debs=$dir/debs
	mkdir -p "$debs"
	rm -f "$debs"/*.deb
	log "apt-get download ${pkgs[*]}"
	if ! (cd "$debs" && papt download "${pkgs[@]}") >"$dir/apt/download.log" 2>&1; then
		sed 's/^/  /' "$dir/apt/download.log" >&2
		die "apt-get download from $suite failed (network or mirror unreachable?)"
	fi
	have_debs || die "not every one of ${pkgs[*]} was downloaded (see $dir/apt/download.log)"
}

# Every package's .deb is in $dir/debs (a rerun after `rm -r root` needs no network).
have_debs() {
	local p
	for p in "${pkgs[@]}"; do compgen -G "$dir/debs/${p}_*.deb" >/dev/null || return 1; done
}

unpack() {
	local d tmp=$dir/root.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for d in "$dir"/debs/*.deb; do dpkg-deb -x "$d" "$tmp"; done
	rm -rf "$root"
	mv "$tmp" "$root"
}

if [ "${1:-}" = --check ]; then
	check_binary && { echo "$bin"; exit 0; }
	exit 1
fi
[ $# = 0 ] || { echo "usage: $0 [--check]" >&2; exit 2; }

if check_binary; then
	echo "$bin"
	exit 0
fi
command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (Debian package dpkg)"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if ! have_debs; then
	[ "${QEMU10_OFFLINE:-0}" != 1 ] || die "QEMU10_OFFLINE=1 but $dir/debs/ lacks some of: ${pkgs[*]}"
	setup_apt
	download
fi
unpack
check_binary || die "the unpacked $bin does not run on this system (see above)"
log "$("$bin" --version | head -1)"
echo "$bin"
