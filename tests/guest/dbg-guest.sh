#!/bin/busybox sh
# shellcheck shell=dash
# /usr/bin/svmhv-dbg in the debugger suite's initramfs (tests/suites/47-debug.sh),
# run by /init through svmhv.run=svmhv-dbg. It prints the addresses the test
# needs from the kernel's own symbol table (/proc/kallsyms: Debian's package
# ships System.map as a stub, the real one is in the 800 MB -dbg package),
# then loops about once a second until the test types "done": each round
# calls sync(2) (the test's gdb breakpoint is on __x64_sys_sync) and prints a
# numbered tick, so the log shows whether console output was lost; a line
# "say WORDS" is answered "SVMHV-DBG-SAID WORDS" (input reaches the guest),
# any other line "SVMHV-DBG-GOT LINE". Ctrl-\ is an ordinary character here
# (stty -isig), so a released escape byte shows up in the line it starts.
for s in linux_banner __x64_sys_sync jiffies_64 _text; do
	a=$(grep -m1 -E " $s\$" /proc/kallsyms | cut -d' ' -f1)
	echo "SVMHV-DBG-SYM $s ${a:-none}"
done
stty -isig 2>/dev/null
echo "SVMHV-DBG-READY"
n=0
while [ $n -lt "${SVMHV_DBG_ROUNDS:-600}" ]; do
	sync
	echo "SVMHV-DBG-TICK $n"
	n=$((n + 1))
	# shellcheck disable=SC3045  # busybox sh has read -t
	if read -r -t 1 line; then
		case $line in
		done) break ;;
		"say "*) echo "SVMHV-DBG-SAID ${line#say }" ;;
		*) echo "SVMHV-DBG-GOT $line" ;;
		esac
	fi
done
echo "SVMHV-DBG-END rounds=$n"
