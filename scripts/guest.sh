#!/usr/bin/env bash
# Build svmhv's Linux guest from Debian packages, into build/guest/:
#   vmlinuz      Debian's kernel (EFI stub), from the real versioned package that
#                linux-image-amd64 depends on (e.g. linux-image-6.1.0-NN-amd64)
#   initrd.img   gzip'ed newc cpio: busybox-static, /init (tests/guest/init),
#                /usr/bin/svmhv-info (tests/guest/svmhv-info.c, static),
#                /usr/bin/kvmtest (tests/guest/kvmtest.c, static) and the
#                kernel modules in GUEST_MODULES with their dependencies
#   kernel.version
# The .debs are fetched with `apt-get download` (never installed) into
# build/guest/debs and reused: a rerun touches the network only when the
# Debian kernel version changed (and apt's lists say so).
#
# Environment overrides:
#   GUEST_DIR=build/guest
#   GUEST_MODULES="kvm_amd msr" modules copied into the initramfs (not loaded at boot)
#   GUEST_OFFLINE=1           never call apt-get; use what build/guest/debs holds
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${GUEST_DIR:-build/guest}
modules=${GUEST_MODULES-kvm_amd msr}
debs=$out/debs
mkdir -p "$debs"
# One build at a time (test suites may boot several guests in parallel).
exec 9>"$out/.lock"
flock 9
log() { echo "guest: $*" >&2; }

sudo_if_needed() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else echo "guest: need root for: $*" >&2; return 1; fi
}

# The versioned kernel package linux-image-amd64 depends on (empty if unknown).
kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# shellcheck disable=SC2012,SC2086  # $1 is a glob; .deb names have no odd characters
newest_cached() { ls -t "$debs"/$1 2>/dev/null | head -1; }

# fetch PKG: build/guest/debs/PKG_*.deb, downloading it if not cached.
fetch() {
	local pkg=$1 deb
	deb=$(newest_cached "${pkg}_*.deb")
	if [ -z "$deb" ]; then
		[ "${GUEST_OFFLINE:-0}" != 1 ] || { echo "guest: $pkg not cached and GUEST_OFFLINE=1" >&2; return 1; }
		log "apt-get download $pkg"
		if ! (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null); then
			log "download failed; refreshing apt's lists (apt-get update) and retrying"
			sudo_if_needed apt-get update -qq
			(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
		fi
		deb=$(newest_cached "${pkg}_*.deb")
	fi
	[ -n "$deb" ] || { echo "guest: could not download $pkg" >&2; return 1; }
	echo "$deb"
}

# --- which kernel ----------------------------------------------------------------
kpkg=""
if [ "${GUEST_OFFLINE:-0}" != 1 ]; then
	kpkg=$(kernel_pkg)
	if [ -z "$kpkg" ] && [ -z "$(newest_cached 'linux-image-*-amd64_*.deb')" ]; then
		log "apt lists have no linux-image-amd64: running apt-get update"
		sudo_if_needed apt-get update -qq
		kpkg=$(kernel_pkg)
	fi
fi
if [ -z "$kpkg" ]; then   # offline, or apt knows nothing: use the cached kernel
	cached=$(newest_cached 'linux-image-*-amd64_*.deb')
	[ -n "$cached" ] || { echo "guest: cannot resolve linux-image-amd64 (no apt lists, nothing cached)" >&2; exit 1; }
	kpkg=$(basename "$cached"); kpkg=${kpkg%%_*}
fi
kdeb=$(fetch "$kpkg")
bdeb=$(fetch busybox-static)
for old in "$debs"/linux-image-*.deb; do   # drop superseded kernels (~70 MB each)
	[ "$old" = "$kdeb" ] || rm -f "$old"
done

# --- unpack (once per .deb) --------------------------------------------------------
unpack() {   # unpack DEB DIR: extract unless DIR/.from names this DEB already
	if [ "$(cat "$2/.from" 2>/dev/null)" != "$(basename "$1")" ]; then
		rm -rf "$2"
		mkdir -p "$2"
		dpkg-deb -x "$1" "$2"
		basename "$1" > "$2/.from"
	fi
}
unpack "$kdeb" "$out/kernel"
unpack "$bdeb" "$out/busybox"
kver=$(find "$out/kernel/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | head -1)
if [ -z "$kver" ] || [ ! -f "$out/kernel/boot/vmlinuz-$kver" ]; then
	echo "guest: no vmlinuz in $kdeb" >&2
	exit 1
fi
cp -f "$out/kernel/boot/vmlinuz-$kver" "$out/vmlinuz"
echo "$kver" > "$out/kernel.version"

# --- up to date? (same kernel, busybox, modules; no newer input) ---------------------
stamp="$(basename "$kdeb") $(basename "$bdeb") modules=$modules"
inputs=(scripts/guest.sh tests/guest/init tests/guest/svmhv-info.c tests/guest/kvmtest.c tests/guest/guest-hc.h hv/hypercall.h)
if [ -f "$out/initrd.img" ] && [ "$(cat "$out/initrd.stamp" 2>/dev/null)" = "$stamp" ] &&
   [ -z "$(find "${inputs[@]}" -newer "$out/initrd.img" 2>/dev/null)" ]; then
	log "up to date: kernel $kver, $out/vmlinuz + $out/initrd.img"
	exit 0
fi

# --- the guest tools -----------------------------------------------------------------
gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I"$root" tests/guest/svmhv-info.c \
	-o "$out/svmhv-info"
strip "$out/svmhv-info"
gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I"$root" tests/guest/kvmtest.c -o "$out/kvmtest"
strip "$out/kvmtest"

# --- initramfs tree ------------------------------------------------------------------
tree=$out/initramfs
rm -rf "$tree"
mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,run,mnt}
cp "$out/busybox/bin/busybox" "$tree/bin/busybox"
cp tests/guest/init "$tree/init"
chmod 755 "$tree/init"
cp "$out/svmhv-info" "$tree/usr/bin/svmhv-info"
cp "$out/kvmtest" "$tree/usr/bin/kvmtest"
echo "root:x:0:0:root:/root:/bin/sh" > "$tree/etc/passwd"
echo "root:x:0:" > "$tree/etc/group"

# Modules: each named one plus what it depends on (the .ko's own modinfo
# "depends=" field: the .deb ships no modules.dep and depmod may be absent), and
# a modules.dep for busybox modprobe, each line listing a module's dependencies
# dependents-first as depmod does.
declare -A ko_path=() ko_deps=() ko_seen=()
ko_order=()
ko_cat() { case $1 in *.xz) xz -dc "$1" ;; *.zst) zstd -qdc "$1" ;; *) cat "$1" ;; esac; }
ko_visit() {     # depth first: dependencies land in ko_order before their users
	local m=$1 d deps
	[ -z "${ko_seen[$m]:-}" ] || return 0
	ko_seen[$m]=1
	[ -n "${ko_path[$m]:-}" ] || { echo "guest: module $m not found in $kver" >&2; exit 1; }
	deps=$(ko_cat "$mdir/${ko_path[$m]}" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -1)
	ko_deps[$m]=${deps//,/ }
	for d in ${ko_deps[$m]}; do ko_visit "${d//-/_}"; done
	ko_order+=("$m")
}
ko_closure() {   # all dependencies of $1, dependents first
	local m=$1 i c=" "
	for ((i = ${#ko_order[@]} - 1; i >= 0; i--)); do
		# ko_order[i] is in the closure if some closure member (or m) depends on it
		for x in $m $c; do
			[[ " ${ko_deps[$x]//-/_} " == *" ${ko_order[i]} "* ]] && { c+="${ko_order[i]} "; break; }
		done
	done
	for x in $c; do printf ' %s' "${ko_path[$x]}"; done
}
if [ -n "$modules" ]; then
	mdir=$out/kernel/lib/modules/$kver
	tdir=$tree/lib/modules/$kver
	while IFS= read -r f; do
		n=${f##*/}; n=${n%%.ko*}; ko_path[${n//-/_}]=$f
	done < <(cd "$mdir" && find kernel -name '*.ko*')
	for m in $modules; do ko_visit "${m//-/_}"; done
	mkdir -p "$tdir"
	: > "$tdir/modules.dep"
	for m in "${ko_order[@]}"; do
		mkdir -p "$tdir/$(dirname "${ko_path[$m]}")"
		cp "$mdir/${ko_path[$m]}" "$tdir/${ko_path[$m]}"
		echo "${ko_path[$m]}:$(ko_closure "$m")" >> "$tdir/modules.dep"
	done
	for f in modules.builtin modules.order; do
		[ -f "$mdir/$f" ] && cp "$mdir/$f" "$tdir/$f"
	done
fi

# --- cpio newc + gzip, owned by root, reproducible order ------------------------------
(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > "$out/initrd.img.tmp"
mv -f "$out/initrd.img.tmp" "$out/initrd.img"
echo "$stamp" > "$out/initrd.stamp"
log "kernel $kver ($(basename "$kdeb")), $(du -h "$out/vmlinuz" | cut -f1) vmlinuz," \
    "$(du -h "$out/initrd.img" | cut -f1) initrd.img${modules:+ (modules: $modules)}"
