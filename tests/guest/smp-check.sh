#!/bin/busybox sh
# shellcheck shell=dash
# SMP checks of svmhv from inside the Linux guest (tests/suites/45-smp.sh).
# Installed as /usr/bin/smp-check in the SMP initramfs; also usable by hand.
#
#   smp-check [NCPU [CYCLES]]
#       NCPU    CPUs the machine has (QEMU -smp); default: CPUs possible in Linux
#       CYCLES  offline/online cycles per CPU; default 3
#
# Prints one line per check, which the suite turns into TAP lines:
#   SVMHV-SMP: ok - <name>
#   SVMHV-SMP: not ok - <name>: <why>
#   SVMHV-SMP: # <diagnostic>
# and exits 0 only if every check passed. Checks:
#   all CPUs online                          /sys/devices/system/cpu/online = 0-(NCPU-1)
#   cpu I: svmhv checks pinned               svmhv-smp I (signature, VCPU_INFO, counters)
#   NMI backtrace: every CPU took its NMI    sysrq l, "NMI backtrace for cpu I" in dmesg
#   hotplug: cpu K offline/online xCYCLES    for K = 1..NCPU-1, via cpuK/online
#   hotplug: cpu K svmhv checks after each online
#   hotplug: cpus 1-N offline together, then online   (NCPU > 2)
#   hotplug under load: cpus 1-N offline/online xCYCLES  (busy loops on every CPU)
#   after hotplug: all CPUs online
#   after hotplug: svmhv checks on every CPU
sys=/sys/devices/system/cpu
ncpu=${1:-}
cycles=${2:-3}
if [ -z "$ncpu" ]; then
	last=$(sed 's/.*[-,]//' $sys/possible)
	ncpu=$((last + 1))
fi
full=0-$((ncpu - 1))
[ "$ncpu" -gt 1 ] || full=0
failed=0

ok() { echo "SVMHV-SMP: ok - $1"; }
# SMP_PAUSE=SECS (kernel command line svmhv.smp.pause=SECS): on the first failure,
# print SVMHV-SMP-PAUSED and wait that long, e.g. to inspect the CPUs from QEMU's monitor.
notok() {
	echo "SVMHV-SMP: not ok - $1${2:+: $2}"
	if [ "${SMP_PAUSE:-0}" != 0 ] && [ $failed = 0 ]; then
		echo "SVMHV-SMP-PAUSED for ${SMP_PAUSE}s"
		sleep "$SMP_PAUSE"
	fi
	failed=1
}
diag() { echo "SVMHV-SMP: # $*"; }

# smp_run CPU...: svmhv-smp on those CPUs, its lines as diagnostics; status 0 if all passed.
smp_out=""
smp_run() {
	local rc
	smp_out=$(svmhv-smp -n "$ncpu" "$@" 2>&1)
	rc=$?
	echo "$smp_out" | sed 's/^/SVMHV-SMP: # /'
	return $rc
}

# One CPU's line from the last smp_run ("ok: ..." / "FAIL: ..."), or "missing".
smp_line() {
	local l
	l=$(echo "$smp_out" | grep "^svmhv-smp: cpu $1: " | head -1)
	echo "${l#"svmhv-smp: cpu $1: "}"
}

# set_online CPU 0|1: write cpuN/online and check that it took; status, message in $why.
why=""
set_online() {
	local cpu=$1 want=$2 got
	why=""
	if ! echo "$want" > "$sys/cpu$cpu/online" 2>/tmp/smp-err; then
		why="echo $want > cpu$cpu/online failed: $(cat /tmp/smp-err)"
		return 1
	fi
	got=$(cat "$sys/cpu$cpu/online")
	if [ "$got" != "$want" ]; then
		why="cpu$cpu/online reads $got after writing $want"
		return 1
	fi
	return 0
}

# in_list CPU LIST: is CPU in a cpulist like 0-1,3 ?
in_list() {
	local cpu=$1 r a b
	for r in $(echo "$2" | tr , ' '); do
		a=${r%-*}; b=${r#*-}
		[ "$cpu" -ge "$a" ] && [ "$cpu" -le "$b" ] && return 0
	done
	return 1
}

diag "$(uname -sr); possible $(cat $sys/possible), present $(cat $sys/present)," \
     "online $(cat $sys/online); expecting $ncpu CPUs, $cycles hotplug cycles"

# --- every CPU online, and svmhv on each ------------------------------------------------
online=$(cat $sys/online)
diag "online CPUs: $online"
if [ "$online" = "$full" ]; then ok "all CPUs online"
else notok "all CPUs online" "$sys/online is '$online', expected '$full'"; fi

smp_run $(seq 0 $((ncpu - 1)))
for i in $(seq 0 $((ncpu - 1))); do
	l=$(smp_line "$i")
	case $l in
	ok:*) ok "cpu $i: svmhv checks pinned (signature, VCPU_INFO, exit counters)" ;;
	*) notok "cpu $i: svmhv checks pinned (signature, VCPU_INFO, exit counters)" "${l:-missing}" ;;
	esac
done

# --- NMI IPIs: Linux's NMI backtrace (sysrq l) sends one to every other CPU -------------
# Under svmhv each is emulated (hv/apic/vapic.c) and must reach its CPU, idle or busy.
# The console is quieted meanwhile (backtraces carry "Call Trace"); dmesg keeps them.
name="NMI backtrace: every CPU took its NMI"
lvl=$(cut -f1 /proc/sys/kernel/printk)
dmesg -n 1
echo l > /proc/sysrq-trigger
sleep 1
dmesg -n "$lvl"
got=$(dmesg | sed -n 's/.*NMI backtrace for cpu \([0-9]*\).*/\1/p' | sort -un | tr '\n' ' ')
miss=""
for i in $(seq 0 $((ncpu - 1))); do
	case " $got" in *" $i "*) ;; *) miss="$miss $i" ;; esac
done
if [ -z "$miss" ]; then ok "$name"; else notok "$name" "no backtrace from cpu$miss (got: $got)"; fi

# --- hotplug, one CPU at a time ---------------------------------------------------------
for k in $(seq 1 $((ncpu - 1))); do
	hp_bad="" chk_bad=""
	if [ ! -e "$sys/cpu$k/online" ]; then
		notok "hotplug: cpu $k offline/online x$cycles" "no $sys/cpu$k/online (not hotpluggable)"
		notok "hotplug: cpu $k svmhv checks after each online" "not run"
		continue
	fi
	for c in $(seq 1 "$cycles"); do
		t0=$(cut -d' ' -f1 /proc/uptime)
		if ! set_online "$k" 0; then hp_bad="cycle $c: offline: $why"; break; fi
		online=$(cat $sys/online)
		if in_list "$k" "$online"; then hp_bad="cycle $c: cpu $k still in online list '$online'"; break; fi
		if ! set_online "$k" 1; then hp_bad="cycle $c: online: $why"; break; fi
		online=$(cat $sys/online)
		if [ "$online" != "$full" ]; then hp_bad="cycle $c: online list '$online' after onlining cpu $k"; break; fi
		t1=$(cut -d' ' -f1 /proc/uptime)
		diag "cpu $k cycle $c: offline+online in $(awk "BEGIN { print $t1 - $t0 }")s"
		if ! smp_run "$k" && [ -z "$chk_bad" ]; then
			chk_bad="cycle $c: $(smp_line "$k")"
		fi
	done
	if [ -z "$hp_bad" ]; then ok "hotplug: cpu $k offline/online x$cycles"
	else notok "hotplug: cpu $k offline/online x$cycles" "$hp_bad"; fi
	if [ -n "$hp_bad" ]; then notok "hotplug: cpu $k svmhv checks after each online" "hotplug failed"
	elif [ -z "$chk_bad" ]; then ok "hotplug: cpu $k svmhv checks after each online"
	else notok "hotplug: cpu $k svmhv checks after each online" "$chk_bad"; fi
done

# --- hotplug, every AP at once ----------------------------------------------------------
if [ "$ncpu" -gt 2 ]; then
	name="hotplug: cpus 1-$((ncpu - 1)) offline together, then online"
	bad=""
	for k in $(seq 1 $((ncpu - 1))); do
		set_online "$k" 0 || { bad="offline cpu $k: $why"; break; }
	done
	if [ -z "$bad" ]; then
		online=$(cat $sys/online)
		[ "$online" = 0 ] || bad="online list '$online' with cpus 1-$((ncpu - 1)) offline"
	fi
	[ -n "$bad" ] || smp_run 0 || bad="cpu 0 alone: $(smp_line 0)"
	for k in $(seq 1 $((ncpu - 1))); do
		set_online "$k" 1 || { bad="${bad:+$bad; }online cpu $k: $why"; }
	done
	if [ -z "$bad" ]; then ok "$name"; else notok "$name" "$bad"; fi
fi

# --- hotplug under load: busy loops and svmhv-smp runs migrate between CPUs meanwhile ------
name="hotplug under load: cpus 1-$((ncpu - 1)) offline/online x$cycles"
bad="" pids=""
for i in $(seq 1 "$ncpu"); do
	sh -c 'while :; do :; done' & pids="$pids $!"
done
sh -c "while :; do svmhv-smp -n $ncpu >/dev/null 2>&1; done" & pids="$pids $!"
t0=$(cut -d' ' -f1 /proc/uptime)
for c in $(seq 1 "$cycles"); do
	for k in $(seq 1 $((ncpu - 1))); do
		set_online "$k" 0 || { bad="cycle $c: offline cpu $k: $why"; break 2; }
		set_online "$k" 1 || { bad="cycle $c: online cpu $k: $why"; break 2; }
	done
done
t1=$(cut -d' ' -f1 /proc/uptime)
# shellcheck disable=SC2086  # a list of PIDs
kill $pids 2>/dev/null
wait 2>/dev/null
diag "under load: $cycles cycles in $(awk "BEGIN { print $t1 - $t0 }")s"
[ -n "$bad" ] || smp_run || bad="svmhv checks afterwards: $(echo "$smp_out" | grep -m1 FAIL)"
if [ -z "$bad" ]; then ok "$name"; else notok "$name" "$bad"; fi

# --- everything back --------------------------------------------------------------------
online=$(cat $sys/online)
diag "online CPUs after hotplug: $online"
if [ "$online" = "$full" ]; then ok "after hotplug: all CPUs online"
else notok "after hotplug: all CPUs online" "$sys/online is '$online', expected '$full'"; fi
if smp_run; then ok "after hotplug: svmhv checks on every CPU"
else notok "after hotplug: svmhv checks on every CPU" "$(echo "$smp_out" | grep -m1 FAIL)"; fi

svmhv-smp -x 2>&1 | sed 's/^/SVMHV-SMP: # /'
exit $failed
