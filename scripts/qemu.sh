#!/usr/bin/env bash
# Start QEMU on a FAT disk image with OVMF, the way every svmhv test and run does.
#
#   scripts/qemu.sh [--kvm] [--serial SPEC] IMAGE [-- extra qemu args]
#   scripts/qemu.sh --check-kvm       only check that nested SVM under KVM can work
#
# --serial SPEC   QEMU -serial backend; default mon:stdio (serial console and the
#                 QEMU monitor on this terminal: Ctrl-A X quits, Ctrl-A C monitor).
#                 With file:LOG the monitor is disabled and stdin is not read.
# --kvm           -accel kvm -cpu host (an AMD host with kvm_amd nested=1);
#                 the default is TCG: -accel tcg -cpu max.
#
# Environment overrides:
#   QEMU=qemu-system-x86_64   QEMU binary; one unpacked at ROOT/usr/bin (scripts/qemu10.sh)
#                             gets -L ROOT/usr/share/qemu and QEMU_MODULE_DIR=ROOT/usr/lib/
#                             x86_64-linux-gnu/qemu, as Debian's QEMU is not relocatable
#   SMP=1  MEM=1G             vCPUs and memory
#   CPU=max                   -cpu model under TCG (under --kvm: host)
#   TCG_THREAD=multi          TCG's threading: multi (one host thread per vCPU) or single
#                             (all vCPUs on one thread; tests/suites/60-kvm.sh uses it on
#                             QEMU 7.x, whose multi-threaded TCG can run a stale INT3 after
#                             Linux patches its text: docs/platforms.md)
#   OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
#   OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd  (template; a fresh copy per run is
#                             written next to IMAGE as IMAGE-without-.img.vars.fd)
#   QEMU_EXTRA="..."          extra QEMU arguments (word-split)
#
# QEMU is exec'ed: the caller's PID is QEMU's, so a harness can kill it directly.
set -euo pipefail

QEMU=${QEMU:-qemu-system-x86_64}
SMP=${SMP:-1}
MEM=${MEM:-1G}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

# Say exactly what is missing for nested SVM under KVM; status 0 if nothing.
check_kvm() {
	local bad=0 nested
	if ! grep -qw svm /proc/cpuinfo; then
		echo "kvm: this CPU has no AMD SVM (no 'svm' flag in /proc/cpuinfo): svmhv needs an AMD host" >&2
		bad=1
	fi
	if [ ! -e /dev/kvm ]; then
		echo "kvm: /dev/kvm does not exist: load the module with 'modprobe kvm_amd nested=1'" \
		     "(needs SVM enabled in the host firmware; a VM host must expose /dev/kvm)" >&2
		bad=1
	elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "kvm: /dev/kvm is not readable and writable by $(id -un): add yourself to group" \
		     "'$(stat -c %G /dev/kvm)' or run as root" >&2
		bad=1
	fi
	if [ -e /sys/module/kvm_amd/parameters/nested ]; then
		nested=$(cat /sys/module/kvm_amd/parameters/nested)
		if [ "$nested" != 1 ] && [ "$nested" != Y ]; then
			echo "kvm: kvm_amd is loaded with nested=$nested: reload it with" \
			     "'modprobe -r kvm_amd && modprobe kvm_amd nested=1'" >&2
			bad=1
		fi
	elif [ -e /dev/kvm ]; then
		local m loaded=""
		for m in /sys/module/kvm*; do [ -e "$m" ] && loaded+=" ${m##*/}"; done
		echo "kvm: /dev/kvm exists but kvm_amd is not loaded (loaded:${loaded:- none}):" \
		     "svmhv needs nested SVM, 'modprobe kvm_amd nested=1'" >&2
		bad=1
	fi
	return $bad
}

kvm=0 serial=mon:stdio image=""
while [ $# -gt 0 ]; do
	case $1 in
	--check-kvm) check_kvm; exit $? ;;
	--kvm) kvm=1; shift ;;
	--serial) serial=${2:?--serial needs a value}; shift 2 ;;
	--) shift; break ;;
	-*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	*) image=$1; shift ;;
	esac
done
if [ -z "$image" ] || [ ! -f "$image" ]; then echo "qemu.sh: no disk image '${image}'" >&2; exit 2; fi
for f in "$OVMF_CODE" "$OVMF_VARS"; do
	[ -f "$f" ] || { echo "qemu.sh: missing $f (Debian package ovmf; see scripts/deps.sh)" >&2; exit 1; }
done

if [ $kvm = 1 ]; then
	check_kvm || { echo "qemu.sh: cannot boot under KVM (see above)" >&2; exit 1; }
	accel=(-accel kvm -cpu host)
else
	case ${TCG_THREAD:-multi} in
	multi|single) ;;
	*) echo "qemu.sh: TCG_THREAD must be multi or single, not '$TCG_THREAD'" >&2; exit 2 ;;
	esac
	accel=(-accel "tcg,thread=${TCG_THREAD:-multi}" -cpu "${CPU:-max}")
fi

# A QEMU unpacked outside /usr (scripts/qemu10.sh): its own ROMs and modules, not the host's.
qroot=$(dirname "$(dirname "$(dirname "$(realpath -m "$(command -v "$QEMU" || echo "$QEMU")")")")")
datadir=()
if [ "$qroot" != / ] && [ -d "$qroot/usr/share/qemu" ]; then
	datadir=(-L "$qroot/usr/share/qemu")
	export QEMU_MODULE_DIR=${QEMU_MODULE_DIR:-$qroot/usr/lib/x86_64-linux-gnu/qemu}
fi

vars=${image%.img}.vars.fd
cp -f "$OVMF_VARS" "$vars"

args=("${datadir[@]}" -machine q35 "${accel[@]}" -m "$MEM" -smp "$SMP" -nographic -no-reboot -net none
      -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
      -drive "if=pflash,format=raw,unit=1,file=$vars"
      -drive "format=raw,file=$image"
      -serial "$serial")
case $serial in
mon:*) ;;
*) args+=(-monitor none) ;;
esac
# shellcheck disable=SC2206  # QEMU_EXTRA is meant to be word-split
extra=(${QEMU_EXTRA:-})
exec "$QEMU" "${args[@]}" "${extra[@]}" "$@"
