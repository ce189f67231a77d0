#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Platform and installation: `make esp` (the ESP layout and its svmhv.cfg template,
# checked with svmhv's own parser), Secure Boot signing with sbsign/sbverify,
# `make kvm-run` refusing clearly without nested SVM, the QEMU launcher's handling of
# a QEMU unpacked outside /usr, and scripts/qemu10.sh's private apt configuration.
# Without QEMU boots it takes a few seconds.
#
# With PLATFORM_QEMU=1 (the default; 0 skips them) three QEMU boots follow:
#   - Secure Boot enforced by OVMF (Debian's snakeoil build: SMM, Secure Boot on, the
#     snakeoil key in db): svmhv.efi signed with that key is started, signed with
#     another key it is refused ("Access Denied");
#   - svmhv + Debian's Linux under QEMU 10 (scripts/qemu10.sh; run.sh --batch), -smp 2, in
#     x2APIC mode (Intel IOMMU with interrupt remapping, no_timer_check).
# Logs: build/test-logs/platform/.
# shellcheck disable=SC2317  # check functions are called through tap_check
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/qemu/lib.sh
. tests/qemu/lib.sh

logs=$PWD/build/test-logs/platform
rm -rf "$logs"
mkdir -p "$logs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The README's Configuration table: the option names, one a line.
readme_keys() {
	# shellcheck disable=SC2016  # backquotes are literal: the table's `key` cells
	sed -n '/^## Configuration/,/^## /p' README.md | grep -o '^| `[a-z_]*` |' | tr -d '|` '
}

if ! make -s build/svmhv.efi build/host/cfgcheck >"$logs/build.log" 2>&1; then
	sed 's/^/# /' "$logs/build.log" | tail -20
	tap_fail "platform: svmhv.efi and cfgcheck build"
	exit 1
fi
cfgcheck=build/host/cfgcheck

# ---- make esp -------------------------------------------------------------------
esp=$tmp/esp
mkdir -p "$esp"
tap_check "esp: make esp DEST=dir succeeds" "$(tail -3 "$logs/esp.log" 2>/dev/null)" \
	sh -c "make -s esp DEST='$esp' >'$logs/esp.log' 2>&1"
d=$esp/EFI/svmhv
layout=$(cd "$esp" && find . -mindepth 1 | sort | tr '\n' ' ')
tap_check "esp: layout is EFI/svmhv/{INSTALL.txt,svmhv.cfg,svmhv.efi} and nothing else" "found: $layout" \
	[ "$layout" = "./EFI ./EFI/svmhv ./EFI/svmhv/INSTALL.txt ./EFI/svmhv/svmhv.cfg ./EFI/svmhv/svmhv.efi " ]
tap_check "esp: EFI/svmhv/svmhv.efi is build/svmhv.efi" "differs or missing" \
	cmp -s "$d/svmhv.efi" build/svmhv.efi

: > "$tmp/empty.cfg"
defaults=$("$cfgcheck" "$tmp/empty.cfg")
got=$("$cfgcheck" "$d/svmhv.cfg" 2>&1)
tap_check "esp: svmhv's parser accepts the svmhv.cfg template and it means the defaults" \
	"cfgcheck: '$got', defaults: '$defaults'" [ "$got" = "$defaults" ]
printf 'log=debug\nseriall=0x2f8\n' > "$tmp/bad.cfg"
got=$("$cfgcheck" "$tmp/bad.cfg")
tap_check "esp: cfgcheck refuses a bad svmhv.cfg, naming the line" "cfgcheck said: '$got'" \
	[ "$got" = "refused: svmhv.cfg line 2: unknown option 'seriall'" ]

missing="" extra=""
for k in $(readme_keys); do grep -q "^#$k=" "$d/svmhv.cfg" || missing+=" $k"; done
for k in $(grep -o '^#[a-z_]*=' "$d/svmhv.cfg" | tr -d '#='); do
	readme_keys | grep -qx "$k" || extra+=" $k"
done
nkeys=$(readme_keys | wc -l)
tap_check "esp: the template has every README option (and only those), commented out" \
	"missing:${missing:- none}; not in README:${extra:- none}; $nkeys README keys" \
	[ -z "$missing$extra" ] && [ "$nkeys" -ge 7 ]
sed 's/^#\([a-z_]*=\)/\1/' "$d/svmhv.cfg" > "$tmp/all.cfg"
got=$("$cfgcheck" "$tmp/all.cfg" 2>&1)
tap_check "esp: every example value of the template is valid (all uncommented)" "cfgcheck: '$got'" \
	grep -q '^options: .*next=\\EFI\\debian\\shimx64.efi' <<<"$got"
tap_check "esp: INSTALL.txt tells the efibootmgr command for \\EFI\\svmhv\\svmhv.efi" \
	"no 'efibootmgr --create ... --loader '\\EFI\\svmhv\\svmhv.efi'' in INSTALL.txt" \
	grep -qF -- "--loader '\\EFI\\svmhv\\svmhv.efi'" "$d/INSTALL.txt"

cp "$d/svmhv.cfg" "$tmp/template.cfg"
echo "log=debug" > "$d/svmhv.cfg"
make -s esp DEST="$esp" >"$logs/esp-again.log" 2>&1
kept() { [ "$(cat "$d/svmhv.cfg")" = log=debug ] && cmp -s "$d/svmhv.cfg.new" "$tmp/template.cfg"; }
tap_check "esp: a second make esp keeps the user's svmhv.cfg, template as svmhv.cfg.new" \
	"svmhv.cfg now: '$(head -c 80 "$d/svmhv.cfg")'" kept
out=$(make -s esp 2>&1); rc=$?
usage_said() { [ "$rc" -ne 0 ] && grep -q 'make esp DEST=' <<<"$out"; }
tap_check "esp: make esp without DEST fails with a usage line" "status $rc, output: $out" usage_said

# ---- Secure Boot signing --------------------------------------------------------
sb=$tmp/sb
mkdir -p "$sb"
if ! command -v sbsign >/dev/null || ! command -v sbverify >/dev/null || ! command -v openssl >/dev/null; then
	tap_fail "secureboot: sbsign, sbverify and openssl are installed" \
		"missing; scripts/deps.sh installs sbsigntool and openssl"
else
	newkey() { # NAME CN
		openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj "/CN=$2/" \
			-keyout "$sb/$1.key" -out "$sb/$1.crt" >>"$logs/openssl.log" 2>&1
	}
	two_keys() { newkey own "svmhv test key" && newkey other "another key"; }
	tap_check "secureboot: openssl makes two throwaway keys and certificates" "see $logs/openssl.log" two_keys
	tap_check "secureboot: sbsign signs build/svmhv.efi" "$(tail -2 "$logs/sbsign.log" 2>/dev/null)" \
		sh -c "sbsign --key '$sb/own.key' --cert '$sb/own.crt' --output '$sb/svmhv.efi' build/svmhv.efi \
			>'$logs/sbsign.log' 2>&1 && ! cmp -s '$sb/svmhv.efi' build/svmhv.efi"
	tap_check "secureboot: sbverify accepts it with the signing certificate" \
		"$(sbverify --cert "$sb/own.crt" "$sb/svmhv.efi" 2>&1 | tail -1)" \
		sh -c "sbverify --cert '$sb/own.crt' '$sb/svmhv.efi' >/dev/null 2>&1"
	tap_check "secureboot: sbverify rejects it with a different certificate" "sbverify said OK" \
		sh -c "! sbverify --cert '$sb/other.crt' '$sb/svmhv.efi' >/dev/null 2>&1"
	tap_check "secureboot: sbverify rejects the unsigned build/svmhv.efi" "sbverify said OK" \
		sh -c "! sbverify --cert '$sb/own.crt' build/svmhv.efi >/dev/null 2>&1"
	tap_check "secureboot: the signature names the signer" "$(sbverify --list "$sb/svmhv.efi" 2>&1 | head -5 | tr '\n' ' ')" \
		sh -c "sbverify --list '$sb/svmhv.efi' 2>/dev/null | grep -q 'CN=svmhv test key'"
fi

# ---- make kvm-run without nested SVM --------------------------------------------
if scripts/qemu.sh --check-kvm >/dev/null 2>&1; then
	tap_ok "kvm-run: refuses without /dev/kvm or nested SVM # SKIP this host has nested SVM"
else
	rm -f build/run/linux-kvm.img
	timeout 300 make -s kvm-run </dev/null >"$logs/kvm-run.log" 2>&1; rc=$?
	sed 's/^/# kvm-run: /' "$logs/kvm-run.log" | grep -v '^# kvm-run: *$' | tail -5
	refused() { [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; }
	tap_check "kvm-run: make kvm-run exits non-zero on this host (no nested SVM)" "status $rc" refused
	tap_check "kvm-run: it says what is missing and what to use instead" "see $logs/kvm-run.log" \
		sh -c "grep -q '^kvm: ' '$logs/kvm-run.log' &&
			grep -qF \"run.sh: --kvm needs /dev/kvm with nested SVM (see above); 'make run' uses TCG instead\" '$logs/kvm-run.log'"
	tap_check "kvm-run: it stops before building an image or starting QEMU" "build/run/linux-kvm.img exists" \
		[ ! -e build/run/linux-kvm.img ]
fi
# The same refusal on any host, SVM or not: a /proc/cpuinfo without the svm flag
# (bind-mounted in a private mount namespace, root only).
grep -v '^flags' /proc/cpuinfo > "$tmp/cpuinfo"
echo "flags : fpu vme de pse tsc msr" >> "$tmp/cpuinfo"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	unshare -m sh -c "mount --bind '$tmp/cpuinfo' /proc/cpuinfo && exec scripts/run.sh --kvm --batch" \
		</dev/null >"$logs/kvm-nosvm.log" 2>&1; rc=$?
	tap_check "kvm-run: a CPU without SVM (fake /proc/cpuinfo) is refused with status 1 and a reason" \
		"status $rc: $(head -3 "$logs/kvm-nosvm.log" | tr '\n' ' ')" \
		sh -c "[ $rc = 1 ] && grep -q \"^kvm: this CPU has no AMD SVM (no 'svm' flag\" '$logs/kvm-nosvm.log'"
else
	tap_ok "kvm-run: a CPU without SVM (fake /proc/cpuinfo) is refused # SKIP needs root and unshare -m"
fi

# ---- QEMU launcher: a QEMU unpacked outside /usr ----------------------------------
# A stand-in QEMU that records its arguments and QEMU_MODULE_DIR.
fake_qemu() { # PATH
	mkdir -p "$(dirname "$1")"
	# shellcheck disable=SC2016  # $a and ${...} belong to the stand-in script
	printf '#!/bin/sh\necho "MODDIR=${QEMU_MODULE_DIR:-}" > "%s"\nfor a; do echo "$a"; done >> "%s"\n' \
		"$tmp/qemu-args" "$tmp/qemu-args" > "$1"
	chmod +x "$1"
}
echo x > "$tmp/disk.img"
froot=$tmp/q10root
fake_qemu "$froot/usr/bin/qemu-system-x86_64"
mkdir -p "$froot/usr/share/qemu"
QEMU=$froot/usr/bin/qemu-system-x86_64 scripts/qemu.sh --serial null "$tmp/disk.img" >/dev/null 2>&1
tap_check "launcher: QEMU=ROOT/usr/bin/qemu-system-x86_64 gets -L ROOT/usr/share/qemu first" \
	"args: $(tr '\n' ' ' < "$tmp/qemu-args" | head -c 200)" \
	sh -c "sed -n '2,3p' '$tmp/qemu-args' | tr '\n' ' ' | grep -qx -- '-L $froot/usr/share/qemu '"
tap_check "launcher: ... and QEMU_MODULE_DIR=ROOT/usr/lib/x86_64-linux-gnu/qemu" "$(head -1 "$tmp/qemu-args")" \
	grep -qx "MODDIR=$froot/usr/lib/x86_64-linux-gnu/qemu" "$tmp/qemu-args"
fake_qemu "$tmp/elsewhere/bin/qemu-fake"
QEMU=$tmp/elsewhere/bin/qemu-fake scripts/qemu.sh --serial null "$tmp/disk.img" >/dev/null 2>&1
tap_check "launcher: a QEMU not laid out as ROOT/usr/bin gets neither -L nor QEMU_MODULE_DIR" \
	"args: $(tr '\n' ' ' < "$tmp/qemu-args" | head -c 200)" \
	sh -c "grep -qx 'MODDIR=' '$tmp/qemu-args' && ! grep -qx -- -L '$tmp/qemu-args' && grep -qx -- -machine '$tmp/qemu-args'"

# ---- scripts/qemu10.sh: private apt, clear errors -------------------------------------
stamp=$tmp/stamp
touch "$stamp"
sleep 1
QEMU10_DIR=$tmp/q10 QEMU10_MIRROR=http://127.0.0.1:9/debian scripts/qemu10.sh \
	>"$logs/qemu10-unreachable.out" 2>"$logs/qemu10-unreachable.err"; rc=$?
tap_check "qemu10: an unreachable mirror fails with status 1 and says so" \
	"status $rc: $(tail -2 "$logs/qemu10-unreachable.err" | tr '\n' ' ')" \
	sh -c "[ $rc = 1 ] && [ ! -s '$logs/qemu10-unreachable.out' ] &&
		grep -q '^qemu10: error: .*127.0.0.1:9/debian bookworm-backports.*unreachable' '$logs/qemu10-unreachable.err'"
changed=$(find /etc/apt /var/lib/apt/lists /var/cache/apt -newer "$stamp" 2>/dev/null | head -3)
tap_check "qemu10: its apt-get update used private lists (host's apt state untouched)" "changed: $changed" \
	sh -c "[ -z '$changed' ] && [ -s '$tmp/q10/apt/sources.list' ] && grep -q bookworm-backports '$tmp/q10/apt/sources.list'"

# ---- QEMU boots ---------------------------------------------------------------------
if [ "${PLATFORM_QEMU:-1}" != 1 ]; then
	echo "# PLATFORM_QEMU=0: Secure Boot and QEMU 10 boots skipped"
	exit "$TAP_FAILED"
fi

snake_key=/usr/share/ovmf/PkKek-1-snakeoil.key snake_crt=/usr/share/ovmf/PkKek-1-snakeoil.pem
snake_code=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd snake_vars=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
if [ ! -f "$snake_key" ] || [ ! -f "$snake_code" ] || ! command -v sbsign >/dev/null; then
	tap_fail "secureboot: OVMF snakeoil firmware and key (package ovmf) and sbsign present"
else
	# Debian's snakeoil key is encrypted with the passphrase 'snakeoil' (README.Debian of ovmf).
	openssl rsa -in "$snake_key" -passin pass:snakeoil -out "$sb/snake.key" >/dev/null 2>&1
	sbsign --key "$sb/snake.key" --cert "$snake_crt" --output "$sb/snake.efi" build/svmhv.efi >/dev/null 2>&1
	printf 'serial=0x3f8\nlog=info\n' > "$sb/svmhv.cfg"
	cp "$sb/svmhv.efi" "$sb/own.efi"    # signed above with the throwaway key
	for n in snake own; do
		scripts/image.sh "$logs/sb-$n.img" "$sb/$n.efi:EFI/BOOT/BOOTX64.EFI" "$sb/svmhv.cfg:EFI/BOOT/svmhv.cfg"
		failed_before=$TAP_FAILED TAP_FAILED=0
		QEMU_LOGDIR=$logs QEMU_GRACE=0 QEMU_TIMEOUT=90 OVMF_CODE=$snake_code OVMF_VARS=$snake_vars \
			QEMU_EXTRA="-global driver=cfi.pflash01,property=secure,value=on" \
			qemu_boot "sb-$n" "$logs/sb-$n.img" 'svmhv [0-9.]+ starting|Access Denied|Security Violation'
		if [ $n = snake ]; then
			tap_check "secureboot: OVMF with Secure Boot on starts svmhv.efi signed with a key in db" \
				"no 'svmhv ... starting' (end: $QEMU_END)" qemu_has -E '\[svmhv\] cpu0 I boot: svmhv [0-9.]+ starting'
		else
			tap_check "secureboot: ... and refuses svmhv.efi signed with another key (Access Denied)" \
				"end: $QEMU_END" sh -c "grep -q 'Access Denied' '$QEMU_TXT' && ! grep -q '^\[svmhv\]' '$QEMU_TXT'"
		fi
		[ $TAP_FAILED = 0 ] || qemu_tail 20
		TAP_FAILED=$((failed_before | TAP_FAILED))
	done
fi

q10=$(scripts/qemu10.sh 2>"$logs/qemu10-fetch.err"); rc=$?
if [ $rc != 0 ]; then
	sed 's/^/# /' "$logs/qemu10-fetch.err"
	tap_fail "qemu10: scripts/qemu10.sh fetches QEMU 10 from bookworm-backports" "status $rc"
else
	tap_ok "qemu10: scripts/qemu10.sh provides $("$q10" --version | head -1)"
	# Linux in x2APIC mode (issue 15): Linux 6.1 turns x2APIC on only with
	# interrupt remapping (or a hypervisor it knows), so the machine has
	# QEMU's Intel IOMMU with IR (svmhv leaves VT-d to the guest), and
	# no_timer_check: under svmhv on TCG the IOAPIC timer check misses its
	# TSC window, and with IR Linux has no fallback (docs/platforms.md).
	QEMU=$q10 SMP=2 RUN_DIR=$logs/qemu10 GUEST_ARGS=no_timer_check \
		QEMU_EXTRA="-device intel-iommu,intremap=on,eim=on" \
		scripts/run.sh --batch >"$logs/qemu10-run.out" 2>&1; rc=$?
	QEMU_LOGDIR=$logs/qemu10 qemu_load linux
	tap_check "qemu10: svmhv + Debian's Linux boot under QEMU 10 TCG (run.sh --batch)" \
		"$(grep -a 'run.sh: ' "$logs/qemu10-run.out" | tail -1)" [ $rc = 0 ]
	tap_check "qemu10: Linux runs in x2APIC mode (IR on; 'x2apic enabled', cluster x2APIC routing)" \
		"$(grep -a -m3 -i 'x2apic' "$QEMU_TXT" | tr '\n' ' ')" \
		sh -c "grep -q 'x2apic enabled' '$QEMU_TXT' && grep -q 'Switched APIC routing to cluster x2apic' '$QEMU_TXT'"
	tap_check "qemu10: Linux in x2APIC mode started its AP under svmhv (2 CPUs online, both vCPUs)" \
		"$(grep -a -m1 'smp: Brought up' "$QEMU_TXT"); $(grep -a -m1 'cpus online' "$QEMU_TXT")" \
		sh -c "grep -q 'smp: Brought up 1 node, 2 CPUs' '$QEMU_TXT' && grep -q 'cpus online: 2' '$QEMU_TXT' &&
		       grep -q 'I hv: virtualized cpu1 ' '$QEMU_TXT'"
	[ $rc = 0 ] || qemu_tail 40
	tap_check "qemu10: QEMU 10 loads none of the host's QEMU 7.2 modules (stderr empty)" \
		"$(head -3 "$logs/qemu10/linux.qemu-stderr" | tr '\n' ' ')" [ ! -s "$logs/qemu10/linux.qemu-stderr" ]
fi
exit "$TAP_FAILED"
