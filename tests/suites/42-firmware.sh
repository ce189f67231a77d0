#!/usr/bin/env bash
# Firmware paths a Linux guest takes under svmhv (issue 16), tests/guest/fwtest in the guest:
#
#   smm         Debian's SMM build of OVMF (OVMF_CODE_4M.secboot.fd, -machine q35,smm=on,
#               its flash writable only from SMM; Secure Boot off: OVMF_VARS_4M.fd):
#               Linux mounts efivarfs and writes a variable. OVMF's variable driver runs
#               in SMM: every write is an SMI (port 0xB2) taken while svmhv runs the guest.
#   smm-reboot  a second boot on the same variable store: the variable is still there
#               (make soak: FW_BOOTS="smm smm-reboot").
#   s3          -global ICH9-LPC.disable_s3=0: QEMU's DSDT offers \_S3_. svmhv hides it
#               (renamed), so Linux offers no "deep" sleep (echo mem means s2idle); a direct
#               SLP_TYP(S3)|SLP_EN write to PM1a_CNT (tests/guest/pm1poke.c) is refused,
#               logged and counted, and Linux runs on.
#
# Environment: FW_BOOTS="smm s3" (make soak adds smm-reboot, after smm), FW_TIMEOUT=300.
# Logs: build/test-logs/firmware/<boot>.{log,txt,cfg,img}.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=build/test-logs/firmware
gdir=build/guest-fw
QEMU_TIMEOUT=${FW_TIMEOUT:-300}
mkdir -p "$dir" "$gdir"
QEMU_LOGDIR=$(cd "$dir" && pwd)
SECBOOT_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd PLAIN_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

build_step "fw: guest kernel + initramfs build (scripts/guest.sh)" "$dir/guest-build.log" \
	scripts/guest.sh || exit 1
build_step "fw: svmhv.efi builds" "$dir/build.log" make -s build/svmhv.efi || exit 1

# The guest: build/guest/initrd.img + a cpio with fwtest, pm1poke and efivarfs.ko.
build_fw_initrd() {
	local tree=$gdir/tree kver ko
	kver=$(cat build/guest/kernel.version)
	ko=$(find "build/guest/kernel/lib/modules/$kver" -name 'efivarfs.ko*' | head -1)
	gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I. tests/guest/pm1poke.c \
		-o "$gdir/pm1poke" || return 1
	strip "$gdir/pm1poke"
	rm -rf "$tree"
	mkdir -p "$tree/usr/bin" "$tree/lib/fwtest"
	install -m 755 tests/guest/fwtest "$gdir/pm1poke" "$tree/usr/bin/"
	if [ -n "$ko" ]; then      # Debian 6.1: CONFIG_EFIVAR_FS=m
		case $ko in
		*.xz) xz -dc "$ko" > "$tree/lib/fwtest/efivarfs.ko" ;;
		*) cp "$ko" "$tree/lib/fwtest/efivarfs.ko" ;;
		esac
	fi
	(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > "$gdir/fw.cpio.gz" &&
	cat build/guest/initrd.img "$gdir/fw.cpio.gz" > "$gdir/initrd.img.tmp" &&
	mv -f "$gdir/initrd.img.tmp" "$gdir/initrd.img"
}
if (flock 9 && build_fw_initrd) 9>"$gdir/.lock" >"$dir/fw-build.log" 2>&1; then
	tap_ok "fw: fwtest initramfs builds"
else
	sed 's/^/# /' "$dir/fw-build.log" | tail -30
	tap_fail "fw: fwtest initramfs builds"
	exit 1
fi

# linux_image NAME STEPS: svmhv chain-loads Linux, whose /init runs fwtest with STEPS.
linux_image() {
	local name=$1 kargs="console=ttyS0,115200 panic=-1 svmhv.batch=1 svmhv.run=fwtest fwtest.steps=$2 ${3:-}"
	printf '%s\n' "# svmhv.cfg written by tests/suites/42-firmware.sh" serial=0x3f8 log=info \
		hypercalls=all 'next=\vmlinuz' "args=initrd=\\initrd.img $kargs" > "$dir/$name.cfg"
	scripts/image.sh "$dir/$name.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$dir/$name.cfg:EFI/BOOT/svmhv.cfg" build/guest/vmlinuz:vmlinuz \
		"$gdir/initrd.img:initrd.img" >/dev/null
}
linux_image smm efivar-write
linux_image smm-reboot efivar-read
# Not `suspend` (echo mem, i.e. s2idle once \_S3_ is hidden): QEMU 7.2 TCG does not wake
# Linux 6.1 from s2idle, with or without svmhv (RTC alarm, ACPI power button tried).
linux_image s3 sleep-states,pm1-s3

end_re='SVMHV-LINUX-DONE|PANIC|Kernel panic|not virtualizing'
smm_extra="-machine smm=on -global driver=cfi.pflash01,property=secure,value=on"
boots=" ${FW_BOOTS:-smm s3} "
want() { [[ $boots == *" $1 "* ]]; }
{
	! want smm || OVMF_CODE=$SECBOOT_CODE OVMF_VARS=$PLAIN_VARS QEMU_EXTRA=$smm_extra \
		qemu_boot smm "$dir/smm.img" "$end_re" >/dev/null &
	! want s3 || QEMU_EXTRA="-global ICH9-LPC.disable_s3=0" \
		qemu_boot s3 "$dir/s3.img" "$end_re" >/dev/null &
	wait
	# The same flash: qemu.sh copies OVMF_VARS to a fresh smm-reboot.vars.fd.
	! want smm-reboot || OVMF_CODE=$SECBOOT_CODE OVMF_VARS=$dir/smm.vars.fd QEMU_EXTRA=$smm_extra \
		qemu_boot smm-reboot "$dir/smm-reboot.img" "$end_re" >/dev/null
}

# fw_common NAME: the boot reached fwtest's end under svmhv, nothing panicked.
# shellcheck disable=SC2016  # expanded by eval, inside tap_check
fw_common() {
	local n=$1 bad
	tap_check "fw: $n: Linux boots under svmhv (SVMHV-LINUX-OK)" "end: $QEMU_END" qemu_has -x SVMHV-LINUX-OK
	tap_check "fw: $n: fwtest ran to its end" "end: $QEMU_END" qemu_has -x 'FWTEST: done'
	bad=$(grep -m1 -E '^FWTEST: svmhv alive after .*: NO' "$QEMU_TXT")
	tap_check "fw: $n: svmhv still runs the guest after every step" "$bad" \
		eval '[ -z "$bad" ] && qemu_has -E "^FWTEST: svmhv alive after .*: yes"'
	tap_check "fw: $n: guest powers off, no svmhv PANIC" "end: $QEMU_END off: $QEMU_OFF" \
		eval '[ "$QEMU_OFF" = 1 ] && ! qemu_has -F PANIC'
	bad=$(grep -m3 -E 'Kernel panic|Oops|BUG:|general protection fault|Call Trace' "$QEMU_TXT")
	tap_check "fw: $n: kernel log has no panic/Oops/BUG" "$bad" [ -z "$bad" ]
	grep -E '^FWTEST: ' "$QEMU_TXT" | sed 's/^/# /'
}

# fw_ok NAME REGEX: fwtest's "ok - " line for REGEX is there.
fw_ok() {
	tap_check "fw: $1" "$(grep -m1 -E "^FWTEST: not ok - $2" "$QEMU_TXT" || echo missing)" \
		qemu_has -E "^FWTEST: ok - $2"
}

before=$TAP_FAILED TAP_FAILED=0
if want smm; then
qemu_load smm
fw_common smm
smis=$(sed -n 's/^FWTEST: SMI exits on vCPU 0: \([0-9]*\) before the write, \([0-9]*\) after$/\1 \2/p' "$QEMU_TXT")
read -r s0 s1 <<<"${smis:-x x}"
# shellcheck disable=SC2016  # expanded by eval, inside tap_check
tap_check "fw: smm: the variable write took SMIs, each a VMEXIT_SMI svmhv let SMM take ($s0 -> $s1)" \
	"SMI exits: '${smis}'" eval '[[ $s0$s1 =~ ^[0-9]+$ ]] && [ "$s1" -gt "$s0" ]'
fw_ok "smm: Linux writes an EFI variable through SMM and reads it back" 'efivar-write: SvmhvTest written'
fw_ok "smm: ... and reads it again from the firmware (efivarfs remounted)" 'efivar-write: read again'
[ $TAP_FAILED = 0 ] || qemu_tail 40
TAP_FAILED=$((before | TAP_FAILED)) before=$TAP_FAILED TAP_FAILED=0
fi
if want smm-reboot; then
qemu_load smm-reboot
fw_common smm-reboot
fw_ok "smm-reboot: the variable is in flash after a reboot" 'efivar-read: SvmhvTest kept'
[ $TAP_FAILED = 0 ] || qemu_tail 40
TAP_FAILED=$((before | TAP_FAILED)) before=$TAP_FAILED TAP_FAILED=0
fi

if want s3; then
qemu_load s3
fw_common s3
tap_check "fw: s3: svmhv hid \\_S3_ and guards PM1 (set-up line)" "$(grep -m1 'acpi: sleep' "$QEMU_TXT")" \
	qemu_has -E 'acpi: sleep: 1 .*hidden, [0-9]+ register\(s\) guarded; SLP_EN passes only with SLP_TYP mask a=0x5'
tap_check "fw: s3: Linux offers no deep sleep (/sys/power/mem_sleep)" \
	"$(grep -m1 'FWTEST: /sys/power/mem_sleep' "$QEMU_TXT")" \
	eval 'qemu_has -x "FWTEST: /sys/power/mem_sleep: \[s2idle\]"'
tap_check "fw: s3: a direct SLP_TYP(S3)|SLP_EN write to PM1a_CNT is refused (counted, WAK_STS seen)" \
	"$(grep -m3 '^PM1POKE' "$QEMU_TXT" | tr '\n' ' ')" qemu_has -x 'PM1POKE: refused as expected'
tap_check "fw: s3: ... logged by svmhv" "no 'acpi: S3 refused' line" \
	qemu_has -E 'W acpi: S3 refused: vCPU 0 wrote 0x[0-9a-f]+ to PM1a_CNT \(port 0x604\)'
tap_check "fw: s3: ... and Linux runs on under svmhv" "not alive" \
	qemu_has -x 'FWTEST: svmhv alive after pm1-s3: yes'
grep -E '^PM1POKE' "$QEMU_TXT" | sed 's/^/# /'
[ $TAP_FAILED = 0 ] || qemu_tail 60
TAP_FAILED=$((before | TAP_FAILED))
fi
exit "$TAP_FAILED"
