#!/usr/bin/env bash
# Install the Debian packages svmhv needs to build and test, if any is missing.
# Host tools only: the guest kernel and busybox are fetched by scripts/guest.sh
# with `apt-get download` into build/, never installed on this machine.
set -euo pipefail

PKGS=(build-essential gnu-efi nasm qemu-system-x86 ovmf mtools dosfstools cpio
      libcmocka-dev pkg-config binutils dpkg-dev xz-utils zstd python3 cppcheck clang-tidy
      shellcheck bc sbsigntool openssl gdb clang libclang-rt-dev)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "svmhv: installing missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null; then SUDO=sudo; else
		echo "svmhv: not root and no sudo; install these as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "svmhv: installed ${missing[*]}"
