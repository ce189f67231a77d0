#!/usr/bin/env bash
# l1hv, the project's guest hypervisor (tests/l1hv/): it runs L2 scenarios with
# VMRUN and prints "L1HV: ok - <name>" lines; each becomes one TAP line here.
#
#   bare     (default) OVMF's UEFI shell runs `\l1hv.efi expect=bare` from
#            startup.nsh (the shell passes the load option; no svmhv): l1hv is
#            L1 on QEMU TCG's own SVM. Lines: "ok - l1hv-bare: <name>".
#   svmhv    (default; L1HV_UNDER_SVMHV=0 skips it) BOOTX64.EFI = svmhv with
#            nested=1, svmhv.cfg chain-loads \l1hv.efi with args=expect=svmhv:
#            every L2 scenario through svmhv's nested SVM emulation. Lines: "ok - l1hv-svmhv: <name>", plus svmhv's
#            own checks (banner, starts l1hv, no PANIC). shadow_pages=16: l1hv's
#            nested-paging scenarios need more shadow tables than that (eviction).
# The boots run in parallel. Known QEMU TCG deviations are reported by l1hv as
# "ok - ... # SKIP QEMU TCG bug: ..." and svmhv-only checks on bare QEMU as
# "# SKIP no svmhv". Logs: build/test-logs/qemu/l1hv-<mode>.{log,txt}.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh
# The differential batch (1134 scenarios) takes l1hv ~30 s under svmhv on a loaded 2-core host.
QEMU_TIMEOUT=${L1HV_TIMEOUT:-300}

IMG=build/qemu
mkdir -p "$IMG" build/test-logs
END_RE='L1HV: done|FATAL|PANIC'
UNDER_SVMHV=${L1HV_UNDER_SVMHV:-1}

build_step "l1hv: l1hv.efi builds" build/test-logs/l1hv-build.log make -s build/l1hv.efi ||
	exit 1

modes=(bare)
printf '%s\r\n' '@echo -off' 'fs0:' '\l1hv.efi expect=bare host=tcg' > "$IMG/l1hv-bare.nsh"
scripts/image.sh "$IMG/l1hv-bare.img" build/l1hv.efi:l1hv.efi "$IMG/l1hv-bare.nsh:startup.nsh"
if [ "$UNDER_SVMHV" = 1 ]; then
	if build_step "l1hv: svmhv.efi builds" build/test-logs/l1hv-build-svmhv.log \
		make -s build/svmhv.efi; then
		cat > "$IMG/l1hv-svmhv.cfg" <<'EOF'
# tests/suites/50-l1hv.sh: svmhv chain-loads l1hv, which runs L2s through svmhv's nested SVM
serial=0x3f8
log=info
nested=1
# a short shadow pool: l1hv's nested-paging scenarios run past it (eviction)
shadow_pages=16
next=\l1hv.efi
args=expect=svmhv host=tcg
EOF
		scripts/image.sh "$IMG/l1hv-svmhv.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
			"$IMG/l1hv-svmhv.cfg:EFI/BOOT/svmhv.cfg" build/l1hv.efi:l1hv.efi
		modes+=(svmhv)
	fi
else
	echo "# l1hv under svmhv not run (L1HV_UNDER_SVMHV=0)"
fi

for m in "${modes[@]}"; do
	re=$END_RE
	[ "$m" != svmhv ] || re="$re|not virtualizing"
	qemu_boot "l1hv-$m" "$IMG/l1hv-$m.img" "$re" >/dev/null &
done
wait

# l1hv_tap MODE: the L1HV lines of the loaded log as TAP lines "l1hv-MODE: <name>".
l1hv_tap() {
	local mode=$1 lines line ok=0 bad=0 skip=0 done_line fatal
	lines=$(grep -ao 'L1HV: .*' "$QEMU_TXT" | sed 's/^L1HV: //')
	while IFS= read -r line; do
		case $line in
		"ok - "*)
			tap_ok "l1hv-$mode: ${line#ok - }"
			ok=$((ok + 1))
			case $line in *" # SKIP "*) skip=$((skip + 1)) ;; esac
			;;
		"not ok - "*) tap_fail "l1hv-$mode: ${line#not ok - }"; bad=$((bad + 1)) ;;
		"# "*) echo "# l1hv-$mode: ${line#\# }" ;;
		esac
	done <<<"$lines"
	echo "# l1hv-$mode: $ok ok ($skip of them skipped), $bad not ok"
	done_line=$(grep -E '^done [0-9]+ passed, [0-9]+ failed' <<<"$lines" | head -1)
	if [ -z "$done_line" ]; then
		fatal=$(grep -m1 -ao 'FATAL.*' "$QEMU_TXT" | sed 's/^/, /')
		tap_fail "l1hv-$mode: l1hv ran to the end" \
			"no 'L1HV: done' line (boot ended: $QEMU_END)$fatal"
	else
		tap_check "l1hv-$mode: l1hv ran to the end" \
			"'$done_line' but $ok ok / $bad not ok lines were seen" \
			[ "$done_line" = "done $ok passed, $bad failed" ]
	fi
	tap_check "l1hv-$mode: no unexpected exception in L1 (FATAL)" \
		"$(grep -m1 -a 'FATAL' "$QEMU_TXT")" eval '! qemu_has -F FATAL'
	tap_check "l1hv-$mode: l1hv powers the machine off" "boot ended: $QEMU_END" [ "$QEMU_OFF" = 1 ]
}

for m in "${modes[@]}"; do
	qemu_load "l1hv-$m"
	before=$TAP_FAILED
	TAP_FAILED=0
	if [ "$m" = svmhv ]; then
		tap_check "l1hv-svmhv: svmhv virtualized cpu0" "no 'virtualized cpu0' line" \
			qemu_has -F 'virtualized cpu0'
		tap_check "l1hv-svmhv: svmhv starts l1hv" "no 'starting next: \\l1hv.efi' line" \
			qemu_has -F 'starting next: \l1hv.efi'
		tap_check "l1hv-svmhv: svmhv does not panic" "$(grep -m1 -a PANIC "$QEMU_TXT")" \
			eval '! qemu_has -F PANIC'
	fi
	l1hv_tap "$m"
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
done

# The differential batch (tests/l1hv/conf.c): every scenario's observables,
# bare against svmhv. A difference fails unless tests/l1hv/conf-known.txt
# names the scenario (a QEMU TCG bug svmhv corrects, with the APM rule); an
# entry whose reason starts "rf: " excuses a difference in RFLAGS.RF only.
# next_rip is "nrip=-" where L1's CPU has no NRIPS (QEMU TCG): then it is left
# out on both sides (svmhv offers NRIPS; l1hv checks it there against APM2
# 15.7.1, its "conf: next_rip ..." line).
conf_lines() {
	grep -ao 'L1HV: # conf: .* code=.*' "build/test-logs/qemu/l1hv-$1.txt" | tr -d '\r' |
		sed 's/^L1HV: # conf: //'
}
# no_nrip OBS: OBS without its nrip= field, in REPLY (no subshell: ~1000 lines).
no_nrip() {
	local re='^(.*) nrip=[^ ]*(.*)$'
	if [[ $1 =~ $re ]]; then REPLY=${BASH_REMATCH[1]}${BASH_REMATCH[2]}; else REPLY=$1; fi
}
# no_rf OBS: OBS with RFLAGS.RF (bit 16) cleared in its fl= field, in REPLY.
no_rf() {
	local re='^(.* fl=)(0x[0-9a-f]+)( .*)$'
	if [[ $1 =~ $re ]]; then
		REPLY=${BASH_REMATCH[1]}$(printf '0x%x' $((BASH_REMATCH[2] & ~0x10000)))${BASH_REMATCH[3]}
	else
		REPLY=$1
	fi
}
if [[ " ${modes[*]} " == *" svmhv "* ]]; then
	declare -A svm_obs=() known=()
	while IFS= read -r line; do svm_obs[${line%% code=*}]=${line#* code=}; done \
		< <(conf_lines svmhv)
	# conf-known.txt: "<name>: <why>" lines; "# " lines are comments ("#gp wrmsr/.." is a name).
	while IFS= read -r line; do
		case $line in '' | '#' | '# '*) continue ;; esac
		[[ $line == *': '* ]] && known[${line%%: *}]=${line#*: }
	done < tests/l1hv/conf-known.txt
	n=0
	while IFS= read -r line; do
		name=${line%% code=*}
		bare=${line#* code=}
		got=${svm_obs[$name]-missing}
		n=$((n + 1))
		if [[ " $bare $got " == *" nrip=- "* ]]; then
			no_nrip "$bare"
			bare=$REPLY
			no_nrip "$got"
			got=$REPLY
		fi
		if [ "$got" = "$bare" ]; then
			echo "ok - l1hv-conf: $name: bare and svmhv agree"
		elif [[ ${known[$name]-} == 'rf: '* ]]; then
			# Only RFLAGS.RF may differ there.
			no_rf "$bare"
			bare=$REPLY
			no_rf "$got"
			if [ "$REPLY" = "$bare" ]; then
				echo "ok - l1hv-conf: $name: differs in RFLAGS.RF only # SKIP known: ${known[$name]#rf: }"
			else
				tap_fail "l1hv-conf: $name: bare and svmhv agree (but RFLAGS.RF)" \
					"bare code=$bare, svmhv code=$REPLY"
			fi
		elif [ -n "${known[$name]-}" ]; then
			echo "ok - l1hv-conf: $name: differs # SKIP known: ${known[$name]}"
		else
			tap_fail "l1hv-conf: $name: bare and svmhv agree" "bare code=$bare, svmhv code=$got"
		fi
	done < <(conf_lines bare)
	# shellcheck disable=SC2317  # called through tap_check
	batch_ran() { [ "$n" -gt 0 ] && [ "$n" = "${#svm_obs[@]}" ]; }
	tap_check "l1hv-conf: the batch ran in both modes" "$n bare scenarios, ${#svm_obs[@]} under svmhv" \
		batch_ran

	# The CPUID table (tests/l1hv/cpuid_table.c): a hash per leaf (its subleaves,
	# the bits svmhv's policy changes masked) and per XCR0 value for 0xD.0/0xD.1,
	# bare QEMU against svmhv, which answers from its per-CPU cache
	# (hv/cpuid_cache.h). Then svmhv's own count: the cache answered.
	cpuid_lines() {
		grep -ao 'L1HV: # cpuid-table: .*' "build/test-logs/qemu/l1hv-$1.txt" | tr -d '\r' |
			sed 's/^L1HV: # cpuid-table: //'
	}
	cpuid_bare=$(cpuid_lines bare)
	cpuid_svm=$(cpuid_lines svmhv)
	cpuid_n=$(grep -c . <<<"$cpuid_bare")
	# shellcheck disable=SC2317  # called through tap_check
	cpuid_same() { [ "$cpuid_n" -gt 20 ] && [ "$cpuid_bare" = "$cpuid_svm" ]; }
	tap_check "l1hv-cpuid: $cpuid_n CPUID leaves and XCR0 values, bare and svmhv agree" \
		"$(diff <(echo "$cpuid_bare") <(echo "$cpuid_svm") | grep '^[<>]' | head -6 | tr '\n' ' ')" \
		cpuid_same
	cache=$(grep -aoE 'vCPU 0: CPUID cache [0-9]+ hits, [0-9]+ misses \([0-9]+ answers, [0-9]+ dropped\)' \
		build/test-logs/qemu/l1hv-svmhv.txt | tail -1)
	echo "# l1hv-svmhv: $cache"
	hits=$(sed -E 's/.* ([0-9]+) hits.*/\1/' <<<"$cache")
	misses=$(sed -E 's/.* ([0-9]+) misses.*/\1/' <<<"$cache")
	# shellcheck disable=SC2317  # called through tap_check
	cache_used() { [ -n "$cache" ] && [ "$hits" -gt "$cpuid_n" ] && [ "$misses" -lt "$hits" ] &&
		[[ $cache == *' 0 dropped)' ]]; }
	tap_check "l1hv-svmhv: CPUID answered from svmhv's cache (hits > leaves, fewer misses, 0 dropped)" \
		"'${cache:-no CPUID cache line}'" cache_used
fi

exit "$TAP_FAILED"
