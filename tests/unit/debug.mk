# svmhv's debugging core (hv/debug/): the console escape filter, the monitor's
# line editor and commands, the GDB remote protocol framing and command layer.
UNIT_TESTS += test_escape
test_escape_SRCS := tests/unit/test_escape.c hv/debug/escape.c hv/fmt.c

# The same sources built alone with the hypervisor's freestanding flags (svmhv.efi
# also links them, through the Makefile's hv/*/*.c): `make debug-efi-objs`.
DEBUG_CORE_SRCS := $(sort $(wildcard hv/debug/*.c))
.PHONY: debug-efi-objs
debug-efi-objs: $(DEBUG_CORE_SRCS:%.c=$(BUILD)/efi/%.o)

GDBSTUB_SRCS := hv/debug/rsp.c hv/debug/gdbstub.c hv/debug/gdb_packets.c \
	hv/debug/gdb_regs.c hv/debug/gdb_bp.c hv/debug/gdb_data.c hv/fmt.c
UNIT_TESTS += test_gdbstub
test_gdbstub_SRCS := tests/unit/test_gdbstub.c tests/debug/fake_target.c $(GDBSTUB_SRCS)

# gdbstub-host: the stub on a TCP socket for Debian's gdb (tests/debug/gdb-check.sh).
HOST_PROGS += gdbstub-host
gdbstub-host_SRCS := tests/debug/gdbstub-host.c tests/debug/fake_target.c $(GDBSTUB_SRCS)

MONITOR_SRCS := hv/debug/monitor.c hv/debug/mon_cmds.c hv/debug/mon_log.c hv/debug/mon_print.c \
	hv/debug/mon_vmcb.c svm/tlb.c svm/asid.c hv/fmt.c tests/harness/atomic_hook.c
UNIT_TESTS += test_monitor
test_monitor_SRCS := tests/unit/test_monitor.c $(MONITOR_SRCS)
