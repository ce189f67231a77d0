#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CPU feature matrix (facts, not pass/fail tests): for each -cpu value, under QEMU TCG,
#   1. cpuidump.efi booted directly by OVMF: what QEMU offers (CPUID 1, 8000_0001,
#      8000_0008, 8000_000A);
#   2. svmhv (nested=1) chain-loading cpuidump.efi: svmhv's banner or refusal, and
#      what its guest sees;
#   3. scripts/run.sh --batch (what `make run-batch` runs): svmhv + Debian's Linux.
# One '|'-separated markdown row per -cpu value on stdout; logs in MATRIX_DIR.
#
#   tests/platform/cpu-matrix.sh [CPU ...]      default: the list below
#   QEMU=$(scripts/qemu10.sh) tests/platform/cpu-matrix.sh max EPYC-Genoa
#
# Environment: QEMU (binary, default qemu-system-x86_64), MATRIX_LINUX=0 skips step 3,
# MATRIX_DIR=build/test-logs/cpu-matrix, SMP=2.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/qemu/lib.sh
. tests/qemu/lib.sh

QEMU=${QEMU:-qemu-system-x86_64}
export QEMU SMP=${SMP:-2}
qver=$("$QEMU" --version | awk 'NR == 1 { print $4 }')
base=${MATRIX_DIR:-build/test-logs/cpu-matrix}/$qver
mkdir -p "$base"
base=$(cd "$base" && pwd)
if [ $# = 0 ]; then
	set -- max max,vgif=off max,npt=off max,pdpe1gb=off max,phys-bits=36 max,phys-bits=39 \
		max,phys-bits=40 max,phys-bits=46 max,phys-bits=52 EPYC EPYC-Rome EPYC-Milan EPYC-Genoa
fi
make -s build/svmhv.efi build/cpuidump.efi || exit 1

# Names of the set bits of CPUID 8000_000A EDX (APM3 App. E.4.9 / APM2 15.x).
svm_edx_names() {
	local edx=$1 b out=""
	local -A n=([0]=NP [1]=LbrVirt [2]=SVML [3]=NRIPS [4]=TscRate [5]=VmcbClean
		[6]=FlushByASID [7]=DecodeAssists [8]=PmcVirt [10]=PauseFilter [12]=PFThreshold
		[13]=AVIC [15]=VVMSAVE [16]=VGIF [17]=GMET [18]=x2AVIC [19]=SSSCheck [20]=SpecCtrl
		[21]=ROGPT [23]=HostMCE [24]=TlbiCtl [25]=VNMI [26]=IbsVirt [28]=AddrChk
		[29]=BusLock [30]=IdleHlt)
	for b in $(seq 0 31); do
		(( edx >> b & 1 )) && out+="${out:+ }${n[$b]:-bit$b}"
	done
	echo "${out:--}"
}

# reg LEAF REG: one register of a "CPUID: leaf.0 eax=..." line of $QEMU_TXT, as a number.
reg() {
	local v
	v=$(grep -a -o "CPUID: $1\.0 eax=.*" "$QEMU_TXT" | head -1 |
		grep -o "$2=[0-9a-f]*" | cut -d= -f2)
	[ -n "$v" ] && echo $((16#$v))
}

# The decoded CPUID of the last boot: x2APIC SVM 1G MAXPHY 8000_000A.
cpuid_cells() {
	local c1 e1c e1d e8a sa sb sd
	if ! qemu_has -F 'CPUID: done'; then echo "no output | | | | "; return; fi
	c1=$(reg 00000001 ecx) e1c=$(reg 80000001 ecx) e1d=$(reg 80000001 edx)
	e8a=$(reg 80000008 eax) sa=$(reg 8000000a eax) sb=$(reg 8000000a ebx) sd=$(reg 8000000a edx)
	printf '%s | %s | %s | %s | ' "$((c1 >> 21 & 1))" "$((e1c >> 2 & 1))" "$((e1d >> 26 & 1))" \
		"$((e8a & 255))/$((e8a >> 8 & 255))"
	if [ -n "$sd" ]; then
		printf 'EAX=%x EBX=%d EDX=%08x (%s)' "$sa" "$sb" "$sd" "$(svm_edx_names "$sd")"
	else
		printf 'absent'
	fi
}

# The first QEMU error or warning of the last boot, or "".
qemu_msgs() {
	grep -v -e '^$' "$QEMU_LOGDIR/$1.qemu-stderr" 2>/dev/null | grep -v 'terminating on signal' |
		sed 's/^qemu-system-x86_64: //' | sort | uniq -c | sed 's/^ *1 //; s/^ *\([0-9]*\) \(.*\)/\2 (x\1)/' |
		head -3 | tr '\n' ';' | sed 's/;$//; s/|/\//g'
}

for cpu in "$@"; do
	tag=${cpu//[,=]/_}
	export CPU=$cpu QEMU_LOGDIR=$base/$tag
	mkdir -p "$QEMU_LOGDIR"
	# 1. bare: QEMU's CPUID.
	scripts/image.sh "$QEMU_LOGDIR/bare.img" build/cpuidump.efi:EFI/BOOT/BOOTX64.EFI
	qemu_boot bare "$QEMU_LOGDIR/bare.img" 'CPUID: done' > "$QEMU_LOGDIR/bare.harness"
	if [ "$QEMU_END" = error ] || { [ "$QEMU_END" = exited ] && ! qemu_has -F 'CPUID: done'; }; then
		printf '| %s | %s | REJECTED: %s | | | | | | | |\n' "$qver" "$cpu" "$(qemu_msgs bare)"
		continue
	fi
	bare=$(cpuid_cells)
	warn=$(qemu_msgs bare)
	# 2. svmhv nested=1 + cpuidump: svmhv's verdict and its guest's CPUID.
	printf '%s\n' serial=0x3f8 log=info nested=1 'next=\cpuidump.efi' > "$QEMU_LOGDIR/svmhv.cfg"
	scripts/image.sh "$QEMU_LOGDIR/svmhv.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$QEMU_LOGDIR/svmhv.cfg:EFI/BOOT/svmhv.cfg" build/cpuidump.efi:cpuidump.efi
	qemu_boot svmhv "$QEMU_LOGDIR/svmhv.img" 'CPUID: done|PANIC|not virtualizing' > "$QEMU_LOGDIR/svmhv.harness"
	verdict=$(grep -a -m1 -o -E 'not virtualizing: .*|PANIC.*' "$QEMU_TXT")
	[ -n "$verdict" ] || verdict=$(grep -a -m1 -o 'features: .*' "$QEMU_TXT")
	guest=$(cpuid_cells)
	# 3. svmhv + Linux (make run-batch).
	linux=skipped
	if [ "${MATRIX_LINUX:-1}" = 1 ]; then
		RUN_DIR=$QEMU_LOGDIR/linux scripts/run.sh --batch > "$QEMU_LOGDIR/linux.out" 2>&1
		linux=$(grep -a -o 'run.sh: \(PASS\|FAIL\).*' "$QEMU_LOGDIR/linux.out" | sed 's/run.sh: //; s/ (log:.*//')
		[ -n "$linux" ] || linux="no verdict: $(tail -1 "$QEMU_LOGDIR/linux.out")"
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$qver" "$cpu" "${warn:-}" "$bare" \
		"${verdict//|//}" "$guest" "$linux"
done
