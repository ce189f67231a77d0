#!/usr/bin/env bash
# make soak: long runs that look for what the short tests cannot.
#   1. the TLB-contract model checker, SOAK_STEPS random steps from SOAK_SEED
#   2. Debian's Linux with -smp 16 under svmhv (tests/suites/45-smp.sh with
#      SMP_CONFIGS=16): every CPU virtualized on ASIDs 1 and 2 of its own CPU,
#      per-CPU checks, CPU hotplug; ~4 min under TCG, too long for make test
#   3. Debian's Linux (-smp 4) under svmhv with nested=1, for SOAK_SECS
#      seconds of rounds (tests/attack/linux/svmhv-soak): Linux KVM as L1 with
#      its L2 VMs (kvmtest), CPU hotplug, the attacks of svmhv-attack, and
#      svmhv's exit counters checked after each round
#   4. apinit (tests/suites/52-apinit.sh) for SOAK_APINIT_BOOTS (200) boots:
#      a 2-CPU guest OS restarting its AP with INIT-SIPI-SIPI under svmhv,
#      every boot clean (issue 17; make test runs 10 of them)
#   5. pb52: tests/suites/30-qemu.sh with QEMU_PB52=1, whose extra boot runs
#      the payload under svmhv on -cpu max,phys-bits=52 (issue 16; OVMF alone
#      takes ~4 min to start with 52 bits on TCG)
#   6. tests/suites/42-firmware.sh with FW_BOOTS="smm smm-reboot": the UEFI variable
#      Linux wrote through SMM under svmhv is still in flash after a reboot
#   7. smpmany: Debian's Linux (scripts/run.sh --batch) with -smp SOAK_SMP_MANY (80,
#      issue 16's count) under svmhv: every CPU virtualized ("hv: virtualized cpuN" for
#      each), Linux brings all of them up, the batch run passes. Slow under TCG: 818 s on
#      2 otherwise idle host cores, much longer when other QEMUs share them (see README)
#   8. x2cpus: the test payload under svmhv on QEMU 10 with -smp SOAK_X2CPUS (288):
#      more processors than svmhv's old static tables (256) held, x2APIC IDs above
#      255; every CPU virtualized, the payload's checks pass (issue 16)
# No hang (a deadline), no svmhv PANIC, no kernel BUG/WARNING, every round ok,
# counters consistent. TAP lines; exit status 0 only if all passed.
# Environment: SOAK_STEPS (300000000), SOAK_SEED (now), SOAK_SECS (600),
# SOAK_SMP (4), SOAK_APINIT_BOOTS (200), SOAK_SMP_MANY (80), SOAK_X2CPUS (288),
# SOAK_PARTS="model smp16 linux apinit pb52 firmware smpmany x2cpus",
# SOAK_QEMU (QEMU 10 from scripts/qemu10.sh).
#
# The Linux part runs on QEMU 10 by default: Debian 12's QEMU 7.2 TCG freezes
# Linux within minutes of VM creations and destructions whether or not svmhv is
# there (a stale INT3 after the kernel patches its text, docs/platforms.md). On
# QEMU 10 kvmtest runs with -u, so the kernel patches its scheduler's text at
# every VM creation and destruction; with SOAK_QEMU set to a QEMU 7.x it keeps
# its pinning VM (the 60-kvm way) and the soak says so.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/qemu/lib.sh

steps=${SOAK_STEPS:-300000000}
seed=${SOAK_SEED:-$(date +%s)}
secs=${SOAK_SECS:-600}
parts=${SOAK_PARTS:-model smp16 linux apinit pb52 firmware smpmany x2cpus}
dir=build/test-logs/soak
gdir=build/guest-soak
mkdir -p "$dir" "$gdir"
QEMU_LOGDIR=$(cd "$dir" && pwd)

if [[ " $parts " == *" model "* ]]; then
	echo "# soak: model checker, $steps steps, seed $seed"
	if build_step "soak: model checker builds" "$dir/model-build.log" make -s build/host/model; then
		build/host/model --steps "$steps" --seed "$seed" | tee "$dir/model.log" | grep -E '^(ok|not ok|#)'
		[ "${PIPESTATUS[0]}" = 0 ] || TAP_FAILED=1
	fi
fi

if [[ " $parts " == *" smp16 "* ]]; then
	echo "# soak: Linux -smp 16 under svmhv (tests/suites/45-smp.sh)"
	SMP_CONFIGS=16 SMP_CONTROL=0 SMP_TIMEOUT=900 SMP_LOGDIR=build/test-logs/soak-smp16 \
		tests/suites/45-smp.sh | sed -E 's/^(not )?ok - /&soak: /'
	[ "${PIPESTATUS[0]}" = 0 ] || TAP_FAILED=1
fi

# shellcheck disable=SC2317  # called through build_step
linux_image() {
	scripts/guest.sh &&
	make -s build/svmhv.efi &&
	for p in svmhv-attack svmhv-counters; do
		gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I. "tests/attack/linux/$p.c" \
			-o "$gdir/$p" && strip "$gdir/$p" || return 1
	done &&
	rm -rf "$gdir/tree" && mkdir -p "$gdir/tree/usr/bin" &&
	install -m 755 "$gdir/svmhv-attack" "$gdir/svmhv-counters" tests/attack/linux/svmhv-soak \
		"$gdir/tree/usr/bin/" &&
	(cd "$gdir/tree" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > "$gdir/soak.cpio.gz" &&
	cat build/guest/initrd.img "$gdir/soak.cpio.gz" > "$gdir/initrd.img" &&
	printf '%s\n' "# scripts/soak.sh" serial=0x3f8 log=info nested=1 hypercalls=all \
		'next=\vmlinuz' "args=initrd=\\initrd.img console=ttyS0,115200 panic=-1 svmhv.batch=1 svmhv.modules=kvm_amd,msr kvm_amd.nested=1 kvm_amd.npt=0 svmhv.run=svmhv-soak svmhv.soak.secs=$secs svmhv.soak.kvmtest=$kvmtest_args" \
		> "$dir/linux.cfg" &&
	scripts/image.sh "$dir/linux.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$dir/linux.cfg:EFI/BOOT/svmhv.cfg" build/guest/vmlinuz:vmlinuz \
		"$gdir/initrd.img:initrd.img"
}

# SOAK_QEMU or QEMU 10 (fetched once into build/qemu10 by scripts/qemu10.sh).
soak_qemu() {
	local v
	if [ -n "${SOAK_QEMU:-}" ]; then
		QEMU=$SOAK_QEMU
	elif ! QEMU=$(scripts/qemu10.sh); then
		tap_fail "soak: QEMU 10 for the Linux part (scripts/qemu10.sh failed; SOAK_QEMU=... picks another)"
		return 1
	fi
	export QEMU
	v=$("$QEMU" --version | head -1 | grep -o 'version [0-9.]*' | cut -d' ' -f2)
	case $v in
	7.*) kvmtest_args=pinned
	     echo "# soak: QEMU $v: kvmtest keeps its pinning VM (QEMU 7.2 freezes Linux in text_poke; docs/platforms.md)" ;;
	*) kvmtest_args=-u ;;
	esac
	echo "# soak: QEMU $v ($QEMU)"
}

kvmtest_args=-u
if [[ " $parts " == *" linux "* ]] && soak_qemu &&
   build_step "soak: Linux guest with kvmtest, svmhv-attack, svmhv-counters" "$dir/linux-build.log" \
	linux_image; then
	echo "# soak: Linux -smp ${SOAK_SMP:-4} for ${secs}s"
	SMP=${SOAK_SMP:-4} QEMU_TIMEOUT=$((secs + 400)) \
		qemu_boot linux "$dir/linux.img" 'SVMHV-LINUX-DONE|PANIC|Kernel panic'
	grep -a 'SVMHV-SOAK' "$QEMU_TXT" | sed 's/^/# /' | tail -40
	done_line=$(grep -a -m1 -o 'SVMHV-SOAK-DONE status=[0-9]* rounds=[0-9]*' "$QEMU_TXT")
	tap_check "soak: every round passed (kvmtest, hotplug, attacks, counters)" \
		"${done_line:-no SVMHV-SOAK-DONE (end: $QEMU_END)}" \
		eval "[[ '$done_line' =~ status=0\ rounds=[1-9] ]]"
	tap_check "soak: no hang: the guest powered off" "boot ended: $QEMU_END after ${QEMU_SECS}s" \
		[ "$QEMU_OFF" = 1 ]
	tap_check "soak: svmhv did not PANIC" "$(grep -a -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
	bad=$(grep -a -v '^\[svmhv\]' "$QEMU_TXT" | grep -a -m3 -E \
		'Kernel panic|Oops|BUG:|WARNING: CPU|general protection fault|soft lockup|hard LOCKUP|rcu: INFO')
	tap_check "soak: kernel log has no panic/Oops/BUG/WARNING/lockup" "$bad" [ -z "$bad" ]
	grep -a -E '^\[svmhv\] cpu[0-9]+ [EW] ' "$QEMU_TXT" | sed 's/^\[svmhv\] cpu[0-9]* //' |
		sed 's/[0-9a-f]\{6,\}/X/g' | sort | uniq -c | sort -rn | head -15 | sed 's/^/# svmhv warnings: /'
	[ $TAP_FAILED = 0 ] || qemu_tail 60
fi
if [[ " $parts " == *" apinit "* ]]; then
	echo "# soak: apinit, ${SOAK_APINIT_BOOTS:-200} boots"
	APINIT_BOOTS=${SOAK_APINIT_BOOTS:-200} tests/suites/52-apinit.sh ||
		TAP_FAILED=1
fi
if [[ " $parts " == *" pb52 "* ]]; then
	echo "# soak: MAXPHYADDR 52 (tests/suites/30-qemu.sh with QEMU_PB52=1)"
	QEMU_PB52=1 tests/suites/30-qemu.sh | sed -E 's/^(not )?ok - /&soak: /'
	[ "${PIPESTATUS[0]}" = 0 ] || TAP_FAILED=1
fi
if [[ " $parts " == *" firmware "* ]]; then
	echo "# soak: SMM OVMF, a UEFI variable across a reboot (tests/suites/42-firmware.sh)"
	FW_BOOTS="smm smm-reboot" tests/suites/42-firmware.sh | sed -E 's/^(not )?ok - /&soak: /'
	[ "${PIPESTATUS[0]}" = 0 ] || TAP_FAILED=1
fi
# every_cpu N: "hv: virtualized cpuI " for every I < N in $QEMU_TXT (TAP), missing ones named.
every_cpu() {
	local n=$1 p=$2 i missing="" seen
	seen=$(grep -aoE 'hv: virtualized cpu[0-9]+ ' "$QEMU_TXT" | grep -oE '[0-9]+' | sort -un)
	for ((i = 0; i < n; i++)); do
		grep -qx "$i" <<<"$seen" || missing+=" cpu$i"
	done
	tap_check "${p}svmhv virtualized all $n CPUs" "not seen:${missing:0:300}" [ -z "$missing" ]
}

if [[ " $parts " == *" smpmany "* ]]; then
	many=${SOAK_SMP_MANY:-80}
	echo "# soak: Linux -smp $many under svmhv (scripts/run.sh --batch)"
	start=$(date +%s)
	# no_timer_check: with dozens of TCG threads on a few host cores Linux's IO-APIC
	# timer check can miss its ticks and panic ("IO-APIC + timer doesn't work").
	SMP=$many MEM=2G RUN_DIR="$dir/smpmany" RUN_TIMEOUT=${SOAK_SMP_MANY_TIMEOUT:-5400} \
		GUEST_ARGS=${SOAK_SMP_MANY_ARGS-no_timer_check} scripts/run.sh --batch >"$dir/smpmany.out" 2>&1
	rc=$?
	QEMU_TXT=$dir/smpmany/linux.txt
	p="soak: Linux -smp $many: "
	every_cpu "$many" "$p"
	tap_check "${p}Linux brought up $many CPUs" \
		"$(grep -a -m1 -E 'smp: Brought up' "$QEMU_TXT" || echo 'no "smp: Brought up" line')" \
		grep -aqE "smp: Brought up [0-9]+ nodes?, $many CPUs" "$QEMU_TXT"
	tap_check "${p}run.sh --batch passed (SVMHV-LINUX-OK, DONE status=0)" \
		"exit $rc, see $dir/smpmany.out" [ "$rc" = 0 ]
	echo "# soak: Linux -smp $many: $(($(date +%s) - start))s"
fi

if [[ " $parts " == *" x2cpus "* ]] && soak_qemu &&
   build_step "soak: payload.efi and svmhv.efi build" "$dir/x2cpus-build.log" \
	make -s build/payload.efi build/svmhv.efi; then
	many=${SOAK_X2CPUS:-288}
	printf '%s\n' "# scripts/soak.sh: the payload on -smp $many" serial=0x3f8 log=info \
		nested=0 'next=\payload.efi' args=mode=svmhv > "$dir/x2cpus.cfg"
	scripts/image.sh "$dir/x2cpus.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$dir/x2cpus.cfg:EFI/BOOT/svmhv.cfg" build/payload.efi:payload.efi >/dev/null
	echo "# soak: the payload on QEMU 10 -smp $many (x2APIC IDs above 255)"
	SMP=$many MEM=2G QEMU_TIMEOUT=${SOAK_X2CPUS_TIMEOUT:-3600} \
		qemu_boot x2cpus "$dir/x2cpus.img" 'PAYLOAD: done|PAYLOAD: FATAL|PANIC|not virtualizing'
	p="soak: -smp $many: "
	every_cpu "$many" "$p"
	tap_check "${p}boot says $many CPUs under svmhv" "no 'boot: $many CPUs under svmhv' line" \
		qemu_has -F "boot: $many CPUs under svmhv"
	tap_check "${p}an x2APIC ID above 255 virtualized" "no 'virtualized cpuN (APIC ID M' with M > 255" \
		qemu_has -E 'virtualized cpu[0-9]+ \(APIC ID (25[6-9]|2[6-9][0-9]|[3-9][0-9]{2}|[0-9]{4,}),'
	tap_check "${p}no PANIC" "$(grep -a -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
	payload_tap "soak: -smp $many: " 1 || true
	echo "# soak: -smp $many: ${QEMU_SECS}s (end: $QEMU_END)"
	[ $TAP_FAILED = 0 ] || qemu_tail 40
fi
exit "$TAP_FAILED"
